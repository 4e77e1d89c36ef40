import Engine
import Foundation
import HarbourCore
import Matching
import ReadModel
import Testing

@Suite struct OrderProjectionTests {
    @Test(arguments: StoreKind.available) func restingOrderGoesOpenPartiallyFilledThenFilled(_ kind: StoreKind) async throws {
        let s = Scenario()
        let alice = s.open("alice"), bob = s.open("bob")
        s.mark("50000")
        let store = try await TestStore.make(kind)
        let ask = try #require(s.place(alice, .sell, "1", at: "50000", coid: "a-1"))
        try await store.apply(batch: s.outcomes)
        var o = try #require(try await store.order(id: ask))
        #expect(o.status == .open && o.filledQty == "0" && o.side == "sell" && o.price == "50000" && o.qty == "1")
        #expect(o.clientOrderId == "a-1" && o.account == "alice" && o.symbol == "BTC-PERP" && o.orderType == "limit")

        let bid1 = try #require(s.place(bob, .buy, "0.4", at: "50000"))
        try await store.apply(batch: s.outcomes)
        o = try #require(try await store.order(id: ask))
        #expect(o.status == .open && o.filledQty == "0.4")
        #expect(try await store.order(id: bid1)?.status == .filled)

        s.place(bob, .buy, "0.6", at: "50000")
        try await store.apply(batch: s.outcomes)
        o = try #require(try await store.order(id: ask))
        #expect(o.status == .filled && o.filledQty == "1" && o.updatedSeq == s.sequence)
        #expect(try await store.orders(account: "alice", status: .filled).map(\.orderId) == [ask])
        #expect(try await store.orders(account: "alice", status: .open).isEmpty)
    }

    @Test(arguments: StoreKind.available) func canceledAndExpiredOrdersKeepTheirReason(_ kind: StoreKind) async throws {
        let s = Scenario()
        let alice = s.open("alice"), bob = s.open("bob")
        s.mark("50000")
        let resting = try #require(s.place(alice, .buy, "1", at: "49000"))
        s.cancel(alice, resting)
        s.place(alice, .sell, "0.5", at: "50100")                       // rests
        let ioc = try #require(s.place(bob, .buy, "0.8", at: "50100", tif: .ioc))  // 0.5 fills, 0.3 expires
        let fok = try #require(s.place(bob, .buy, "5", at: "50100", tif: .fok))    // nothing to fill: expires
        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)

        let c = try #require(try await store.order(id: resting))
        #expect(c.status == .canceled && c.reason == "USER" && c.filledQty == "0")
        let i = try #require(try await store.order(id: ioc))
        #expect(i.status == .expired && i.reason == "IOC" && i.filledQty == "0.5" && i.qty == "0.8")
        let f = try #require(try await store.order(id: fok))
        #expect(f.status == .expired && f.reason == "FOK" && f.filledQty == "0")
        #expect(try await store.orders(account: "bob", status: .expired).map(\.orderId) == [fok, ioc])
    }

    @Test(arguments: StoreKind.available) func amendChangesPriceAndQuantityAndARefusedAmendLeavesTheOrderOpen(_ kind: StoreKind) async throws {
        let s = Scenario()
        let alice = s.open("alice")
        s.mark("50000")
        let id = try #require(s.place(alice, .buy, "1", at: "49000"))
        s.run(.amendOrder(account: alice, instrument: s.btc, order: .id(OrderID(id)), price: s.px("49500"), quantity: s.qty("2")))
        // A zero quantity is refused, with the order's id in the rejection.
        s.run(.amendOrder(account: alice, instrument: s.btc, order: .id(OrderID(id)), price: nil, quantity: 0))
        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        let o = try #require(try await store.order(id: id))
        #expect(o.status == .open && o.price == "49500" && o.qty == "2")
        let r = try await store.rejections(account: "alice")
        #expect(r.count == 1 && r.first?.orderId == id && r.first?.code == "INVALID_QUANTITY")
    }

    @Test(arguments: StoreKind.available) func ordersPageBackwardsAndFilterBySymbol(_ kind: StoreKind) async throws {
        let s = Scenario()
        let alice = s.open("alice")
        s.mark("50000")
        s.mark("3000", s.eth)
        var ids: [Int64] = []
        for k in 0..<5 { ids.append(try #require(s.place(alice, .buy, "0.1", at: String(49000 + k)))) }
        let ethId = try #require(s.place(alice, .buy, "1", at: "2990", on: s.eth))
        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        #expect(try await store.orders(account: "alice", symbol: "BTC-PERP", limit: 2).map(\.orderId) == [ids[4], ids[3]])
        #expect(try await store.orders(account: "alice", symbol: "BTC-PERP", limit: 2, beforeOrderId: ids[3]).map(\.orderId) == [ids[2], ids[1]])
        #expect(try await store.orders(account: "alice", symbol: "ETH-PERP").map(\.orderId) == [ethId])
        #expect(try await store.orders(account: "alice").count == 6)
        #expect(try await store.orders(account: "nobody").isEmpty)
    }

    @Test(arguments: StoreKind.available) func rejectedPlacementsAreRecordedWithCode(_ kind: StoreKind) async throws {
        let s = Scenario()
        let alice = s.open("alice")
        s.mark("50000")
        s.place(alice, .buy, "1", at: "49000", coid: "dup")
        #expect(s.place(alice, .buy, "1", at: "49000", coid: "dup") == nil)
        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        let r = try await store.rejections(account: "alice")
        #expect(r.map(\.code) == ["DUPLICATE_CLIENT_ORDER_ID"])
        #expect(r.first?.clientOrderId == "dup" && r.first?.seq == s.sequence)
        #expect(try await store.orders(account: "alice").count == 1)
    }
}

/// MM-1: the venue's records flag an affiliated market maker's orders from its registration on.
@Suite struct MarketMakerFlagTests {
    @Test("orders of a registered affiliated market maker are flagged on the contracts it makes; nobody else's are",
          arguments: StoreKind.available)
    func affiliatedOrdersAreFlagged(_ kind: StoreKind) async throws {
        let s = Scenario()
        let maker = s.open("demo-mm"), alice = s.open("alice")
        s.mark("50000")
        let before = try #require(s.place(maker, .sell, "1", at: "50100"))
        s.run(.compliance(.propose(requestId: "mm-1", by: "maya", reason: "affiliate",
                                   change: .registerMarketMaker(account: maker, instrument: s.btc, maxSpreadBps: 20, minSize: 10,
                                                                minPresenceBps: 5_000))))
        #expect(s.run(.compliance(.approve(requestId: "mm-1", by: "chen"))).contains {
            if case .compliance(.marketMakerRegistered) = $0 { true } else { false }
        })
        let after = try #require(s.place(maker, .sell, "1", at: "50200"))
        let client = try #require(s.place(alice, .buy, "0.5", at: "49900"))
        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        #expect(try await store.order(id: before)?.affiliatedMarketMaker == false, "placed before the registration")
        #expect(try await store.order(id: after)?.affiliatedMarketMaker == true)
        #expect(try await store.order(id: client)?.affiliatedMarketMaker == false)
    }
}
