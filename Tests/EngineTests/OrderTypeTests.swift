import HarbourCore
import Matching
import Testing
@testable import Engine

/// PERP-2: each order type, amend and cancel rule, with exact fills.
@Suite struct OrderTypeTests {
    func venue() -> (TestVenue, AccountID, AccountID, AccountID) {
        let v = TestVenue()
        let a = v.open("alice"), b = v.open("bob"), c = v.open("carol")
        v.mark("50000")
        return (v, a, b, c)
    }

    @Test func limitOrdersRestAndMatchInPriceTimePriority() {
        let (v, a, b, c) = venue()
        let first = v.place(a, .sell, "1", at: "50010").acceptedId!
        let second = v.place(b, .sell, "1", at: "50010").acceptedId!
        let better = v.place(b, .sell, "0.5", at: "50005").acceptedId!
        let ev = v.place(c, .buy, "2", at: "50010", tif: .gtc)
        let t = ev.trades
        #expect(t.map(\.makerOrderId) == [better, first, second])
        #expect(t.map(\.price) == [v.px("50005"), v.px("50010"), v.px("50010")])
        #expect(t.map(\.quantity) == [v.qty("0.5"), v.qty("1"), v.qty("0.5")])
        #expect(v.size(c) == v.qty("2"))
        // 0.5 of `second` still rests.
        #expect(v.engine.book(v.btc).bookSide(.sell).levels.last?.total == v.qty("0.5"))
    }

    @Test func iocFillsWhatItCanAndExpiresTheRest() {
        let (v, a, b, _) = venue()
        v.place(a, .sell, "0.3", at: "50000")
        let ev = v.place(b, .buy, "1", at: "50000", tif: .ioc)
        #expect(ev.trades.map(\.quantity) == [v.qty("0.3")])
        #expect(ev.expiries.first?.reason == "IOC")
        #expect(ev.expiries.first?.remaining == v.qty("0.7"))
        #expect(v.engine.book(v.btc).bookSide(.buy).levels.isEmpty)
    }

    @Test func fokFillsCompletelyOrNotAtAll() {
        let (v, a, b, _) = venue()
        v.place(a, .sell, "0.3", at: "50000")
        v.place(a, .sell, "0.3", at: "50001")
        let killed = v.place(b, .buy, "1", at: "50001", tif: .fok)
        #expect(killed.trades.isEmpty)
        #expect(killed.expiries.first?.reason == "FOK")
        #expect(v.engine.book(v.btc).orderCount == 2)
        let filled = v.place(b, .buy, "0.6", at: "50001", tif: .fok)
        #expect(filled.trades.map(\.quantity) == [v.qty("0.3"), v.qty("0.3")])
    }

    @Test func fokDoesNotCountOwnGroupLiquidity() {
        let v = TestVenue()
        let mm = v.open("mm", group: "g"), mm2 = v.open("mm2", group: "g"), x = v.open("x")
        v.mark("50000")
        v.place(x, .sell, "0.5", at: "50000")
        v.place(mm2, .sell, "1", at: "50000")
        // Only 0.5 is tradeable for mm (mm2 is its own group).
        #expect(v.place(mm, .buy, "1", at: "50000", tif: .fok, stp: .expireMaker).expiries.first?.reason == "FOK")
        #expect(v.place(mm, .buy, "0.5", at: "50000", tif: .fok, stp: .expireMaker).trades.count == 1)
    }

    @Test func postOnlyIsRefusedWhenItWouldTake() {
        let (v, a, b, _) = venue()
        v.place(a, .sell, "1", at: "50010")
        let before = v.engine.stateHash()
        let ev = v.place(b, .buy, "1", at: "50010", tif: .postOnly)
        #expect(ev.rejection?.code == .postOnlyWouldTake)
        #expect(v.engine.stateHash() == before)
        #expect(v.place(b, .buy, "1", at: "50009.9", tif: .postOnly).trades.isEmpty)
        #expect(v.engine.book(v.btc).bookSide(.buy).bestPrice == v.px("50009.9"))
    }

    @Test func marketOrdersStopAtTheProtectionBand() {
        let (v, a, b, _) = venue()
        // Protection 2%: a market buy fills no higher than 51000.
        v.place(a, .sell, "0.1", at: "50500")
        v.place(a, .sell, "0.1", at: "51000")
        v.mark("51000")  // band moves so the next ask is allowed
        v.place(a, .sell, "0.1", at: "52100")
        v.mark("50000")
        let ev = v.place(b, .buy, "1", type: .market)
        #expect(ev.trades.map(\.price) == [v.px("50500"), v.px("51000")])
        #expect(ev.expiries.first?.reason == "IOC")
        #expect(ev.expiries.first?.remaining == v.qty("0.8"))
    }

