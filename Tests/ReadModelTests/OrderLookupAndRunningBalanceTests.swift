import Engine
import Foundation
import HarbourCore
import Ledger
import Matching
@testable import ReadModel
import Testing

/// Issue 12 items 8 and 9: one order is found by an indexed lookup however old it is, and
/// every posting carries its books' exact running balance.
@Suite struct OrderLookupAndRunningBalanceTests {
    /// 1,005 orders of alice, each placed and cancelled, the first with a client order id.
    static func manyOrders() -> (Scenario, first: Int64, last: Int64) {
        let s = Scenario()
        let alice = s.open("alice", usd: "1000000")
        _ = s.open("bob")
        s.mark("50000")
        var first: Int64 = 0, last: Int64 = 0
        for n in 0..<1_005 {
            let id = s.place(alice, .buy, "0.001", at: "49000", coid: n == 0 ? "old-1" : "o-\(n)", advance: 1)!
            s.cancel(alice, id)
            if n == 0 { first = id }
            last = id
        }
        return (s, first, last)
    }

    @Test(arguments: StoreKind.available) func anOrderOlderThanTheLastThousandIsFound(_ kind: StoreKind) async throws {
        let (s, first, last) = Self.manyOrders()
        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        // The window the /fapi query used to scan does not reach it.
        #expect(try await store.orders(account: "alice", limit: 1000).contains { $0.orderId == first } == false)
        let byId = try #require(try await store.order(account: "alice", orderId: first))
        #expect(byId.status == .canceled && byId.clientOrderId == "old-1" && byId.qty == "0.001")
        let byClientId = try #require(try await store.order(account: "alice", clientOrderId: "old-1"))
        #expect(byClientId.orderId == first)
        #expect(try await store.order(account: "alice", orderId: last)?.clientOrderId == "o-1004")
        // Another account's order is not found by alice's lookup (MM-3), nor an unknown one.
        #expect(try await store.order(account: "bob", orderId: first) == nil)
        #expect(try await store.order(account: "bob", clientOrderId: "old-1") == nil)
        #expect(try await store.order(account: "alice", orderId: 987_654_321) == nil)
        #expect(try await store.order(account: "alice", clientOrderId: "never") == nil)
    }

    @Test func lookupsAreIndexedQueries() throws {
        let store = try ReadModelStore(path: ":memory:")
        let byId = try store.queryPlan(ReadModelStore.orderByIdSQL, [1, "alice"]).joined(separator: " | ")
        #expect(byId.contains("SEARCH orders USING INTEGER PRIMARY KEY"), "\(byId)")
        let byClientId = try store.queryPlan(ReadModelStore.orderByClientIdSQL, ["alice", "c-1"]).joined(separator: " | ")
        #expect(byClientId.contains("SEARCH orders USING INDEX orders_by_account_client_order_id (account=? AND client_order_id=?)"),
                "\(byClientId)")
        #expect(!byClientId.contains("SCAN") && !byClientId.contains("TEMP B-TREE"), "\(byClientId)")
    }

    @Test(arguments: StoreKind.available) func everyPostingCarriesTheExactRunningBalanceOfItsCashBook(_ kind: StoreKind) async throws {
        let d = TradingDay()
        let s = d.s
        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        for name in ["alice", "bob", "carol", "dave"] {
            let account = s.engine.accountID(named: name)!
            let book = s.engine.ledger.existingBook(.clientCash(account: account.index, asset: "USD"))!
            // Ground truth: the engine's own postings on that book, summed in order.
            var running: Int64 = 0
            var expected: [String] = []
            for (_, events) in s.history {
                for case let .posting(p) in events where p.from == book || p.to == book {
                    if p.to == book { running += p.amount }
                    if p.from == book { running -= p.amount }
                    expected.append(s.money(running))
                }
            }
            #expect(running == s.engine.cash(account), "\(name): postings sum to the engine's cash")
            let rows = try await store.cashPostings(account: name, limit: 1000).reversed()
            let cash = BookName.cash(account: name, asset: "USD")
            let got = rows.map { $0.toBook == cash ? $0.toBalanceAfter : $0.fromBalanceAfter }
            #expect(got == expected.map { Optional($0) }, "\(name)")
            #expect(got.last == (try await store.balance(account: name)), "\(name): the last running balance is the balance event's")
        }
        // A window and a limit apply to the cash postings themselves.
        #expect(try await store.cashPostings(account: "alice", limit: 2).count == 2)
        let windowed = try await store.cashPostings(account: "alice", fromTs: d.windowStart, toTs: d.windowEnd)
        #expect(!windowed.isEmpty && windowed.allSatisfy { $0.ts >= d.windowStart && $0.ts <= d.windowEnd })
    }

    /// A read model projected before running balances existed gets them from migration v4's
    /// backfill, in ledger order, exactly as the projector would have written them.
    @Test func theBackfillRecomputesTheSameRunningBalances() throws {
        let d = TradingDay()
        let store = try ReadModelStore(path: ":memory:")
        try store.apply(batch: d.s.outcomes)
        let projected = try store.cashPostings(account: "alice", limit: 1000)
        try store.writer.write { db in
            try db.execute(sql: "UPDATE postings SET from_balance_after = NULL, to_balance_after = NULL; DELETE FROM book_balances")
            try BookBalances.backfill(db)
        }
        #expect(try store.cashPostings(account: "alice", limit: 1000) == projected)
        #expect(projected.allSatisfy { $0.fromBalanceAfter != nil && $0.toBalanceAfter != nil })
    }
}
