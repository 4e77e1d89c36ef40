import HarbourCore
import Testing
@testable import Engine
@testable import Financing

/// The daily FIN-3 control report: at the first command after each UTC midnight the engine
/// publishes one `controlUtilisation` event per control and subject with the figure, the
/// limit and their ratio (docs/FINANCING.md "Alerts"), figures computed by hand here.
@Suite struct FinancingControlUtilisationTests {
    typealias V = FinancingVenue
    static let t0 = V.t0

    /// alice and carol (0% interest, so a day changes nothing) each draw 1,200,000 on 60 BTC
    /// at 60,000; then the broker's capital falls to 1,000,000 fiat.
    static func scriptedBook() -> V {
        let v = V(config: .standard)
        for who in ["alice", "carol"] {
            v.run(t0, "openAccount", ["account": who])
            v.professional(who)
            v.marginClient(who, limit: "2000000", rate: "0")
        }
        v.run(t0, "brokerCapital", ["fiat": "50000000", "securities": "0", "virtualAssets": "0", "by": "finance-1"])
        v.index(t0 + 1000, "60000")
        for (loan, who) in [(1, "alice"), (2, "carol")] {
            v.run(t0 + 1000, "deposit", ["account": who, "asset": "BTC", "amount": "60"])
            v.run(t0 + 1000, "loanOpen", ["account": who])
            v.run(t0 + 1000, "collateralPledge", ["account": who, "loan": loan, "asset": "BTC", "qty": "60"])
            #expect(V.rejection(v.run(t0 + 1000, "loanDrawdown", ["account": who, "loan": loan, "amount": "1200000"])) == nil)
        }
        v.run(t0 + 2000, "brokerCapital", ["fiat": "1000000", "securities": "0", "virtualAssets": "7000000", "by": "finance-1"])
        return v
    }

    static func utilisation(_ events: [Event]) -> [ControlUtilisation] {
        events.compactMap { if case let .financing(.controlUtilisation(u)) = $0 { return u } else { return nil } }
    }

    @Test func theDailyAccrualPublishesEveryControlWithTheHandComputedFigures() throws {
        let v = Self.scriptedBook()
        #expect(Self.utilisation(v.all).isEmpty, "nothing before the first midnight")
        let day1 = Self.utilisation(v.run(Self.t0 + V.day + 5000, "tick"))
        let alice = "client:\(v.alice.index)", carol = "client:\(v.engine.accountID(named: "carol")!.index)"
        func find(_ control: ControlUtilisation.Control, _ subject: String) throws -> ControlUtilisation {
            try #require(day1.first { $0.control == control && $0.subject == subject }, "\(control) \(subject)")
        }
        // Book: 2,400,000 of 5 × 1,000,000 (the 7,000,000 of virtual assets count nothing) = 48%.
        let book = try find(.lendingCapacity, "book")
        #expect(book.value == 2_400_000_000_000 && book.limit == 5_000_000_000_000 && book.utilisation.raw == 48_000_000 && book.applies)
        // Credit: 1,200,000 of a 2,000,000 limit = 60%, each client.
        for who in [alice, carol] {
            let credit = try find(.creditLimit, who)
            #expect(credit.value == 1_200_000_000_000 && credit.limit == 2_000_000_000_000 && credit.utilisation.raw == 60_000_000)
            // Capital share: 1,200,000 of 25% × 1,000,000 = 250,000 → 480%.
            let ofCapital = try find(.clientShareOfCapital, who)
            #expect(ofCapital.limit == 250_000_000_000 && ofCapital.utilisation.raw == 480_000_000)
            // Book share: 1,200,000 of 40% × 2,400,000 = 960,000 → 125%, below the 10,000,000 minimum book.
            let ofBook = try find(.clientShareOfLoanBook, who)
            #expect(ofBook.limit == 960_000_000_000 && ofBook.utilisation.raw == 125_000_000 && !ofBook.applies)
        }
        // Collateral: VA-MAJORS is all of 7,200,000 pledged, limit 60% = 4,320,000 → 166.666667% rounded up.
        let majors = try find(.collateralGroupShare, "VA-MAJORS")
        #expect(majors.value == 7_200_000_000_000 && majors.limit == 4_320_000_000_000 && majors.utilisation.raw == 166_666_667 && !majors.applies)
        #expect(day1.count == 8)
        // Once a day: a later command the same day publishes none, the next day publishes again.
        #expect(Self.utilisation(v.run(Self.t0 + V.day + 9000, "tick")).isEmpty)
        #expect(Self.utilisation(v.run(Self.t0 + 2 * V.day + 5000, "tick")).count == 8)
        v.expectSnapshotRoundTrip()
    }

    @Test func theEventIsAReplayLineWithExactDecimals() throws {
        let v = Self.scriptedBook()
        let events = v.run(Self.t0 + V.day + 5000, "tick")
        let lines = events.map { EventEncoder().encode($0, seq: 0, engine: v.engine) }.filter { $0.contains(#""type":"financingControl""#) }
        #expect(lines.first == #"{"type":"financingControl","seq":0,"control":"lendingCapacity","subject":"book","value":"2400000","limit":"5000000","utilisation":"0.48","applies":true}"#)
    }

    @Test func onlyTheMostUsedSubjectsAreNamed() {
        let many = (0..<7).map { ControlUtilisation(control: .creditLimit, subject: "client:\($0)", value: Int64($0), limit: 10) }
        #expect(LoanBook.mostUsed(many, 5).map(\.subject) == ["client:6", "client:5", "client:4", "client:3", "client:2"])
    }
}
