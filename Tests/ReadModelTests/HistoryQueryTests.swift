import Engine
import Foundation
import HarbourCore
import Ledger
import Matching
import ReadModel
import Testing

/// A scenario with fills on two symbols, a rebate-tier maker, deposits, a withdrawal and
/// realised PnL, with the timestamps that bound a statement window.
struct TradingDay {
    let s = Scenario()
    let windowStart: Int64
    let windowEnd: Int64
    let aliceCashAtStart: Int64
    let aliceCashAtEnd: Int64

    init() {
        let s = self.s
        let alice = s.open("alice"), bob = s.open("bob"), carol = s.open("carol", usd: "50000", feeTier: "maker-rebate")
        _ = s.open("dave", usd: "10")
        s.mark("50000")
        s.mark("3000", s.eth)
        s.place(alice, .sell, "1", at: "50000")
        s.place(bob, .buy, "1", at: "50000")
        windowStart = s.ts + 1
        aliceCashAtStart = s.engine.cash(alice)
        s.mark("51000")
        s.place(bob, .sell, "0.5", at: "51000")
        s.place(alice, .buy, "0.5", at: "51000")          // alice realises a loss on half
        s.deposit(alice, "1000")
        s.withdraw(alice, "200.5")
        s.place(carol, .sell, "2", at: "3010", on: s.eth)  // carol earns a maker rebate
        s.place(alice, .buy, "1.5", at: "3010", on: s.eth)
        windowEnd = s.ts + 1
        aliceCashAtEnd = s.engine.cash(alice)
        s.place(bob, .sell, "0.5", at: "51000")
        s.place(alice, .buy, "0.5", at: "51000")          // after the window
        s.deposit(alice, "7")
    }
}

@Suite struct HistoryQueryTests {
    /// A resyncing client pages forward after the last sequence it saw and gets every fill,
    /// whatever the limit; time filters apply before the limit (issue 12: a client that
    /// missed more than one page of fills could not recover them).
    @Test(arguments: StoreKind.available) func tradesPageForwardAfterASequenceAndFilterBeforeTheLimit(_ kind: StoreKind) async throws {
        let s = Scenario()
        let alice = s.open("alice"), bob = s.open("bob")
        s.mark("50000")
        for k in 0..<30 {
            s.place(alice, .sell, "0.01", at: String(50000 + k))
            s.place(bob, .buy, "0.01", at: String(50000 + k))
        }
        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        let all = try await store.trades(account: "alice", limit: 1000)
        #expect(all.count == 30)
        var seen: [UInt64] = []
        var cursor: Int64 = 0
        while true {
            let page = try await store.trades(account: "alice", afterSequence: cursor, limit: 7)
            if page.isEmpty { break }
            #expect(page.map(\.seq) == page.map(\.seq).sorted())
            seen += page.map(\.seq)
            cursor = Int64(page.last!.seq)
        }
        #expect(seen == all.map(\.seq).reversed())
        // The oldest five by time, with a limit of 5: filtered in SQL, not after the limit.
        let cut = all[all.count - 5].ts
        let early = try await store.trades(account: "alice", toTs: cut, limit: 5)
        #expect(early.map(\.seq) == Array(all.suffix(5).map(\.seq)))
        #expect(try await store.trades(account: "alice", fromTs: all[0].ts, limit: 5).map(\.seq) == [all[0].seq])
    }

    @Test(arguments: StoreKind.available) func tradesPerAccountAndPublicTradesPerSymbol(_ kind: StoreKind) async throws {
        let d = TradingDay()
        let store = try await TestStore.make(kind)
        try await store.apply(batch: d.s.outcomes)
        let aliceTrades = try await store.trades(account: "alice")
        #expect(aliceTrades.count == 4)
        #expect(aliceTrades.allSatisfy { $0.makerAccount == "alice" || $0.takerAccount == "alice" })
        #expect(aliceTrades.map(\.seq) == aliceTrades.map(\.seq).sorted(by: >))   // newest first
        #expect(try await store.trades(account: "alice", symbol: "ETH-PERP").map(\.qty) == ["1.5"])
        #expect(try await store.trades(account: "carol").map(\.makerFee) == ["-0.22575"])  // 1.5 × 3010 × −0.00005 = −0.22575
        #expect(try await store.trades(account: "dave").isEmpty)
        let btc = try await store.trades(symbol: "BTC-PERP")
        #expect(btc.count == 3 && btc.allSatisfy { $0.symbol == "BTC-PERP" })
        #expect(btc.first?.price == "51000" && btc.last?.price == "50000" && btc.last?.takerSide == "buy")
        #expect(try await store.trades(limit: 2).count == 2)
        #expect(try await store.trades().count == 4)
    }

