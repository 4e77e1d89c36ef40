import Foundation
import GRDB
@testable import ReadModel
@testable import ReadModelPostgres
import Testing

/// The PostgreSQL projection writes, table by table and row by row, what the SQLite one
/// writes — also in the tables no query compares (settings, marks, balance history, book
/// balances, market makers) — however the outcomes are batched. The batch projection keeps
/// rows in memory between events (`PostgresOutcomeProjection`), so this is where a row
/// written twice in one batch, or read from the store before the batch, would differ.
@Suite(.enabled(if: StoreKind.postgresURL != nil, "needs HARBOUR_TEST_POSTGRES_URL (scripts/test.sh sets it)"))
struct TableParityTests {
    static func scenario() -> Scenario {
        let s = StoreParityTests.everything()
        let alice = s.engine.accountID(named: "alice")!, bob = s.engine.accountID(named: "bob")!
        // Settings changed twice in a row, both kinds, and the same account on two contracts.
        s.run(.setLeverage(account: alice, instrument: s.btc, leverage: 5))
        s.run(.setMarginMode(account: alice, instrument: s.btc, isolated: true))
        s.run(.setLeverage(account: alice, instrument: s.btc, leverage: 3))
        s.run(.setLeverage(account: bob, instrument: s.eth, leverage: 2))
        s.run(.setMarginMode(account: bob, instrument: s.eth, isolated: false))
        // A market maker registered in the middle of a batch: its orders before are not flagged, after are.
        let maker = s.open("demo-mm", usd: "1000000")
        s.mark("50000")
        s.place(maker, .sell, "1", at: "50100")
        s.run(.compliance(.propose(requestId: "mm-1", by: "maya", reason: "affiliate",
                                   change: .registerMarketMaker(account: maker, instrument: s.btc, maxSpreadBps: 20, minSize: 10,
                                                                minPresenceBps: 5_000))))
        s.run(.compliance(.approve(requestId: "mm-1", by: "chen")))
        let resting = s.place(maker, .sell, "1", at: "50200")!
        // Filled in several trades over several outcomes (an order read back across batches).
        s.place(bob, .buy, "0.25", at: "50200")
        s.place(bob, .buy, "0.25", at: "50200")
        s.place(alice, .buy, "0.5", at: "50200")
        s.cancel(maker, resting)
        return s
    }

    static let tables = PostgresMigrations.readModelTables + ["meta"]

    /// Every row of every read-model table as text, sorted (booleans as 0/1, NULL as "∅").
    static func rows(_ store: ReadModelStore) throws -> [String: [String]] {
        try store.writer.read { db in
            var out: [String: [String]] = [:]
            for t in tables {
                out[t] = try Row.fetchAll(db, sql: "SELECT * FROM \(t)").map { row in
                    row.databaseValues.map { v -> String in
                        switch v.storage {
                        case .null: return "∅"
                        case .int64(let i): return String(i)
                        case .string(let s): return s
                        case .double(let d): return "double \(d)"
                        case .blob(let b): return "blob \(b.count)"
                        }
                    }.joined(separator: "|")
                }.sorted()
            }
            return out
        }
    }

    static func rows(_ store: PostgresReadModelStore) async throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for t in tables {
            let columns = try await store.session.rows("""
                SELECT column_name, data_type FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
                """, [.text(t)]).map { try $0.decode((String, String).self) }
            let select = columns.map { c, type in
                type == "boolean" ? "CASE WHEN \(c) IS NULL THEN '∅' WHEN \(c) THEN '1' ELSE '0' END" : "COALESCE(\(c)::text, '∅')"
            }.joined(separator: " || '|' || ")
            out[t] = try await store.session.rows("SELECT \(select) FROM \(t)").map { try $0.decode(String.self) }.sorted()
        }
        return out
    }

    /// The margin-financing tables (REG-3) on the financing week and January: events (with the
    /// daily control utilisation), loan-book postings, notices, the forced sale, and the FIN-3
    /// breach raised and cleared in the risk alert history, however batched.
    @Test func theFinancingTablesHoldTheRowsSQLiteHolds() async throws {
        let day = FinancingDay()
        day.continueToFebruary()
        let outcomes = day.s.outcomes
        let sqlite = try ReadModelStore(path: ":memory:")
        _ = try sqlite.apply(batch: outcomes)
        let expected = try Self.rows(sqlite)
        #expect((expected["financing_events"]?.count ?? 0) >= 8 && (expected["loan_postings"]?.count ?? 0) >= 6)
        #expect(expected["risk_alerts"]?.filter { $0.contains("financingControl") }.count == 2, "\(expected["risk_alerts"] ?? [])")
        #expect(expected["financing_events"]?.contains { $0.contains("financingControl|") } == true)
        for chunk in [outcomes.count, 3, 1] {
            let pg = try await PostgresReadModelStore(url: try TestStore.freshSchema(try #require(StoreKind.postgresURL)))
            defer { pg.close() }
            var rest = outcomes[...]
            while !rest.isEmpty { _ = try await pg.applyAsync(batch: Array(rest.prefix(chunk))); rest = rest.dropFirst(chunk) }
            let got = try await Self.rows(pg)
            for t in Self.tables { #expect(got[t] == expected[t], "batches of \(chunk), table \(t)") }
        }
    }

    @Test func everyTableHoldsTheRowsSQLiteHolds() async throws {
        let s = Self.scenario()
        let sqlite = try ReadModelStore(path: ":memory:")
        _ = try sqlite.apply(batch: s.outcomes)
        let expected = try Self.rows(sqlite)
        #expect(expected["settings"]?.count == 2 && expected["market_makers"]?.count == 1)
        #expect(expected["orders"]?.contains { $0.hasSuffix("|1") } == true, "an affiliated market maker's order")

        for chunk in [s.outcomes.count, 4, 1] {
            let url = try TestStore.freshSchema(try #require(StoreKind.postgresURL))
            let pg = try await PostgresReadModelStore(url: url)
            defer { pg.close() }
            var rest = s.outcomes[...]
            while !rest.isEmpty { _ = try await pg.applyAsync(batch: Array(rest.prefix(chunk))); rest = rest.dropFirst(chunk) }
            let got = try await Self.rows(pg)
            for t in Self.tables {
                #expect(got[t] == expected[t], "batches of \(chunk), table \(t)")
            }
        }
    }
}
