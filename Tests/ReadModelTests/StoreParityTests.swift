import Engine
import Foundation
import HarbourCore
import Ledger
import Matching
import ReadModel
import ReadModelPostgres
import Testing

/// The PostgreSQL store answers every query exactly as the SQLite store does for the same
/// outcomes (OPS-4: the gateway must not be able to tell them apart): a scenario touching
/// every table — fills on two symbols with a rebate, partial fills, amends, cancels, IOC and
/// FOK expiries, refusals, deposits and withdrawals, a liquidation paid by the insurance
/// fund, ADL, risk alerts, stress tests, metrics, ADL ranks and funding — projected into
/// SQLite in one batch and into PostgreSQL in one batch, in batches of 3 and one by one.
@Suite(.enabled(if: StoreKind.postgresURL != nil, "needs HARBOUR_TEST_POSTGRES_URL (scripts/test.sh sets it)"))
struct StoreParityTests {
    static let accounts = ["alice", "bob", "carol", "dave", "mm", "long", "short", "nobody"]

    static func everything() -> Scenario {
        let d = TradingDay()
        let s = d.s
        let alice = s.engine.accountID(named: "alice")!, bob = s.engine.accountID(named: "bob")!
        // Partial fill, amend, a refused amend, cancel, IOC and FOK expiries, a refusal.
        let resting = s.place(alice, .sell, "2", at: "52000")!
        s.place(bob, .buy, "0.5", at: "52000")
        s.run(.amendOrder(account: alice, instrument: s.btc, order: .id(OrderID(resting)), price: s.px("52500"), quantity: s.qty("1.75")))
        s.run(.amendOrder(account: alice, instrument: s.btc, order: .id(OrderID(resting)), price: nil, quantity: 0))
        s.place(bob, .buy, "0.8", at: "52500", tif: .ioc, coid: "ioc-'quoted'\\back")
        s.place(bob, .buy, "5", at: "52500", tif: .fok)
        s.cancel(alice, resting)
        s.place(alice, .buy, "100000", at: "1")
        // A liquidation paid by the insurance fund, then ADL.
        let mm = s.open("mm", usd: "1000000")
        let long = s.open("long", usd: "1100"), short = s.open("short", usd: "2000")
        s.mark("50000")
        s.place(long, .buy, "0.2", at: "50000")
        s.place(mm, .sell, "0.2", at: "50000")
        s.run(.insuranceDeposit(asset: "USD", amount: s.usd("500")))
        s.mark("45000")
        s.place(mm, .buy, "0.2", at: "43900")
        s.run(.markPrice(instrument: s.btc, price: s.px("44000")))
        s.mark("50000")
        s.place(long, .buy, "0.2", at: "50000")
        s.place(short, .sell, "0.2", at: "50000")
        s.mark("45000")
        s.run(.markPrice(instrument: s.btc, price: s.px("44000")))
        // Platform risk events, as the engine's sweep publishes them.
        func rate(_ t: String) -> Rate { try! Rate(t) }
        let vol = RiskAlert(raised: true, instrument: s.btc, account: nil, threshold: rate("0.02"), value: rate("0.035"),
                            evidence: .volatility(volatility: rate("0.035"), addOn: rate("0.01"), samples: 30))
        s.publish([.riskAlert(vol), .stressTest(StressTestResult(shock: rate("-0.3"), shortfall: s.usd("100"), insuranceFund: s.usd("500"),
                                                                  accountsInShortfall: 1)),
                   .riskMetrics(RiskMetrics(instrument: s.btc, volatility: rate("0.01"), marginAddOn: rate("0"), openInterest: s.qty("12.5"),
                                            samples: 10)),
                   .adlRank(account: alice, instrument: s.btc, rank: 2)])
        s.publish([.riskAlert(RiskAlert(raised: false, instrument: s.btc, account: nil, threshold: rate("0.02"), value: rate("0.015"),
                                        evidence: vol.evidence))])
        // Funding, as a settled funding line.
        s.sequence += 1
        s.ts += 1000
        s.outcomes.append(ProjectedOutcome(sequence: s.sequence, timestamp: s.ts, commandLine: nil, eventLines: [
            #"{"type":"funding","seq":\#(s.sequence),"symbol":"BTC-PERP","rate":"0.00015","premium":"0.0002","interest":"0.0001","mark":"50200.1","fundingTime":\#(s.ts),"residue":"0.000003"}"#,
        ]))
        return s
    }

    @Test func postgresAnswersEveryQueryAsSQLiteHowEverTheOutcomesAreBatched() async throws {
        let s = Self.everything()
        let sqlite = TestStore(try ReadModelStore(path: ":memory:"))
        try await sqlite.apply(batch: s.outcomes)
        let expected = try await snapshot(sqlite, accounts: Self.accounts)
        #expect(expected.contains("insurancePayout("), "the scenario liquidates with an insurance payout")

        for chunk in [s.outcomes.count, 3, 1] {
            let pg = try await TestStore.make(.postgres)
            var rest = s.outcomes[...]
            while !rest.isEmpty { try await pg.apply(batch: Array(rest.prefix(chunk))); rest = rest.dropFirst(chunk) }
            let got = try await snapshot(pg, accounts: Self.accounts)
            #expect(got == expected, "batches of \(chunk): first difference at \(Self.firstDifference(got, expected))")
        }
    }

    /// Where two snapshots first differ, with some context.
    static func firstDifference(_ a: String, _ b: String) -> String {
        let x = Array(a.utf8), y = Array(b.utf8)
        var i = 0
        while i < min(x.count, y.count) && x[i] == y[i] { i += 1 }
        func around(_ v: [UInt8]) -> String { String(decoding: v[max(0, i - 80)..<min(v.count, i + 80)], as: UTF8.self) }
        return i == x.count && i == y.count ? "none" : "offset \(i):\n  postgres: \(around(x))\n  sqlite:   \(around(y))"
    }

    /// A month-range report (an account's trades and its statement over a window) is served
    /// from the account-and-time indexes, not by reading the table.
    @Test func monthRangeQueriesUseTheirIndexes() async throws {
        let url = try TestStore.freshSchema(try #require(StoreKind.postgresURL))
        let pg = try await PostgresReadModelStore(url: url)
        defer { pg.close() }
        // The planner needs statistics to prefer an index on a small table; these plans are
        // what it picks with enable_seqscan off, i.e. that a fitting index exists.
        let plans = try await pg.explainWithoutSeqScan([
            "SELECT * FROM trades WHERE maker_account = $1 AND ts >= 0 AND ts < 100",
            "SELECT * FROM postings WHERE to_account = $1 AND ts >= 0 AND ts < 100",
            "SELECT * FROM orders WHERE account = $1 AND created_ts >= 0 AND created_ts <= 100 ORDER BY order_id DESC LIMIT 100",
            "SELECT amount FROM balance_history WHERE account = $1 AND asset = 'USD' AND ts < 100 ORDER BY ts DESC, seq DESC LIMIT 1",
        ], "alice")
        for (sql, plan) in plans {
            #expect(plan.contains("Index") && !plan.contains("Seq Scan"), "\(sql): \(plan)")
        }
    }
}
