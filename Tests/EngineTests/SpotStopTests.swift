import HarbourCore
import Ledger
import Matching
import Testing
@testable import Engine

/// Stop and take-profit orders on the spot market BTC-USD (SPOT-1): triggered by the last
/// trade, locking nothing while they wait, checked again when they trigger, cancelled like
/// any order, and kept in snapshots and the state hash. BTC-USD: price 0.1 USD, size
/// 0.00001 BTC; taker fee 0.05%, maker 0.02%.
@Suite struct SpotStopTests {
    typealias Spot = SpotMarketTests.Spot

    /// alice (100,000 USD), bob (1 BTC, no USD), mm (10 BTC, 1,000,000 USD); a first trade
    /// at 60000.0 between mm and alice sets the last price.
    func venue() -> (Spot, alice: AccountID, bob: AccountID, mm: AccountID) {
        let s = Spot()
        let alice = s.v.open("alice"), bob = s.v.open("bob", usd: "0"), mm = s.v.open("mm", usd: "1000000")
        s.depositBTC(bob, "1")
        s.depositBTC(mm, "10")
        s.order(mm, .sell, "0.1", at: "60000.0")
        #expect(s.order(alice, .buy, "0.1", at: "60000.0").trades.count == 1)
        #expect(s.e.lastPrice(s.market) == s.v.px("60000.0", s.market))
        return (s, alice, bob, mm)
    }

    func stop(_ s: Spot, _ a: AccountID, _ side: Side, _ q: String, stop: String, type: OrderType = .stopMarket,
              limit: String? = nil, coid: String? = nil, trigger: TriggerSource = .last) -> [Event] {
        s.v.place(a, side, q, at: limit, type: type, stop: stop, trigger: trigger, coid: coid, on: s.market)
    }

    @Test func aStopSellWaitsUnlockedAndSellsWhenATradeReachesIt() {
        let (s, alice, bob, mm) = venue()
        let placed = stop(s, bob, .sell, "0.5", stop: "59500.0", coid: "protect")
        guard let id = placed.acceptedId else { Issue.record("stop refused: \(String(describing: placed.rejection))"); return }
        // Nothing is locked while it waits: bob still holds and may withdraw his whole BTC.
        #expect(s.btcBalance(bob) == s.btc("1") && s.e.locked(bob, asset: "BTC") == 0)
        #expect(s.e.conditionalsOf(account: bob.index, instrument: s.market.index).map(\.orderId) == [id])
        s.order(mm, .buy, "1", at: "59400.0")
        // A trade at 59400.0 (alice sells to mm) moves the last price through 59500.0.
        let ev = s.order(alice, .sell, "0.01", at: "59400.0")
        #expect(ev.triggeredIds == [id])
        let trades = ev.trades
        #expect(trades.count == 2 && trades.last?.takerOrderId == id && trades.last?.quantity == s.v.qty("0.5", s.market))
        #expect(trades.last?.price == s.v.px("59400.0", s.market))
        // Bob sold 0.5 BTC at 59400.0: 29,700 USD less the 0.05% taker fee 14.85.
        #expect(s.btcBalance(bob) == s.btc("0.5"))
        #expect(s.v.cash(bob) == s.v.usd("29685.15"))
        #expect(s.e.conditionalsOf(account: bob.index, instrument: s.market.index).isEmpty)
        s.sound()
    }

    @Test func aStopLimitBuyTriggersOnARiseAndRestsAtItsLimit() {
        let (s, alice, bob, mm) = venue()
        _ = bob
        guard let id = stop(s, alice, .buy, "0.2", stop: "61000.0", type: .stopLimit, limit: "61100.0").acceptedId else {
            Issue.record("stop-limit refused"); return
        }
        s.order(mm, .sell, "0.05", at: "61000.0")
        s.order(mm, .sell, "0.1", at: "61050.0")
        let dan = s.v.open("dan")
        // dan takes the 61000.0 offer: the last trade reaches the stop; alice's limit buy at
        // 61100.0 takes the 61050.0 offer (0.1) and rests 0.1 at its limit.
        let ev = s.order(dan, .buy, "0.05", at: "61000.0")
        #expect(ev.triggeredIds == [id])
        #expect(ev.trades.map(\.price) == [s.v.px("61000.0", s.market), s.v.px("61050.0", s.market)])
        let resting = s.e.restingOrders(account: alice, instrument: s.market)
        #expect(resting.map(\.orderId) == [id] && resting.first?.remaining == s.v.qty("0.1", s.market))
        #expect(resting.first?.price == s.v.px("61100.0", s.market))
        s.sound()
    }