    @Test func reduceOnlyNeverIncreasesAPosition() {
        let (v, a, b, c) = venue()
        v.place(a, .sell, "1", at: "50000")
        v.place(b, .buy, "1", at: "50000")       // b long 1
        #expect(v.place(b, .buy, "0.1", at: "49000", reduceOnly: true).rejection?.code == .reduceOnlyWouldIncrease)
        #expect(v.place(b, .sell, "1.5", at: "51000", reduceOnly: true).rejection?.code == .reduceOnlyWouldIncrease)
        let ro = v.place(b, .sell, "1", at: "51000", reduceOnly: true).acceptedId!
        // b closes the position another way: the reduce-only order can no longer reduce.
        v.place(c, .buy, "1", at: "50000")
        let ev = v.place(b, .sell, "1", at: "50000")
        #expect(v.size(b) == 0)
        #expect(ev.expiries.contains { $0.orderId == ro && $0.reason == "REDUCE_ONLY" })
    }

    @Test func reduceOnlyMakersAreCappedInsideOneSweep() {
        let (v, a, b, c) = venue()
        v.place(a, .sell, "1", at: "50000")
        v.place(b, .buy, "1", at: "50000")       // b long 1
        v.place(b, .sell, "1", at: "50100", reduceOnly: true)
        v.place(b, .sell, "1", at: "50200", reduceOnly: true)
        let ev = v.place(c, .buy, "2", at: "50200")
        #expect(ev.trades.map(\.quantity) == [v.qty("1")])
        #expect(v.size(b) == 0)
        #expect(v.size(c) == v.qty("1"))
    }

    @Test func stopMarketTriggersOnMarkAndTakeProfitOnLast() {
        let (v, a, b, c) = venue()
        v.place(a, .sell, "1", at: "50000")
        v.place(b, .buy, "1", at: "50000")       // b long 1, a short 1
        #expect(v.place(b, .sell, "1", type: .stopMarket, stop: "50000", reduceOnly: true).rejection?.code == .stopWouldTriggerImmediately)
        let stop = v.place(b, .sell, "1", type: .stopMarket, stop: "49000", reduceOnly: true).acceptedId!
        let tp = v.place(a, .buy, "1", at: "48600", type: .takeProfitLimit, stop: "48700", trigger: .last, reduceOnly: true).acceptedId!
        v.place(c, .buy, "2", at: "48500")
        // Nothing fires while mark stays above the stop.
        #expect(v.run(.markPrice(instrument: v.btc, price: v.px("49100"))).triggeredIds.isEmpty)
        let ev = v.run(.markPrice(instrument: v.btc, price: v.px("49000")))
        // b's stop fires (mark 49000) and sells into c's bid at 48500; the trade at 48500
        // moves last price through a's take-profit at 48700, which buys back at ≤ 48600.
        #expect(ev.triggeredIds == [stop, tp])
        #expect(v.size(b) == 0)
        #expect(v.size(c) == v.qty("1"))
        #expect(ev.trades.first?.price == v.px("48500"))
        // a's take-profit limit rests at 48600 (nothing to buy from), still reduce-only.
        #expect(v.engine.book(v.btc).bookSide(.buy).bestPrice == v.px("48600"))
    }

    @Test func stopLimitBecomesALimitOrder() {
        let (v, a, b, _) = venue()
        let id = v.place(a, .buy, "0.5", at: "50600", type: .stopLimit, stop: "50500").acceptedId!
        v.place(b, .sell, "0.2", at: "50550")
        let ev = v.run(.markPrice(instrument: v.btc, price: v.px("50500")))
        #expect(ev.triggeredIds == [id])
        #expect(ev.trades.map(\.takerOrderId) == [id])
        #expect(v.engine.book(v.btc).bookSide(.buy).bestTotal == v.qty("0.3"))
    }

    @Test func amendPriceLosesPrioritySizeDecreaseKeepsIt() {
        let (v, a, b, c) = venue()
        let first = v.place(a, .sell, "1", at: "50010", coid: "a1").acceptedId!
        let second = v.place(b, .sell, "1", at: "50010").acceptedId!
        // Size decrease keeps a's place at the front.
        v.run(.amendOrder(account: a, instrument: v.btc, order: .client("a1"), price: nil, quantity: v.qty("0.5")))
        #expect(v.place(c, .buy, "0.5", at: "50010", tif: .ioc).trades.map(\.makerOrderId) == [first])
        let third = v.place(a, .sell, "1", at: "50010").acceptedId!
        // Re-pricing `second` away and back sends it behind `third`.
        v.run(.amendOrder(account: b, instrument: v.btc, order: .id(second), price: v.px("50020"), quantity: nil))
        v.run(.amendOrder(account: b, instrument: v.btc, order: .id(second), price: v.px("50010"), quantity: nil))
        #expect(v.place(c, .buy, "2", at: "50010", tif: .ioc).trades.map(\.makerOrderId) == [third, second])
    }

