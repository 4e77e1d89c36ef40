import Engine
import Foundation
import HarbourCore
@testable import ReadModel
import Testing

/// REG-3 `positions`: the maintenance requirement per position and per client (RISK-1..3,
/// RISK-6) against figures worked out by hand from the built-in venue's BTC tiers
/// (≤ 50000 at 0.4 %; ≤ 250000 at 0.5 % less 50), on every store the suite runs (SQLite;
/// PostgreSQL when HARBOUR_TEST_POSTGRES_URL is set).
@Suite struct PositionMarginReportTests {
    let day = BusinessDay("2026-01-01")!
    let nextDay = BusinessDay("2026-01-02")!

    /// 1 Jan: sam sells 0.899 and tara 1.101 BTC at 50000 (resting, maker 0.02 %), lena buys 2
    /// (taker 0.05 %); mark 50000.3. 2 Jan: add-on 1 % then 0.5 % published for BTC (and 3 %
    /// for ETH); 3 Jan: 2 % (after the second day).
    static func scenario() -> Scenario {
        let s = Scenario()
        let lena = s.open("lena"), sam = s.open("sam"), tara = s.open("tara")
        s.mark("50000")
        s.place(sam, .sell, "0.899", at: "50000")
        s.place(tara, .sell, "1.101", at: "50000")
        s.place(lena, .buy, "2", at: "50000")
        s.mark("50000.3")
        s.ts += 86_400_000
        s.publish([metrics(s, s.btc, "0.01")])
        s.publish([metrics(s, s.btc, "0.005"), metrics(s, s.eth, "0.03")])
        s.ts += 86_400_000
        s.publish([metrics(s, s.btc, "0.02")])
        return s
    }

    static func metrics(_ s: Scenario, _ i: InstrumentID, _ addOn: String) -> Event {
        .riskMetrics(RiskMetrics(instrument: i, volatility: try! Rate("0.01"), marginAddOn: try! Rate(addOn), openInterest: s.qty("2", i), samples: 10))
    }

    static func dec(_ s: String?) -> DecimalText? { s.flatMap(DecimalText.init) }

    func column(_ t: ReportTable, _ name: String, _ account: String) -> DecimalText? {
        guard let c = t.columns.firstIndex(of: name), let row = t.rows.first(where: { $0[0] == account }) else { return nil }
        return DecimalText(row[c])
    }

