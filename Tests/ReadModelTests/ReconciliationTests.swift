import Engine
import Foundation
import GRDB
@testable import ReadModel
import Testing

/// Reconciliation (issue 16 item 4): the ledger figures of a scripted day, and a live read
/// model compared with one rebuilt from the same outcomes — a broken row is found and named.
@Suite struct ReconciliationTests {
    /// The scripted day projected twice: "live" (to be broken) and the rebuilt reference.
    func stores() throws -> (TradingDay, live: ReadModelStore, reference: ReadModelStore) {
        let d = TradingDay()
        let live = try ReadModelStore(path: ":memory:"), reference = try ReadModelStore(path: ":memory:")
        try live.apply(batch: d.s.outcomes)
        try reference.apply(batch: d.s.outcomes)
        return (d, live, reference)
    }

    @Test func theScriptedDayReconciles() throws {
        let (d, live, reference) = try stores()
        #expect(try ReadModelComparison.compare(live: live, reference: reference) == [])
        let ledger = LedgerReconciliation(engine: d.s.engine)
        #expect(ledger.findings == [])
        #expect(LedgerReconciliation.compare(readModelBooks: try ReadModelComparison.bookBalances(live), engine: d.s.engine) == [])
        let usd = try #require(ledger.assets.first { $0.asset == "USD" })
        // Deposits 100000 + 100000 + 50000 + 10 + 1000 + 7, one withdrawal of 200.5: the
        // outside world is owed 250816.5, which client and house books hold between them.
        #expect(usd.external == "-250816.500000")
        #expect(usd.sum == "0.000000")
        let client = try #require(DecimalText(usd.clientBooks)), house = try #require(DecimalText(usd.houseBooks))
        #expect(client + house == DecimalText("250816.5")!)
        // House books are fees + rounding + insurance; nothing was liquidated, so no insurance.
        #expect(DecimalText(usd.houseFees)! + DecimalText(usd.houseRounding)! + DecimalText(usd.insuranceFund)! == house)
        #expect(usd.insuranceFund == "0.000000")
        #expect(DecimalText(usd.houseFees)! > .zero)
    }

    @Test func aBrokenPositionRowIsFoundAndNamed() throws {
        let (_, live, reference) = try stores()
        try live.writer.write { try $0.execute(sql: "UPDATE positions SET size = '7' WHERE account = 'alice' AND symbol = 'BTC-PERP'") }
        let findings = try ReadModelComparison.compare(live: live, reference: reference)
        #expect(findings.count == 1)
        let f = try #require(findings.first)
        #expect(f.check == "row")
        #expect(f.subject == #"positions(account="alice", symbol="BTC-PERP")"#)
        #expect(f.actual.contains(#"size="7""#))
        #expect(!f.expected.contains(#"size="7""#))
    }

    @Test func aDeletedTradeChangesTheRowCountAndNamesTheTrade() throws {
        let (_, live, reference) = try stores()
        let (seq, idx, count) = try live.writer.write { db -> (Int64, Int64, Int) in
            let r = try Row.fetchOne(db, sql: "SELECT seq, idx FROM trades ORDER BY seq LIMIT 1")!
            try db.execute(sql: "DELETE FROM trades WHERE seq = ? AND idx = ?", arguments: [r["seq"] as Int64, r["idx"] as Int64])
            return (r["seq"], r["idx"], try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trades")!)
        }
        let findings = try ReadModelComparison.compare(live: live, reference: reference)
        #expect(findings == [
            ReconciliationFinding(check: "rowCount", subject: "trades", expected: String(count + 1), actual: String(count)),
            ReconciliationFinding(check: "row", subject: "trades(seq=\(seq), idx=\(idx))",
                                  expected: findings.last?.expected ?? "", actual: "no row"),
        ])
        #expect(findings.last?.expected.contains("seq=\(seq)") == true)
    }

    @Test func aBookBalanceThatDisagreesWithTheEngineNamesTheBook() throws {
        let (d, live, _) = try stores()
        var books = try ReadModelComparison.bookBalances(live)
        let alice = "client:alice:cash:USD"
        let right = try #require(books[alice])
        books[alice] = (DecimalText(right)! + DecimalText("0.000001")!).description
        books["house:fees:USD"] = nil
        let findings = LedgerReconciliation.compare(readModelBooks: books, engine: d.s.engine)
        #expect(findings.map(\.check) == ["clientBooks", "houseBooks"] || findings.map(\.check) == ["houseBooks", "clientBooks"])
        let client = try #require(findings.first { $0.subject == alice })
        #expect(DecimalText(client.expected) == DecimalText(right))
        #expect(findings.first { $0.subject == "house:fees:USD" }?.actual == "no row")
    }

    @Test func custodyThatDiffersFromTheClientBooksIsAFinding() throws {
        let d = TradingDay()
        let clientRaw = d.s.engine.ledger.keys.indices.filter { d.s.engine.ledger.keys[$0].owner == .client && d.s.engine.ledger.keys[$0].asset ?? "USD" == "USD" }
            .reduce(Int64(0)) { $0 + d.s.engine.ledger.balance(Int32($1)) }
        #expect(LedgerReconciliation(engine: d.s.engine, custody: ["USD": clientRaw]).findings == [])
        let short = LedgerReconciliation(engine: d.s.engine, custody: ["USD": clientRaw - 1_000_000])
        #expect(short.findings.map(\.check) == ["custody"])
        #expect(short.findings.first?.subject == "USD")
        #expect(DecimalText(short.findings[0].actual)! - DecimalText(short.findings[0].expected)! == DecimalText("1")!)
    }
}
