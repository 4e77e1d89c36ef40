import HarbourCore
import Matching
import Testing
@testable import Engine

/// PERP-3: accounts of one group never trade with each other, under each mode.
@Suite struct SelfTradePreventionTests {
    func venue() -> (TestVenue, maker: AccountID, sibling: AccountID, other: AccountID) {
        let v = TestVenue()
        let m = v.open("house-a", group: "house"), s = v.open("house-b", group: "house"), o = v.open("client")
        v.mark("50000")
        return (v, m, s, o)
    }

    @Test func expireTakerKeepsTheRestingOrder() {
        let (v, m, s, o) = venue()
        v.place(o, .sell, "0.2", at: "50000")
        let resting = v.place(m, .sell, "1", at: "50001").acceptedId!
        let ev = v.place(s, .buy, "2", at: "50001", stp: .expireTaker)
        #expect(ev.trades.map(\.quantity) == [v.qty("0.2")])
        #expect(ev.expiries.count == 1 && ev.expiries[0].reason == "STP" && ev.expiries[0].remaining == v.qty("1.8"))
        #expect(v.engine.book(v.btc).slot(of: resting) != nil)
    }

    @Test func expireMakerRemovesOwnOrdersAndGoesOn() {
        let (v, m, s, o) = venue()
        let own = v.place(m, .sell, "1", at: "50000").acceptedId!
        v.place(o, .sell, "1", at: "50001")
        let ev = v.place(s, .buy, "1", at: "50001", stp: .expireMaker)
        #expect(ev.expiries.map(\.orderId) == [own])
        #expect(ev.trades.map(\.makerAccount) == [o])
        #expect(v.size(s) == v.qty("1"))
    }

    @Test func expireBothRemovesBoth() {
        let (v, m, s, _) = venue()
        let own = v.place(m, .sell, "1", at: "50000").acceptedId!
        let ev = v.place(s, .buy, "1", at: "50000", stp: .expireBoth)
        #expect(Set(ev.expiries.map(\.orderId)) == [own, ev.acceptedId!])
        #expect(ev.trades.isEmpty)
        #expect(v.engine.book(v.btc).orderCount == 0)
    }

    @Test func anAccountNeverTradesWithItself() {
        let v = TestVenue()
        let a = v.open("solo")
        v.mark("50000")
        v.place(a, .sell, "1", at: "50000")
        let ev = v.place(a, .buy, "1", at: "50000")
        #expect(ev.trades.isEmpty)
        #expect(ev.expiries.first?.reason == "STP")
    }
}
