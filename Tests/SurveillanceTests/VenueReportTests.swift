import Compliance
import Engine
import Foundation
@testable import Gateway
import HarbourCore
import Matching
import ReadModel
import Surveillance
import Testing

/// The REG-3 venue reports from the projection and the engine (`VenueReports.report`, what
/// `GET /v1/reports/{name}` and `harbour report` print): MM presence and activity share per
/// HKT business day, alerts with their review status, PI classifications expiring or lapsed.
@Suite struct VenueReportTests {
    /// 2026-01-02 00:00 HKT = 2026-01-01 16:00 UTC: the business day 2026-01-02 starts here.
    let hktMidnight = day0 + 16 * hour

    func table(_ name: String, _ date: String, alerts: [AlertCase] = [], venue: SurveillanceVenue, asOf: Int64, days: Int = 30) -> ReportTable? {
        let inputs = VenueReportInputs(alerts: alerts, marketMakerDays: venue.projection.businessDays.days(asOf: asOf),
                                       asOfMs: asOf, horizonDays: days)
        return VenueReports.report(name, day: BusinessDay(date)!, inputs: inputs, engine: venue.engine)
    }

    func rows(_ table: ReportTable?) -> [[String: String]] {
        guard let table else { return [] }
        return table.rows.map { Dictionary(uniqueKeysWithValues: zip(table.columns, $0)) }
    }