    @Test func amendSizeIncreaseLosesPriorityAndCrossingAmendTrades() {
        let (v, a, b, c) = venue()
        let first = v.place(a, .sell, "1", at: "50010").acceptedId!
        let second = v.place(b, .sell, "1", at: "50010").acceptedId!
        v.run(.amendOrder(account: a, instrument: v.btc, order: .id(first), price: nil, quantity: v.qty("2")))
        #expect(v.place(c, .buy, "1", at: "50010", tif: .ioc).trades.map(\.makerOrderId) == [second])
        let bid = v.place(c, .buy, "1", at: "50000").acceptedId!
        // Amending a resting buy across the ask trades at once, as the taker.
        let ev = v.run(.amendOrder(account: c, instrument: v.btc, order: .id(bid), price: v.px("50010"), quantity: nil))
        #expect(ev.trades.map(\.takerOrderId) == [bid])
        #expect(ev.trades.first?.makerOrderId == first)
    }

    @Test func cancelAndMassCancel() {
        let (v, a, b, _) = venue()
        let x = v.place(a, .buy, "1", at: "49000", coid: "x").acceptedId!
        v.place(a, .buy, "1", at: "49001")
        v.place(a, .sell, "1", at: "3000", on: v.eth).rejection.map { _ in () }
        v.mark("3000", v.eth)
        v.place(a, .sell, "1", at: "3000", on: v.eth)
        v.place(a, .sell, "1", type: .stopMarket, stop: "48000")
        // Someone else cannot cancel a's order; the id is not even confirmed to exist.
        #expect(v.run(.cancelOrder(account: b, instrument: v.btc, order: .id(x))).rejection?.code == .unknownOrder)
        #expect(v.run(.cancelOrder(account: a, instrument: v.btc, order: .client("x"))).cancels.map(\.orderId) == [x])
        #expect(v.run(.cancelOrder(account: a, instrument: v.btc, order: .client("x"))).rejection?.code == .unknownOrder)
        let all = v.run(.cancelAll(account: a, instrument: nil))
        #expect(all.cancels.count == 3)
        #expect(v.engine.book(v.btc).orderCount == 0 && v.engine.book(v.eth).orderCount == 0)
        #expect(v.engine.position(a, v.btc).openBuyQuantity == 0)
    }

    @Test func clientOrderIdsAreIdempotencyKeys() {
        let (v, a, b, _) = venue()
        v.place(a, .sell, "1", at: "50000", coid: "k1")
        #expect(v.place(a, .sell, "1", at: "50001", coid: "k1").rejection?.code == .duplicateClientOrderId)
        // Still refused after the order has filled (a retry must not trade twice).
        v.place(b, .buy, "1", at: "50000")
        #expect(v.place(a, .sell, "1", at: "50001", coid: "k1").rejection?.code == .duplicateClientOrderId)
        // Another account may use the same id.
        #expect(v.place(b, .sell, "1", at: "50001", coid: "k1").acceptedId != nil)
    }
}

@Suite struct InstrumentStatusTests {
    @Test func cancelOnlyAdmitsReduceOnlyAndDisabledAdmitsOnlyCancels() {
        let v = TestVenue()
        let a = v.open("a"), b = v.open("b")
        v.mark("50000")
        v.place(a, .sell, "1", at: "50000")
        v.place(b, .buy, "1", at: "50000")
        let resting = v.place(a, .sell, "1", at: "50100").acceptedId!
        v.run(.setInstrumentStatus(instrument: v.btc, status: .cancelOnly))
        #expect(v.place(b, .buy, "0.1", at: "49000").rejection?.code == .instrumentCancelOnly)
        #expect(v.place(b, .sell, "0.1", at: "50100", reduceOnly: true).rejection == nil)
        v.run(.setInstrumentStatus(instrument: v.btc, status: .disabled))
        #expect(v.place(b, .sell, "0.1", at: "50100", reduceOnly: true).rejection?.code == .instrumentDisabled)
        #expect(v.run(.cancelOrder(account: a, instrument: v.btc, order: .id(resting))).cancels.count == 1)
        v.run(.setInstrumentStatus(instrument: v.btc, status: .enabled))
        #expect(v.place(b, .buy, "0.1", at: "49000").rejection == nil)
    }
}