    @Test func refusalsNameTheRuleAndChangeNothing() {
        let (s, alice, bob, _) = venue()
        let before = s.e.stateHash()
        // A spot market has no mark price.
        #expect(stop(s, bob, .sell, "0.5", stop: "59000.0", trigger: .mark).rejection?.code == .invalidOrderType)
        // A sell stop at or above the last trade would fire at once.
        #expect(stop(s, bob, .sell, "0.5", stop: "60000.0").rejection?.code == .stopWouldTriggerImmediately)
        // More BTC than bob holds, or more USD than alice has for a stop-limit buy.
        let short = stop(s, bob, .sell, "1.5", stop: "59000.0").rejection
        #expect(short?.code == .insufficientBalance && short?.message.contains("locks nothing") == true)
        #expect(stop(s, alice, .buy, "2", stop: "61000.0", type: .stopLimit, limit: "61000.0").rejection?.code == .insufficientBalance)
        #expect(s.e.stateHash() == before)
    }

    @Test func aStopWhoseFundsLeftBeforeItTriggersIsRefusedThenWithItsId() {
        let (s, alice, bob, mm) = venue()
        guard let id = stop(s, bob, .sell, "0.5", stop: "59500.0").acceptedId else { Issue.record("stop refused"); return }
        // A waiting stop locks nothing: bob may withdraw 0.8 BTC of his 1.
        #expect(s.v.run(.withdraw(account: bob, asset: "BTC", amount: s.btc("0.8"))).rejection == nil)
        s.order(mm, .buy, "1", at: "59400.0")
        let ev = s.order(alice, .sell, "0.01", at: "59400.0")
        #expect(ev.triggeredIds == [id])
        // Refused with its own id when it triggers: nothing is sold that bob does not hold.
        let refused = ev.compactMap { if case let .rejected(r, _, orderId, _) = $0, orderId == id { return r.code } else { return nil } }
        #expect(refused == [.insufficientBalance])
        #expect(ev.trades.count == 1 && s.btcBalance(bob) == s.btc("0.2"))
        s.sound()
    }

    @Test func cancelsByIdClientIdAndMassCancel() {
        let (s, _, bob, _) = venue()
        guard let a = stop(s, bob, .sell, "0.1", stop: "59000.0", coid: "s1").acceptedId,
              let b = stop(s, bob, .sell, "0.1", stop: "58000.0").acceptedId,
              let c = stop(s, bob, .sell, "0.1", stop: "57000.0").acceptedId else { Issue.record("stops refused"); return }
        let byClientId = s.v.run(.cancelOrder(account: bob, instrument: s.market, order: .client("s1")))
        #expect(byClientId.cancels.map(\.orderId) == [a])
        #expect(s.v.run(.cancelOrder(account: bob, instrument: s.market, order: .id(b))).cancels.map(\.orderId) == [b])
        let all = s.v.run(.cancelAll(account: bob, instrument: nil))
        #expect(all.cancels.map(\.orderId) == [c] && all.cancels.first?.reason == "MASS_CANCEL")
        #expect(s.v.run(.cancelOrder(account: bob, instrument: s.market, order: .id(c))).rejection?.code == .unknownOrder)
        s.sound()
    }

    @Test func aWaitingStopIsInTheSnapshotAndTheHashAndFiresTheSameAfterRestore() throws {
        let (s, alice, bob, mm) = venue()
        let without = s.e.stateHash()
        guard let id = stop(s, bob, .sell, "0.5", stop: "59500.0", coid: "protect").acceptedId else { Issue.record("stop refused"); return }
        #expect(s.e.stateHash() != without)
        let restored = try Engine(snapshot: s.e.snapshot(), config: s.e.config)
        #expect(restored.stateHash() == s.e.stateHash())
        #expect(restored.conditionalsOf(account: bob.index, instrument: s.market.index).map(\.clientOrderId) == ["protect"])
        s.order(mm, .buy, "1", at: "59400.0")
        _ = restored.apply(.placeOrder(PlaceOrder(account: mm, instrument: s.market, side: .buy, price: s.v.px("59400.0", s.market),
                                                  quantity: s.v.qty("1", s.market))), timestamp: s.v.ts)
        let sell = PlaceOrder(account: alice, instrument: s.market, side: .sell, price: s.v.px("59400.0", s.market),
                              quantity: s.v.qty("0.01", s.market))
        let original = s.v.run(.placeOrder(sell))
        let copy = restored.apply(.placeOrder(sell), timestamp: s.v.ts)
        #expect(original.triggeredIds == [id] && copy.triggeredIds == [id])
        #expect(restored.stateHash() == s.e.stateHash())
    }
}
