import Engine
import Foundation
import ReadModel
import Testing

/// Regulatory reports (REG-3) on scripted days, against totals worked out by hand.
@Suite struct ReportTests {
    /// 2026-01-01 in Hong Kong: the scenarios run from 08:00 HKT (00:00 UTC) on that day.
    let day = BusinessDay("2026-01-01")!

    @Test func aBusinessDayIsHongKongMidnightToMidnight() {
        #expect(day.fromTs == 1_767_196_800_000) // 2025-12-31T16:00:00Z
        #expect(day.toTs == 1_767_283_200_000)
        #expect(BusinessDay("2026-01-01", utcOffsetMinutes: 0)?.fromTs == 1_767_225_600_000)
        #expect(BusinessDay("2024-02-29")?.toTs == BusinessDay("2024-03-01")?.fromTs)
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "20260101", "2026-01-01T00", "", "２０２６-01-01"] {
            #expect(BusinessDay(bad) == nil, "\(bad)")
        }
    }

    @Test func feesPerClientMatchTheHandComputedFees() throws {
        let d = TradingDay()
        let store = try ReadModelStore(path: ":memory:")
        try store.apply(batch: d.s.outcomes)
        let t = try #require(try store.report("fees", day: day))
        // alice: maker 1 BTC @ 50000 × 0.0002 = 10; taker 0.5 @ 51000 × 0.0005 = 12.75 (twice) and
        // 1.5 ETH @ 3010 × 0.0005 = 2.2575. bob: taker 25; maker 25500 × 0.0002 = 5.1 twice.
        // carol (maker-rebate tier): 4515 × −0.00005 = −0.22575.
        #expect(t.rows.map { $0[0] } == ["alice", "bob", "carol"])
        func row(_ a: String) -> [String] { t.rows.first { $0[0] == a } ?? [] }
        #expect(DecimalText(row("alice")[4]) == DecimalText("37.7575") && row("alice")[1] == "4")
        #expect(DecimalText(row("bob")[2]) == DecimalText("10.2") && DecimalText(row("bob")[3]) == DecimalText("25"))
        #expect(DecimalText(row("carol")[4]) == DecimalText("-0.22575") && row("carol")[1] == "1")
        #expect(DecimalText(t.figure("makerFees")!) == DecimalText("19.97425"))
        #expect(DecimalText(t.figure("takerFees")!) == DecimalText("52.7575"))
        #expect(DecimalText(t.figure("totalFees")!) == DecimalText("72.73175"))
        // The day before has none.
        let before = try #require(try store.report("fees", day: BusinessDay("2025-12-31")!))
        #expect(before.rows.isEmpty && before.figure("totalFees") == "0")
        #expect(try store.report("weather", day: day) == nil)

        // The three forms carry the same figures.
        let csv = ReportFormat.csv.render(t)
        #expect(csv.hasPrefix("account,trades,makerFees,takerFees,totalFees\r\nalice,4,"))
        #expect(csv.contains("\r\ntotalFees,\(t.figure("totalFees")!)\r\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReportFormat.json.render(t).utf8)) as? [String: Any])
        #expect(json["report"] as? String == "fees" && json["date"] as? String == "2026-01-01")
        #expect((json["rows"] as? [[String: String]])?.first?["account"] == "alice")
        #expect((json["summary"] as? [String: String])?["totalFees"] == t.figure("totalFees"))
        let html = ReportFormat.html.render(t)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.components(separatedBy: "<tr><td>").count - 1 == 3)
        #expect(html.contains("<td>carol</td>"))
    }

    /// The liquidation of RiskProjectionTests: 0.2 BTC long, fund topped up by 500, a gap to
    /// 44000 filled at 43900, the 122 beyond the long's cash paid by the fund.
    func liquidationDay() -> Scenario {
        let s = Scenario()
        let mm = s.open("mm", usd: "1000000")
        s.mark("50000")
        let long = s.open("long", usd: "1100")
        s.place(long, .buy, "0.2", at: "50000")
        s.place(mm, .sell, "0.2", at: "50000")
        s.run(.insuranceDeposit(asset: "USD", amount: s.usd("500")))
        s.mark("45000")
        s.place(mm, .buy, "0.2", at: "43900")
        s.run(.markPrice(instrument: s.btc, price: s.px("44000")))
        return s
    }

    @Test func insuranceFundMovementsOpenAndCloseAsWorkedOut() throws {
        let s = liquidationDay()
        let store = try ReadModelStore(path: ":memory:")
        try store.apply(batch: s.outcomes)
        let t = try #require(try store.report("insurance-fund", day: day))
        #expect(t.rows.map { $0[2] } == ["insuranceTopUp", "insurancePayout"])
        #expect(t.figure("opening") == "0" && t.figure("movements") == "2")
        #expect(DecimalText(t.figure("topUps")!) == DecimalText("500") && DecimalText(t.figure("payouts")!) == DecimalText("-122"))
        #expect(DecimalText(t.figure("netChange")!) == DecimalText("378") && DecimalText(t.figure("closing")!) == DecimalText("378"))
        let next = try #require(try store.report("insurance-fund", day: BusinessDay("2026-01-02")!))
        #expect(next.rows.isEmpty && DecimalText(next.figure("opening")!) == DecimalText("378") && DecimalText(next.figure("closing")!) == DecimalText("378"))
    }

    @Test func liquidationsListTheStepAndThePayout() throws {
        let s = liquidationDay()
        let store = try ReadModelStore(path: ":memory:")
        try store.apply(batch: s.outcomes)
        let t = try #require(try store.report("liquidations", day: day))
        #expect(t.rows.map { $0[2] } == ["liquidation", "insurancePayout"])
        let step = t.rows[0]
        #expect(step[3] == "long" && step[4] == "BTC-PERP" && step[5] == "0.2" && step[6] == "44000" && step[7] == "full")
        #expect(t.figure("liquidationSteps") == "1" && t.figure("fullLiquidations") == "1" && t.figure("accountsLiquidated") == "1")
        #expect(DecimalText(t.figure("insurancePayouts")!) == DecimalText("122") && t.figure("adlFills") == "0")
        #expect(try store.report("liquidations", day: BusinessDay("2026-01-02")!)?.rows.isEmpty == true)
    }
}