    /// Notionals at 50000.3: lena 100000.6 (tier 2), sam 44950.2697 (tier 1), tara 55050.3303
    /// (tier 2). Maintenance: lena 100000.6 × 0.005 − 50 = 450.003; sam 44950.2697 × 0.004 =
    /// 179.8010788 → 179.801079 (up); tara 55050.3303 × 0.005 = 275.2516515 → 275.251652 − 50
    /// = 225.251652. Equity: lena 100000 − 50 fee + 0.6 = 99950.6; sam 100000 − 8.99 − 0.2697 =
    /// 99990.7403; tara 100000 − 11.01 − 0.3303 = 99988.6597. Ratios (up to 0.01 %):
    /// 0.45022… → 0.46, 0.17981… → 0.18, 0.22527… → 0.23.
    @Test(arguments: StoreKind.available) func maintenanceFollowsTheTiersAndRoundsUp(_ kind: StoreKind) async throws {
        let s = Self.scenario()
        let store = try await ReportTests.store(kind, s)
        let t = try #require(try await store.report("positions", day: day))
        #expect(Array(t.columns.prefix(11)) == ["account", "symbol", "side", "size", "entryPrice", "markPrice", "notional", "unrealizedPnl",
                                                "isolatedMargin", "accountCash", "accountEquity"])
        #expect(Array(t.columns.suffix(3)) == ["maintenanceMargin", "accountMaintenance", "accountMarginRatioPercent"])
        #expect(t.rows.map { $0[0] } == ["lena", "sam", "tara"])
        let expected: [(String, String, String, String)] = [("lena", "450.003", "99950.6", "0.46"), ("sam", "179.801079", "99990.7403", "0.18"),
                                                            ("tara", "225.251652", "99988.6597", "0.23")]
        for (account, maintenance, equity, ratio) in expected {
            #expect(column(t, "maintenanceMargin", account) == DecimalText(maintenance), "\(account)")
            #expect(column(t, "accountMaintenance", account) == DecimalText(maintenance), "\(account)")
            #expect(column(t, "accountEquity", account) == DecimalText(equity), "\(account)")
            #expect(column(t, "accountMarginRatioPercent", account) == DecimalText(ratio), "\(account)")
        }
        #expect(Self.dec(t.figure("totalMaintenance")) == DecimalText("855.055731"))
        // The engine, which ran the day, holds the same requirement (the same function).
        for (account, maintenance, _, _) in expected {
            let summary = s.engine.marginSummary(s.engine.accountID(named: account)!)
            #expect(DecimalText(mantissa: summary.maintenanceRequired, scale: 6) == DecimalText(maintenance), "\(account)")
        }
    }

    /// 2 Jan: the add-on in force at the day's end is BTC's last before it, 0.5 % (not the 1 %
    /// before, nor the 2 % of 3 Jan; ETH's does not apply). lena 100000.6 × 0.01 − 50 = 950.006;
    /// sam 44950.2697 × 0.009 = 404.5524273 → 404.552428; tara 55050.3303 × 0.01 − 50 =
    /// 500.503303. Ratios 0.95047… → 0.96, 0.40458… → 0.41, 0.50056… → 0.51.
    @Test(arguments: StoreKind.available) func theVolatilityAddOnInForceIsIncluded(_ kind: StoreKind) async throws {
        let store = try await ReportTests.store(kind, Self.scenario())
        let t = try #require(try await store.report("positions", day: nextDay))
        for (account, maintenance, ratio) in [("lena", "950.006", "0.96"), ("sam", "404.552428", "0.41"), ("tara", "500.503303", "0.51")] {
            #expect(column(t, "maintenanceMargin", account) == DecimalText(maintenance), "\(account)")
            #expect(column(t, "accountMarginRatioPercent", account) == DecimalText(ratio), "\(account)")
        }
        #expect(Self.dec(t.figure("totalMaintenance")) == DecimalText("1855.061731"))
        // Without the contract's spec the requirement is blank, not zero.
        let bare = try #require(try await store.report("positions", day: nextDay, options: ReportOptions(instruments: [])))
        #expect(bare.rows.allSatisfy { $0.suffix(3).allSatisfy(\.isEmpty) } && bare.figure("totalMaintenance") == "0")
    }

    /// 3 Jan: the risk team's BTC change (PERP-1) is approved: tiers ≤ 50000 at 1 %, ≤ 250000
    /// at 2 % (deduction 50000 × 1 % = 500), 40x. The engine's own risk sweep runs in those
    /// commands and publishes its add-on (none), after the 2 % injected earlier that day. The
    /// 3 Jan report measures with the new tiers: lena 100000.6 × 2 % − 500 = 1500.012; sam
    /// 44950.2697 × 1 % = 449.502697; tara 55050.3303 × 2 % − 500 = 601.006606 — what the engine
    /// holds. 2 Jan's report is as before (the configuration's tiers).
    @Test(arguments: StoreKind.available) func theRiskLimitVersionInForceAtTheEndIsUsed(_ kind: StoreKind) async throws {
        let s = Self.scenario()
        let change = RiskLimitChange(maxLeverage: 40, tiers: [.init(notionalCap: 50_000_000_000, maintenanceRate: 1_000_000, maxLeverage: 40),
                                                              .init(notionalCap: 250_000_000_000, maintenanceRate: 2_000_000, maxLeverage: 40)])
        s.run(.compliance(.propose(requestId: "btc-tiers", by: "rita", reason: "committee", change: .riskLimits(instrument: s.btc, change: change))))
        let approved = s.run(.compliance(.approve(requestId: "btc-tiers", by: "raj")))
        #expect(approved.contains { if case .compliance(.riskLimitsSet) = $0 { true } else { false } })
        let store = try await ReportTests.store(kind, s)
        let t = try #require(try await store.report("positions", day: BusinessDay("2026-01-03")!))
        for (account, maintenance) in [("lena", "1500.012"), ("sam", "449.502697"), ("tara", "601.006606")] {
            #expect(column(t, "maintenanceMargin", account) == DecimalText(maintenance), "\(account)")
            let summary = s.engine.marginSummary(s.engine.accountID(named: account)!)
            #expect(DecimalText(mantissa: summary.maintenanceRequired, scale: 6) == DecimalText(maintenance), "\(account): the engine agrees")
        }
        let before = try #require(try await store.report("positions", day: nextDay))
        #expect(column(before, "maintenanceMargin", "lena") == DecimalText("950.006"), "the day before the change keeps the configuration's tiers")
    }

    @Test func theRatioRoundsUpAndIsNotAvailableWithoutPositiveEquity() {
        #expect(PositionMargin.ratioPercent(maintenance: DecimalText("1")!, equity: DecimalText("3")!) == "33.34")
        #expect(PositionMargin.ratioPercent(maintenance: DecimalText("1")!, equity: DecimalText("4")!) == "25")
        #expect(PositionMargin.ratioPercent(maintenance: DecimalText("1")!, equity: .zero) == "n/a")
        #expect(PositionMargin.ratioPercent(maintenance: DecimalText("1")!, equity: DecimalText("-5")!) == "n/a")
    }
}
