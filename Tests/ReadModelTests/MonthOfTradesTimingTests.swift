import Foundation
import HarbourCore
import ReadModel
@testable import ReadModelPostgres
import Testing

/// A month of trades in both stores, and the history queries a client makes on it
/// (`GET /v1/trades/history?symbol=&from=&to=` is `trades(account:symbol:fromTs:toTs:)`),
/// timed on SQLite (file, WAL) and PostgreSQL (docs/PERFORMANCE.md). A measurement, so it
/// runs only when asked: `HARBOUR_MONTH_TRADES=N` (trades in the month). It asserts that both
/// stores give the same answer to every query, and the number of trades.
enum MonthOfTrades {
    static var count: Int? { ProcessInfo.processInfo.environment["HARBOUR_MONTH_TRADES"].flatMap(Int.init) }
}

@Suite(.enabled(if: MonthOfTrades.count != nil && StoreKind.postgresURL != nil,
                "set HARBOUR_MONTH_TRADES and HARBOUR_TEST_POSTGRES_URL to measure"))
struct MonthOfTradesTimingTests {
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    @Test func aMonthOfTradesOnSQLiteAndPostgreSQL() async throws {
        let n = try #require(MonthOfTrades.count)
        let month: Int64 = 30 * 86_400_000
        let s = Scenario()
        let accounts = (0..<20).map { s.open("acct\($0)", usd: "100000000") }
        s.mark("50000")
        let start = s.ts
        // Round trips between pairs of accounts, evenly over 30 days (two commands per trade).
        let step = max(1, month / Int64(2 * n))
        for k in 0..<n {
            let maker = accounts[k % accounts.count], taker = accounts[(k * 7 + 3) % accounts.count]
            let (a, b) = maker == taker ? (maker, accounts[(k + 1) % accounts.count]) : (maker, taker)
            let side: Side = k % 2 == 0 ? .sell : .buy
            s.place(a, side, "0.001", at: "50000", advance: step)
            s.place(b, side == .sell ? .buy : .sell, "0.001", at: "50000", advance: step)
        }
        let end = s.ts
        print("month of trades: \(n) trades, \(s.outcomes.count) outcomes, \((end - start) / 86_400_000) days")

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("readmodel-month-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sqlite = try ReadModelStore(path: dir.appendingPathComponent("month.sqlite").path)
        let pg = try await PostgresReadModelStore(url: try TestStore.freshSchema(try #require(StoreKind.postgresURL)))
        defer { pg.close() }
        let stores: [(String, any ReadModelStorage)] = [("SQLite file", sqlite), ("PostgreSQL", pg)]
        let clock = ContinuousClock()
        for (label, store) in stores {
            let t0 = clock.now
            var rest = s.outcomes[...]
            while !rest.isEmpty {
                _ = try await store.applyAsync(batch: Array(rest.prefix(2_000)))
                rest = rest.dropFirst(2_000)
            }
            print("month of trades [\(label)]: projected in \(String(format: "%.1f", Self.seconds(clock.now - t0))) s")
            #expect(try await store.lastSequence == s.sequence)
        }
        // What autovacuum would have done by now on a real server: statistics for the planner.
        _ = try await pg.session.rows("ANALYZE trades")

        let day = start + 15 * 86_400_000
        let queries: [(String, String?, Int64, Int64, Int)] = [
            ("one account, whole month, first page (limit 1000)", "acct3", start, end, 1_000),
            ("one account, whole month, every trade", "acct3", start, end, 1_000_000),
            ("one account, one day, every trade", "acct3", day, day + 86_400_000, 1_000_000),
            ("public, whole month, first page (limit 1000)", nil, start, end, 1_000),
            ("public, whole month, every trade", nil, start, end, 1_000_000),
        ]
        for (what, account, from, to, limit) in queries {
            var answers: [[TradeRecord]] = []
            var line = "month of trades: \(what):"
            for (label, store) in stores {
                var times: [Double] = []
                var rows: [TradeRecord] = []
                for _ in 0..<6 { // the first run warms the cache and is not counted
                    let t0 = clock.now
                    rows = try await store.trades(account: account, symbol: "BTC-PERP", fromTs: from, toTs: to, afterSequence: nil, limit: limit)
                    times.append(Self.seconds(clock.now - t0))
                }
                let sorted = times.dropFirst().sorted()
                line += " \(label) \(rows.count) rows, median \(String(format: "%.1f", sorted[sorted.count / 2] * 1000)) ms"
                    + " (min \(String(format: "%.1f", sorted[0] * 1000)));"
                answers.append(rows)
            }
            print(line)
            #expect(answers[0] == answers[1], "\(what): the stores answer differently")
            #expect(!answers[0].isEmpty)
        }
        let all = try await sqlite.trades(account: nil, symbol: "BTC-PERP", fromTs: start, toTs: end, afterSequence: nil, limit: 10_000_000)
        #expect(all.count == n)
    }
}
