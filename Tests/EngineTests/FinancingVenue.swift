import CommandInput
import Foundation
import HarbourCore
import Testing
@testable import Engine
@testable import Financing

/// A standard venue driven through replay lines (the path the journal and the gateway
/// use), for the engine-level financing tests: invariants are checked after every
/// command, and helpers set up a professional-investor margin client with a loan.
final class FinancingVenue {
    /// Thursday 2026-01-01 00:00 UTC.
    static let t0: Int64 = 1_767_225_600_000
    static let day: Int64 = 86_400_000
    let engine: Engine
    let decoder = CommandDecoder()

    init(config: VenueConfig = .standard) { engine = Engine(config: config) }
    private(set) var all: [Event] = []

    /// Applies one command given as replay fields; returns its events.
    @discardableResult
    func run(_ ts: Int64, _ type: String, _ fields: [String: Any] = [:], sourceLocation: SourceLocation = #_sourceLocation) -> [Event] {
        var object = fields
        object["type"] = type
        object["ts"] = ts
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let (t, command) = try! decoder.decode(line: String(decoding: data, as: UTF8.self), engine: engine)
        let events = engine.apply(command, timestamp: t)
        let problems = engine.invariantViolations()
        #expect(problems.isEmpty, "after \(type): \(problems)", sourceLocation: sourceLocation)
        all += events
        return events
    }

    func index(_ ts: Int64, _ price: String) {
        for source in ["binance", "okx"] { run(ts, "indexPrice", ["symbol": "BTC-PERP", "source": source, "price": price]) }
    }

    func professional(_ who: String, at ts: Int64 = t0) {
        run(ts, "recordEvidence", ["by": "maya", "account": who, "evidenceKind": "securities", "amount": "8000000.00", "currency": "HKD",
                                   "asOf": ts, "source": "custodian statement"])
        run(ts, "proposeClassification", ["requestId": "pi-" + who, "by": "maya", "account": who, "investorKind": "individual", "reason": "evidenced"])
        run(ts, "approveRequest", ["requestId": "pi-" + who, "by": "chen"])
    }

    func marginClient(_ who: String, limit: String = "1000000", settlement: String = "CAPITALISE", rate: String = "0.075", at ts: Int64 = t0) {
        run(ts, "financingClient", ["account": who, "agreement": "SMA-" + who, "annualRate": rate, "interestSettlement": settlement, "by": "credit-1"])
        run(ts, "creditAssessment", ["account": who, "by": "credit-1", "netWorthFiat": "4000000", "netWorthNonFiat": "0", "liquidFiat": "4000000",
                                     "liquidNonFiat": "0", "annualIncome": "500000", "liabilities": "0", "asOf": ts, "limit": limit,
                                     "reviewDueAt": ts + 500 * Self.day])
    }

    /// alice (PI, margin client) pledges 1 BTC to loan 1 and draws `draw` USD at BTC 60,000;
    /// bob holds 2 BTC to sell, carol (PI) 100,000 USD to buy.
    static func withLoan(draw: String = "20000", settlement: String = "CAPITALISE", config: VenueConfig = .standard) -> FinancingVenue {
        let v = FinancingVenue(config: config)
        for who in ["alice", "bob", "carol"] { v.run(t0, "openAccount", ["account": who]) }
        v.professional("alice")
        v.professional("carol")
        v.marginClient("alice", settlement: settlement)
        v.run(t0, "brokerCapital", ["fiat": "50000000", "securities": "0", "virtualAssets": "0", "by": "finance-1"])
        v.index(t0 + 1000, "60000")
        v.run(t0 + 1000, "deposit", ["account": "alice", "asset": "BTC", "amount": "1.2"])
        v.run(t0 + 1000, "deposit", ["account": "bob", "asset": "BTC", "amount": "2"])
        v.run(t0 + 1000, "deposit", ["account": "carol", "asset": "USD", "amount": "100000"])
        v.run(t0 + 1000, "loanOpen", ["account": "alice"])
        v.run(t0 + 1000, "collateralPledge", ["account": "alice", "loan": 1, "asset": "BTC", "qty": "1"])
        if draw != "0" { v.run(t0 + 1000, "loanDrawdown", ["account": "alice", "loan": 1, "amount": draw]) }
        return v
    }

    var alice: AccountID { engine.accountID(named: "alice")! }
    var loan: Loan { engine.loanBook!.loans[LoanID(1)]! }

    static func rejection(_ events: [Event]) -> Rejection? {
        for e in events { if case let .rejected(r, _, _, _) = e { return r } }
        return nil
    }

    static func notices(_ events: [Event]) -> [MarginNotice] {
        events.compactMap { if case let .financing(.notice(n)) = $0 { return n } else { return nil } }
    }

    static func forcedOrders(_ events: [Event]) -> [(filled: Int64, proceeds: Int64)] {
        events.compactMap { if case let .financing(.forcedSaleOrder(_, _, _, _, _, _, _, filled, proceeds)) = $0 { return (filled, proceeds) } else { return nil } }
    }

    /// The engine restored from its own snapshot reaches the same state hash and, given
    /// the same next command, the same events.
    func expectSnapshotRoundTrip(sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = engine.snapshot()
        let restored = try! Engine(snapshot: bytes, config: engine.config)
        #expect(restored.stateHash() == engine.stateHash(), sourceLocation: sourceLocation)
        #expect(restored.invariantViolations().isEmpty, sourceLocation: sourceLocation)
    }
}