    /// The MM quotes 2 BTC a side (terms 20 bps, 1 BTC) from HKT midnight for exactly 12 hours;
    /// a client lifts 0.5 BTC of its ask at 60020.0 (it stays present: 1.5 BTC left) and two
    /// other clients trade 1 BTC at 60010.0 between themselves.
    func scriptedDay() -> SurveillanceVenue {
        let venue = SurveillanceVenue(marketMakers: ["mm-1": [terms(maxSpreadBps: 20, minSize: 1_000)]])
        let mm = openTradingAccount(venue, "mm-1", ts: hktMidnight)
        let alice = openTradingAccount(venue, "alice", ts: hktMidnight)
        let bob = openTradingAccount(venue, "bob", ts: hktMidnight)
        let carol = openTradingAccount(venue, "carol", ts: hktMidnight)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: hktMidnight)
        venue.place(mm, .buy, price: 599_800, quantity: 2_000, at: hktMidnight)
        venue.place(mm, .sell, price: 600_200, quantity: 2_000, at: hktMidnight)
        venue.place(alice, .buy, price: 600_200, quantity: 500, at: hktMidnight + hour)
        venue.place(bob, .sell, price: 600_100, quantity: 1_000, at: hktMidnight + 2 * hour)
        venue.place(carol, .buy, price: 600_100, quantity: 1_000, at: hktMidnight + 3 * hour)
        venue.apply(.cancelAll(account: mm, instrument: btc), at: hktMidnight + 12 * hour)
        return venue
    }

    /// MM-4: a volatility interruption on the business day 2026-01-01 (HKT); mm-a is back two-way
    /// 30 s after the restore, mm-b never: one interruption each, one met in 30,000 ms, one missed.
    @Test func mmObligationsCountTheReQuotesAfterAVolatilityInterruption() throws {
        var scenario = RequoteAfterInterruptionTests.Scenario(makers: ["mm-a", "mm-b"])
        let (mmA, mmB) = (scenario.makers[0], scenario.makers[1])
        let resumed = scenario.interrupt { scenario in
            for maker in [mmA, mmB] { scenario.venue.apply(.cancelAll(account: maker, instrument: btc), at: scenario.now) }
        }
        while scenario.now < resumed + 30_000 { scenario.second() }
        scenario.quote(mmA, bid: 665_800, ask: 666_200)
        while scenario.now < resumed + 61_000 { scenario.second() }
        let report = try #require(table("mm-obligations", "2026-01-01", venue: scenario.venue, asOf: scenario.now))
        #expect(rows(report).map { [$0["account"], $0["interruptions"], $0["requotesMet"], $0["requotesMissed"], $0["worstRequoteMs"]] }
                == [["mm-a", "1", "1", "0", "30000"], ["mm-b", "1", "0", "1", ""]])
        #expect(report.figure("requotesMissed") == "1")
        // GET /v1/compliance/market-makers/obligations keeps the same figures for the UTC day.
        let utc = scenario.venue.projection.closeDays(through: day0 + 24 * hour).reports
        #expect(utc.map { SurveillanceJSON.report($0).rendered.contains(#""interruptions":1,"requotesMet":1,"requotesMissed":0,"worstRequoteMs":30000"#) }
                == [true, false])
        #expect(utc.map { SurveillanceJSON.report($0).rendered.contains(#""interruptions":1,"requotesMet":0,"requotesMissed":1,"worstRequoteMs":null"#) }
                == [false, true])
    }

    @Test func mmObligationsShowExactlyHalfAndTheHandComputedActivityShareOverTheHKTDay() throws {
        let venue = scriptedDay()
        // While the day runs, it is reported as of the report's time, incomplete.
        let running = rows(table("mm-obligations", "2026-01-02", venue: venue, asOf: hktMidnight + 12 * hour))
        #expect(running.map { [$0["complete"], $0["presentMs"], $0["tradingMs"], $0["presencePercent"]] }
                == [["no", String(12 * hour), String(12 * hour), "100.00"]])
        venue.apply(.tick, at: hktMidnight + 24 * hour + 5_000)

        let report = try #require(table("mm-obligations", "2026-01-02", venue: venue, asOf: hktMidnight + 24 * hour + 5_000))
        let listed = rows(report)
        #expect(listed.count == 1)
        let row = try #require(listed.first)
        #expect(row["date"] == "2026-01-02" && row["account"] == "mm-1" && row["symbol"] == "BTC-PERP" && row["complete"] == "yes")
        #expect(row["tradingMs"] == String(24 * hour) && row["presentMs"] == String(12 * hour))
        #expect(row["presencePercent"] == "50.00" && row["requiredPercent"] == "50.00" && row["met"] == "yes")
        // By hand: the MM's notional 0.5 × 60020.0 = 30010; the contract's 30010 + 1 × 60010.0 = 90020;
        // 30010 / 90020 = 33.337…% → 33.33 (rounded down).
        #expect(row["mmTrades"] == "1" && row["mmQuantity"] == "0.5" && row["mmNotional"] == "30010")
        #expect(row["contractTrades"] == "2" && row["contractQuantity"] == "1.5" && row["contractNotional"] == "90020")
        #expect(row["activitySharePercent"] == "33.33")
        #expect(row["interruptions"] == "0" && row["requotesMet"] == "0" && row["requotesMissed"] == "0" && row["worstRequoteMs"] == "")
        #expect(report.figure("met") == "1" && report.figure("missed") == "0" && report.figure("businessDayUtcOffsetMinutes") == "480")
        // The UTC day 2026-01-01 of the same meter saw only 16:00–24:00, all of it present: the
        // convention matters, and the report keeps the HKT one.
        #expect(venue.projection.reports.first { $0.date == "2026-01-01" }?.report.presenceBps == 10_000)
        #expect(rows(table("mm-obligations", "2026-01-01", venue: venue, asOf: hktMidnight + 25 * hour)).isEmpty)
        let html = ReportFormat.html.render(report)
        #expect(html.contains("<svg") && html.contains("mm-1 BTC-PERP") && html.contains("50.00"))
        #expect(ReportFormat.csv.render(report).contains("2026-01-02,mm-1,BTC-PERP,yes,86400000,43200000,50.00,50.00,yes,1,0.5,30010,2,1.5,90020,33.33"))
        // A replay of the same commands gives the same business days.
        #expect(venue.replayed().businessDays.closed == venue.projection.businessDays.closed)
    }

    /// Wash trades between two accounts of one owner: two on 2026-01-01 (HKT), one on
    /// 2026-01-02; compliance closes the first, leaves the second open and reviews the third.
    @Test func surveillanceAlertsListTheDaysAlertsAndOpenOnesFromBeforeWithTheirStatus() throws {
        let venue = SurveillanceVenue(owners: ["fund-a": "owner-1", "fund-b": "owner-1"])
        let a = openTradingAccount(venue, "fund-a", ts: day0)
        let b = openTradingAccount(venue, "fund-b", ts: day0)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: day0)
        for at in [day0 + hour, day0 + 2 * hour, hktMidnight + 2 * hour] {
            venue.place(a, .sell, price: 600_000, quantity: 1_000, at: at)
            venue.place(b, .buy, price: 600_000, quantity: 1_000, at: at + 1_000)
        }
        #expect(venue.alerts.map(\.alert.rule) == [.washTrade, .washTrade, .washTrade])
        var book = AlertBook()
        book.register(venue.alerts)
        try book.apply(.assign(to: "maya"), to: 1, by: "head", at: hktMidnight)
        try book.apply(.review, to: 1, by: "maya", at: hktMidnight + 1)
        try book.apply(.close(comment: "one owner, two mandates"), to: 1, by: "maya", at: hktMidnight + 2)
        try book.apply(.assign(to: "carol"), to: 3, by: "head", at: hktMidnight + 3 * hour)
        try book.apply(.review, to: 3, by: "carol", at: hktMidnight + 4 * hour)

        let report = try #require(table("surveillance-alerts", "2026-01-02", alerts: book.list(), venue: venue, asOf: hktMidnight + 5 * hour))
        let listed = rows(report)
        #expect(listed.map { [$0["id"], $0["raised"], $0["rule"], $0["accounts"], $0["status"], $0["assignee"], $0["actions"]] }
                == [["2", "before", "washTrade", "fund-a fund-b", "open", "", "0"],
                    ["3", "inWindow", "washTrade", "fund-a fund-b", "underReview", "carol", "2"]])
        #expect(listed.last?["raisedAt"] == String(hktMidnight + 2 * hour + 1_000) && listed.last?["symbol"] == "BTC-PERP")
        #expect(listed.last?["lastAction"] == "review" && listed.last?["lastActionBy"] == "carol"
                && listed.last?["lastActionAt"] == String(hktMidnight + 4 * hour))
        #expect(listed.last?["history"] == "1. assign to carol by head at \(hktMidnight + 3 * hour): open → assigned; "
                + "2. review by carol at \(hktMidnight + 4 * hour): assigned → underReview")
        #expect(listed.last?["evidence"] == "1000 at 600000 between two accounts of beneficial owner owner-1")
        #expect(report.figure("alerts") == "1" && report.figure("openFromBefore") == "1" && report.figure("underReview") == "1"
                && report.figure("rule.washTrade") == "1")
        // The first day: both of its alerts, the closed one with its decision.
        let first = rows(table("surveillance-alerts", "2026-01-01", alerts: book.list(), venue: venue, asOf: hktMidnight + 5 * hour))
        #expect(first.map { [$0["id"], $0["status"]] } == [["1", "closed"], ["2", "open"]])
        #expect(first.first?["lastAction"] == "close: one owner, two mandates")
    }

    /// Four classified clients and one never classified; the window 2027-01-10 (HKT) ends at E.
    @Test func piExpiringListsLapsedAndInsideTheHorizonWithTheDaysLeft() throws {
        let venue = SurveillanceVenue()
        let window = BusinessDay("2027-01-10")!
        let end = window.toTs, validity = Int64(venue.engine.config.classification.validityDays) * 86_400_000
        // Expiry relative to the window's end → onboarding (assessment) time.
        let clients: [(String, Int64)] = [("lapsed", -(2 * 86_400_000 + hour)), ("soon", 10 * 86_400_000 + 5 * hour),
                                          ("edge", 30 * 86_400_000), ("later", 30 * 86_400_000 + 1)]
        for (name, offset) in clients { openTradingAccount(venue, name, ts: end + offset - validity) }
        venue.apply(.openAccount(name: "retail", group: nil, feeTier: nil), at: end - validity + 31 * 86_400_000)

        let report = try #require(table("pi-expiring", "2027-01-10", venue: venue, asOf: end))
        let listed = rows(report)
        #expect(listed.map { [$0["account"], $0["daysLeft"], $0["state"]] }
                == [["lapsed", "-3", "lapsed"], ["soon", "10", "expiring"], ["edge", "30", "expiring"]])
        let soon = try #require(listed.first { $0["account"] == "soon" })
        #expect(soon["investorKind"] == "individual" && soon["approvedBy"] == "onboarding-checker" && soon["proposedBy"] == "onboarding-maker")
        #expect(soon["expiresAt"] == String(end + 10 * 86_400_000 + 5 * hour))
        #expect(soon["assessedAt"] == String(end + 10 * 86_400_000 + 5 * hour - validity))
        #expect(soon["expiresOn"] == "2027-01-21")
        #expect(report.figure("lapsed") == "1" && report.figure("expiring") == "2" && report.figure("horizonDays") == "30")
        // A shorter horizon drops the edge; a longer one takes the later one in.
        #expect(rows(table("pi-expiring", "2027-01-10", venue: venue, asOf: end, days: 29)).map { $0["account"] } == ["lapsed", "soon"])
        #expect(rows(table("pi-expiring", "2027-01-10", venue: venue, asOf: end, days: 31)).map { $0["account"] } == ["lapsed", "soon", "edge", "later"])
    }
}
