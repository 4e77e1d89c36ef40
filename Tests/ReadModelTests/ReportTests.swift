import Engine
import Foundation
@testable import ReadModel
import Testing

/// Regulatory reports (REG-3) on scripted days, against totals worked out by hand, on every
/// store the suite runs (SQLite; PostgreSQL when HARBOUR_TEST_POSTGRES_URL is set).
@Suite struct ReportTests {
    /// 2026-01-01 in Hong Kong: the scenarios run from 08:00 HKT (00:00 UTC) on that day.
    let day = BusinessDay("2026-01-01")!

    static func store(_ kind: StoreKind, _ s: Scenario) async throws -> any ReadModelStorage {
        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        return store.base
    }

    static func dec(_ s: String?) -> DecimalText? { s.flatMap(DecimalText.init) }

    @Test func aBusinessDayIsHongKongMidnightToMidnight() {
        #expect(day.fromTs == 1_767_196_800_000) // 2025-12-31T16:00:00Z
        #expect(day.toTs == 1_767_283_200_000)
        #expect(BusinessDay("2026-01-01", utcOffsetMinutes: 0)?.fromTs == 1_767_225_600_000)
        #expect(BusinessDay("2024-02-29")?.toTs == BusinessDay("2024-03-01")?.fromTs)
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "20260101", "2026-01-01T00", "", "２０２６-01-01"] {
            #expect(BusinessDay(bad) == nil, "\(bad)")
        }
    }

    @Test func aRangeRunsFromTheFirstMidnightToTheMidnightAfterTheLast() throws {
        let week = try #require(BusinessDay(from: "2025-12-29", to: "2026-01-04"))
        #expect(week.fromTs == BusinessDay("2025-12-29")!.fromTs && week.toTs == BusinessDay("2026-01-04")!.toTs)
        #expect(week.toTs - week.fromTs == 7 * 86_400_000 && week.isRange && week.label == "2025-12-29 to 2026-01-04")
        #expect(BusinessDay(from: "2026-01-01", to: "2026-01-01")?.isRange == false)
        #expect(BusinessDay(from: "2026-01-02", to: "2026-01-01") == nil)      // backwards
        #expect(BusinessDay(from: "2024-12-31", to: "2026-01-01") == nil)      // 367 days
        #expect(BusinessDay(from: "2025-01-01", to: "2026-01-01")?.toTs == BusinessDay("2026-01-01")!.toTs) // 366, the most
        #expect(BusinessDay(from: "2026-01-01", to: "2026-02-30") == nil)
    }

    @Test(arguments: StoreKind.available) func feesPerClientMatchTheHandComputedFees(_ kind: StoreKind) async throws {
        let d = TradingDay()
        let store = try await Self.store(kind, d.s)
        let t = try #require(try await store.report("fees", day: day))
        // alice: maker 1 BTC @ 50000 × 0.0002 = 10; taker 0.5 @ 51000 × 0.0005 = 12.75 (twice) and
        // 1.5 ETH @ 3010 × 0.0005 = 2.2575. bob: taker 25; maker 25500 × 0.0002 = 5.1 twice.
        // carol (maker-rebate tier): 4515 × −0.00005 = −0.22575.
        #expect(t.rows.map { $0[0] } == ["alice", "bob", "carol"])
        func row(_ a: String) -> [String] { t.rows.first { $0[0] == a } ?? [] }
        #expect(DecimalText(row("alice")[4]) == DecimalText("37.7575") && row("alice")[1] == "4")
        #expect(DecimalText(row("bob")[2]) == DecimalText("10.2") && DecimalText(row("bob")[3]) == DecimalText("25"))
        #expect(DecimalText(row("carol")[4]) == DecimalText("-0.22575") && row("carol")[1] == "1")
        #expect(Self.dec(t.figure("makerFees")) == DecimalText("19.97425"))
        #expect(Self.dec(t.figure("takerFees")) == DecimalText("52.7575"))
        #expect(Self.dec(t.figure("totalFees")) == DecimalText("72.73175") && t.figure("trades") == "4")
        // The day before has none; a range holding the day has the day's figures.
        let before = try #require(try await store.report("fees", day: BusinessDay("2025-12-31")!))
        #expect(before.rows.isEmpty && before.figure("totalFees") == "0")
        let range = try #require(try await store.report("fees", day: BusinessDay(from: "2025-12-30", to: "2026-01-02")!))
        #expect(range.rows == t.rows && range.summary == t.summary)
        #expect(try await store.report("weather", day: day) == nil)

        // The three forms carry the same figures.
        let csv = ReportFormat.csv.render(t)
        #expect(csv.hasPrefix("account,trades,makerFees,takerFees,totalFees\r\nalice,4,"))
        #expect(csv.contains("\r\ntotalFees,\(t.figure("totalFees")!)\r\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReportFormat.json.render(range).utf8)) as? [String: Any])
        #expect(json["report"] as? String == "fees" && json["date"] as? String == "2025-12-30" && json["toDate"] as? String == "2026-01-02")
        #expect((json["rows"] as? [[String: String]])?.first?["account"] == "alice")
        #expect((json["summary"] as? [String: String])?["totalFees"] == t.figure("totalFees"))
        let html = ReportFormat.html.render(t)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.components(separatedBy: "<tr><td>").count - 1 == 3)
        #expect(html.contains("<td>carol</td>"))
        #expect(ReportFormat.html.render(range).contains("Business days 2025-12-30 to 2026-01-02"))
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

    @Test(arguments: StoreKind.available) func insuranceFundMovementsOpenAndCloseAsWorkedOut(_ kind: StoreKind) async throws {
        let store = try await Self.store(kind, liquidationDay())
        let t = try #require(try await store.report("insurance-fund", day: day))
        #expect(t.rows.map { $0[2] } == ["insuranceTopUp", "insurancePayout"])
        #expect(t.figure("opening") == "0" && t.figure("movements") == "2")
        #expect(Self.dec(t.figure("topUps")) == DecimalText("500") && Self.dec(t.figure("payouts")) == DecimalText("-122"))
        #expect(Self.dec(t.figure("netChange")) == DecimalText("378") && Self.dec(t.figure("closing")) == DecimalText("378"))
        let next = try #require(try await store.report("insurance-fund", day: BusinessDay("2026-01-02")!))
        #expect(next.rows.isEmpty && Self.dec(next.figure("opening")) == DecimalText("378") && Self.dec(next.figure("closing")) == DecimalText("378"))
        // The chart steps 0 → 500 → 378: three points, the axis labelled with the exact extremes.
        let chart = try #require(t.charts.first)
        #expect(chart.series.first?.points.map(\.value).compactMap(DecimalText.init) == [.zero, DecimalText("500")!, DecimalText("378")!])
        let svg = chart.svg(utcOffsetMinutes: 480)
        #expect(svg.contains("<svg") && svg.contains(">500</text>") && svg.contains(">0</text>") && svg.contains(">01-01 00:00</text>"))
        #expect(ReportFormat.html.render(t).contains("<polyline"))
    }

    @Test(arguments: StoreKind.available) func liquidationsListTheStepAndThePayout(_ kind: StoreKind) async throws {
        let store = try await Self.store(kind, liquidationDay())
        let t = try #require(try await store.report("liquidations", day: day))
        #expect(t.rows.map { $0[2] } == ["liquidation", "insurancePayout"])
        let step = t.rows[0]
        #expect(step[3] == "long" && step[4] == "BTC-PERP" && step[5] == "0.2" && step[6] == "44000" && step[7] == "full")
        #expect(t.figure("liquidationSteps") == "1" && t.figure("fullLiquidations") == "1" && t.figure("accountsLiquidated") == "1")
        #expect(Self.dec(t.figure("insurancePayouts")) == DecimalText("122") && t.figure("adlFills") == "0")
        #expect(try await store.report("liquidations", day: BusinessDay("2026-01-02")!)?.rows.isEmpty == true)
    }

    /// Two settlements as the venue publishes them: at 16:00 HKT a paid 7.53 and b received
    /// 7.5 (0.03 rounding residue); at 00:00 HKT the next day b paid 2.25 to a. Hand totals.
    @Test(arguments: StoreKind.available) func fundingPaidAndReceivedPerClient(_ kind: StoreKind) async throws {
        let store = try await TestStore.make(kind)
        func posting(_ from: String, _ to: String, _ amount: String, _ reason: String = "funding") -> String {
            #"{"type":"posting","from":"\#(from)","to":"\#(to)","amount":"\#(amount)","reason":"\#(reason)"}"#
        }
        func funding(_ time: Int64, _ rate: String) -> String {
            #"{"type":"funding","symbol":"BTC-PERP","rate":"\#(rate)","premium":"0.0002","interest":"0.0001","mark":"50200.1","fundingTime":\#(time),"residue":"0"}"#
        }
        let clearing = "client:funding-clearing:USD", a = "client:a:cash:USD", b = "client:b:cash:USD"
        let first: Int64 = 1_767_254_400_000, second: Int64 = 1_767_283_200_000 // 16:00 HKT 1 Jan, 00:00 HKT 2 Jan
        try await store.apply(sequence: 1, timestamp: first, commandLine: nil, eventLines: [
            posting(a, clearing, "7.53"), posting(clearing, b, "7.5"), posting(clearing, "house:rounding:USD", "0.03", "fundingRounding"),
            funding(first, "0.00015"),
        ])
        try await store.apply(sequence: 2, timestamp: second, commandLine: nil, eventLines: [
            posting(b, clearing, "2.25"), posting(clearing, a, "2.25"), funding(second, "-0.00005"),
        ])
        let t = try #require(try await store.base.report("funding", day: day))
        #expect(t.columns == ["account", "payments", "paid", "received", "net"])
        #expect(t.rows.count == 2 && t.rows[0][0] == "a" && t.rows[1][0] == "b")
        #expect(Self.dec(t.rows[0][2]) == DecimalText("7.53") && Self.dec(t.rows[0][4]) == DecimalText("-7.53"))
        #expect(Self.dec(t.rows[1][3]) == DecimalText("7.5") && Self.dec(t.rows[1][4]) == DecimalText("7.5"))
        #expect(Self.dec(t.figure("totalPaid")) == DecimalText("7.53") && Self.dec(t.figure("houseResidue")) == DecimalText("0.03"))
        #expect(t.figure("settlements") == "1" && t.figure("rate.BTC-PERP.\(first)") == "0.00015")
        #expect(t.charts.count == 1)
        // Both days: a paid 7.53 and received 2.25; b received 7.5 and paid 2.25.
        let both = try #require(try await store.base.report("funding", day: BusinessDay(from: "2026-01-01", to: "2026-01-02")!))
        #expect(both.rows.map { $0[1] } == ["2", "2"] && Self.dec(both.rows[0][4]) == DecimalText("-5.28") && Self.dec(both.rows[1][4]) == DecimalText("5.25"))
        #expect(Self.dec(both.figure("totalPaid")) == DecimalText("9.78") && Self.dec(both.figure("totalReceived")) == DecimalText("9.75"))
        #expect(both.figure("settlements") == "2")
    }

    /// TradingDay, then the next day bob buys 1 BTC from carol at 51000 (the day's end is
    /// what the report shows, not what came after).
    static func twoDays() -> TradingDay {
        let d = TradingDay()
        let s = d.s
        s.ts += 86_400_000
        let bob = s.engine.accountID(named: "bob")!, carol = s.engine.accountID(named: "carol")!
        s.place(carol, .sell, "1", at: "51000")
        s.place(bob, .buy, "1", at: "51000")
        return d
    }

    /// End of 1 Jan: alice long 1.5 ETH @ 3010, carol short 1.5 ETH @ 3010 (her other 0.5
    /// rests), marks BTC 51000 and ETH 3000; BTC positions all closed. Notional 1.5 × 3000 =
    /// 4500 each; unrealised alice 1.5 × (3000 − 3010) = −15, carol +15.
    @Test(arguments: StoreKind.available) func positionsAtTheEndOfTheDayAreValuedAtTheMark(_ kind: StoreKind) async throws {
        let store = try await Self.store(kind, Self.twoDays().s)
        let t = try #require(try await store.report("positions", day: day))
        #expect(t.rows.map { [$0[0], $0[1], $0[2]] } == [["alice", "ETH-PERP", "long"], ["carol", "ETH-PERP", "short"]])
        let alice = t.rows[0], carol = t.rows[1]
        #expect(Self.dec(alice[3]) == DecimalText("1.5") && Self.dec(alice[4]) == DecimalText("3010") && Self.dec(alice[5]) == DecimalText("3000"))
        #expect(Self.dec(alice[6]) == DecimalText("4500") && Self.dec(alice[7]) == DecimalText("-15"))
        #expect(Self.dec(carol[3]) == DecimalText("-1.5") && Self.dec(carol[6]) == DecimalText("4500") && Self.dec(carol[7]) == DecimalText("15"))
        // alice's cash: 100000 − fees 37.7575 − realised 1000 + 1000 + 7 − 200.5 = 99768.7425; carol's: 50000 + 0.22575 rebate.
        #expect(Self.dec(alice[9]) == DecimalText("99768.7425") && Self.dec(alice[10]) == DecimalText("99753.7425"))
        #expect(Self.dec(carol[9]) == DecimalText("50000.22575") && Self.dec(carol[10]) == DecimalText("50015.22575"))
        #expect(t.figure("positions") == "2" && t.figure("accounts") == "2" && Self.dec(t.figure("grossNotional")) == DecimalText("9000"))
        #expect(Self.dec(t.figure("unrealizedPnl")) == .zero && Self.dec(t.figure("openInterest.ETH-PERP")) == DecimalText("1.5"))
        #expect(t.figure("openInterest.BTC-PERP") == nil)
        // Open interest over the day: BTC 0 → 1 → 0.5 → 0, ETH 0 → 1.5.
        let oi = try #require(t.charts.first)
        #expect(oi.series.map(\.name) == ["BTC-PERP", "ETH-PERP"])
        #expect(oi.series[0].points.compactMap { DecimalText($0.value) }.last == .zero)
        #expect(oi.series[0].points.compactMap { DecimalText($0.value) }.contains(DecimalText("1")!))
        #expect(oi.series[1].points.compactMap { DecimalText($0.value) }.last == DecimalText("1.5"))
        // The next day bob is long 1 BTC from carol; the day before nothing was open.
        let next = try #require(try await store.report("positions", day: BusinessDay("2026-01-02")!))
        #expect(next.rows.map { [$0[0], $0[1], $0[3]] }.map { [$0[0], $0[1], DecimalText($0[2])!.description] }
                == [["alice", "ETH-PERP", "1.5"], ["bob", "BTC-PERP", "1"], ["carol", "BTC-PERP", "-1"], ["carol", "ETH-PERP", "-1.5"]])
        #expect(try await store.report("positions", day: BusinessDay("2025-12-31")!)?.rows.isEmpty == true)
    }

    @Test(arguments: StoreKind.available) func largeExposuresAreThoseAtOrAboveTheThreshold(_ kind: StoreKind) async throws {
        let store = try await Self.store(kind, Self.twoDays().s)
        let none = try #require(try await store.report("large-exposures", day: day))
        #expect(none.rows.isEmpty && none.figure("threshold") == "1000000" && none.figure("totalNotional") == "0")
        let at = try #require(try await store.report("large-exposures", day: day, options: ReportOptions(threshold: DecimalText("4500")!)))
        #expect(at.rows.map { $0[0] } == ["alice", "carol"] && at.rows.map { $0[5] } == ["100", "100"])
        #expect(Self.dec(at.figure("totalNotional")) == DecimalText("9000") && at.figure("accounts") == "2")
        #expect(try await store.report("large-exposures", day: day, options: ReportOptions(threshold: DecimalText("4500.01")!))?.rows.isEmpty == true)
        // 2 Jan: BTC open interest 1 (bob); carol's −1 BTC at 51000 is 100% of it, 51000 notional.
        let next = try #require(try await store.report("large-exposures", day: BusinessDay("2026-01-02")!,
                                                       options: ReportOptions(threshold: DecimalText("50000")!)))
        #expect(next.rows.map { [$0[0], $0[1], $0[5]] } == [["bob", "BTC-PERP", "100"], ["carol", "BTC-PERP", "100"]])
        #expect(Self.dec(next.rows[1][4]) == DecimalText("51000"))
    }

    /// alice on 1 Jan: deposits 100000 + 1000 + 7, withdrawal 200.5, fees 37.7575, realised
    /// −500 twice, closing 99768.7425 — and it adds up (unexplained 0).
    @Test(arguments: StoreKind.available) func clientStatementsAddUp(_ kind: StoreKind) async throws {
        let store = try await Self.store(kind, Self.twoDays().s)
        let all = try #require(try await store.report("client-statement", day: day))
        #expect(all.rows.map { $0[0] } == ["alice", "bob", "carol", "dave"] && all.figure("unexplainedAccounts") == "0")
        let t = try #require(try await store.report("client-statement", day: day, options: ReportOptions(account: "alice")))
        #expect(t.rows.count == 1 && t.title == "Client statement: alice")
        let r = t.rows[0]
        let expected = ["alice", "USD", "0", "101007", "200.5", "-1000", "37.7575", "0", "0", "0", "99768.7425", "4", "ETH-PERP 1.5 @ 3010", "0"]
        #expect(r.count == expected.count)
        for (i, (got, want)) in zip(r, expected).enumerated() {
            if let w = DecimalText(want), i != 11 { #expect(DecimalText(got) == w, "\(t.columns[i])") } else { #expect(got == want, "\(t.columns[i])") }
        }
        // 2 Jan opens where 1 Jan closed; carol earned 51000 × 0.00005 = 2.55 on her BTC sale.
        let next = try #require(try await store.report("client-statement", day: BusinessDay("2026-01-02")!, options: ReportOptions(account: "carol")))
        #expect(Self.dec(next.rows[0][2]) == DecimalText("50000.22575") && Self.dec(next.rows[0][6]) == DecimalText("-2.55"))
        #expect(Self.dec(next.rows[0][10]) == DecimalText("50002.77575") && next.rows[0][13] == "0")
        #expect(try await store.report("client-statement", day: day, options: ReportOptions(account: "nobody"))?.rows.isEmpty == true)
    }

    @Test func chartsAreIntegerPixelsAndExactLabels() {
        let chart = ReportChart(title: "a <b>", series: [.init("x", [.init(0, "-1.5"), .init(50, "3")])], fromTs: 0, toTs: 100)
        let svg = chart.svg(utcOffsetMinutes: 0)
        #expect(svg.contains("a &lt;b&gt;") && svg.contains(">3</text>") && svg.contains(">-1.5</text>"))
        // x: 90 + 50 × 610 / 100 = 395; y of 3 = the top (10), of −1.5 the bottom (190); a step to the end (700).
        #expect(svg.contains("points=\"90,190 395,190 395,10 700,10\""))
        #expect(!svg.contains("NaN") && !svg.contains("e+"))
        #expect(ReportChart.clock(1_767_196_800_000, 480) == "01-01 00:00")
    }
}