    @Test(arguments: StoreKind.available) func postingsPerAccountMatchTheLedgerPostingsOnItsBooks(_ kind: StoreKind) async throws {
        let d = TradingDay()
        let store = try await TestStore.make(kind)
        try await store.apply(batch: d.s.outcomes)
        let alice = d.s.engine.accountID(named: "alice")!
        let book = d.s.engine.ledger.existingBook(.clientCash(account: alice.index, asset: "USD"))!
        let expected = d.s.history.flatMap { $0.events }.compactMap { e -> Posting? in
            if case let .posting(p) = e, p.from == book || p.to == book { return p } else { return nil }
        }
        let got = try await store.postings(account: "alice", limit: 1000)
        #expect(got.count == expected.count)
        #expect(Set(got.map(\.reason)) == ["deposit", "withdrawal", "fee", "realizedPnl"])
        #expect(got.allSatisfy { $0.fromBook == "client:alice:cash:USD" || $0.toBook == "client:alice:cash:USD" })
        let w = try #require(got.first { $0.reason == "withdrawal" })
        #expect(w.amount == "200.5" && w.toBook == "external:USD" && w.fromAccount == "alice" && w.toAccount == nil)
        #expect(try await store.postings(account: "dave").map(\.reason) == ["deposit"])
        #expect(try await store.postings(account: "alice", limit: 3).count == 3)
    }

    @Test(arguments: StoreKind.available) func statementSumsEqualTheEngineLedger(_ kind: StoreKind) async throws {
        let d = TradingDay()
        let s = d.s
        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        let alice = s.engine.accountID(named: "alice")!
        let st = try await store.statement(account: "alice", fromTs: d.windowStart, toTs: d.windowEnd)
        let flows = s.cashFlows(alice, from: d.windowStart, to: d.windowEnd)
        func dec(_ raw: Int64) -> DecimalText { DecimalText(s.money(raw))! }
        #expect(DecimalText(st.openingBalance) == dec(d.aliceCashAtStart))
        #expect(DecimalText(st.closingBalance) == dec(d.aliceCashAtEnd))
        #expect(DecimalText(st.deposits) == dec(flows[.deposit] ?? 0) && st.deposits == "1000")
        #expect(DecimalText(st.withdrawals) == dec(-(flows[.withdrawal] ?? 0)) && st.withdrawals == "200.5")
        #expect(DecimalText(st.fees) == dec(s.tradeFees(alice, from: d.windowStart, to: d.windowEnd)))
        #expect(DecimalText(st.fees) == dec(-(flows[.fee] ?? 0) - (flows[.rebate] ?? 0)))
        #expect(DecimalText(st.realizedPnl) == dec(flows[.realizedPnl] ?? 0) && st.realizedPnl == "-500")
        #expect(st.trades.count == 2 && st.trades.map(\.seq) == st.trades.map(\.seq).sorted())
        let a = { (x: String) in DecimalText(x)! }
        #expect(a(st.closingBalance) == a(st.openingBalance) + a(st.deposits) - a(st.withdrawals) - a(st.fees)
                + a(st.realizedPnl) + a(st.funding) + a(st.otherNet))
        // A rebate shows as negative fees.
        let carol = try await store.statement(account: "carol", fromTs: 0, toTs: .max)
        #expect(carol.fees == "-0.22575" && carol.openingBalance == "0" && carol.closingBalance == "50000.22575")
        // The whole history closes at the engine's balance.
        let all = try await store.statement(account: "alice", fromTs: 0, toTs: .max)
        #expect(DecimalText(all.closingBalance) == dec(s.engine.cash(alice)))
        #expect(try await store.balance(account: "alice") == all.closingBalance)
    }

    @Test(arguments: StoreKind.available) func positionsFollowTheEngine(_ kind: StoreKind) async throws {
        let d = TradingDay()
        let store = try await TestStore.make(kind)
        try await store.apply(batch: d.s.outcomes)
        let p = try await store.positions(account: "alice")
        #expect(p.map(\.symbol) == ["BTC-PERP", "ETH-PERP"])
        #expect(p[0].size == "0" && p[1].size == "1.5" && p[1].entryPrice == "3010")
        #expect(try await store.positions(account: "bob").first?.size == "0")
        #expect(try await store.positions(account: "dave").isEmpty)
    }
}
