import HarbourCore
import Testing
@testable import Compliance

/// MM-5: each rule raised by a scripted scenario with its evidence, none by a calm market.
@Suite struct SurveillanceTests {
    static let t0: Int64 = 1_800_000_000_000
    static func monitor() -> SurveillanceMonitor {
        SurveillanceMonitor(owners: ["fund-a": "owner-1", "fund-b": "owner-1", "fund-c": "owner-2"], affiliatedMarketMakers: ["mm"])
    }

    @Test func aTradeBetweenTwoAccountsOfOneOwnerIsAWashTrade() {
        var m = Self.monitor()
        let alerts = m.trade(symbol: "BTC-PERP", price: 500_000, quantity: 5, makerOrder: 1, takerOrder: 2,
                             makerAccount: "fund-a", takerAccount: "fund-b", takerSide: .buy, at: Self.t0)
        #expect(alerts.map(\.rule) == [.washTrade])
        #expect(alerts.first?.accounts == ["fund-a", "fund-b"] && alerts.first?.orders == [1, 2])
        #expect(alerts.first?.evidence.contains("owner-1") == true)
        #expect(m.trade(symbol: "BTC-PERP", price: 500_000, quantity: 5, makerOrder: 3, takerOrder: 4,
                        makerAccount: "fund-a", takerAccount: "fund-c", takerSide: .buy, at: Self.t0).isEmpty)
    }

    @Test func aLargeOrderNearTheTouchCancelledFastIsSpoofingButNotWhenFarOrSlowOrFilled() {
        var m = Self.monitor()
        // Best bid 49,990.0: a bid of 20,000 at 49,989.0 is 0.2 bps away, well inside 10 bps.
        _ = m.orderPlaced(orderId: 10, account: "fund-c", symbol: "BTC-PERP", side: .buy, price: 499_890, quantity: 20_000,
                          bestBid: 499_900, bestAsk: 500_100, at: Self.t0)
        let spoof = m.orderCanceled(orderId: 10, at: Self.t0 + 1_500)
        #expect(spoof.map(\.rule) == [.spoofing] && spoof.first?.orders == [10])
        #expect(spoof.first?.evidence.contains("cancelled after 1500 ms") == true)
        // Far from the touch (1% away): no alert.
        _ = m.orderPlaced(orderId: 11, account: "fund-c", symbol: "BTC-PERP", side: .buy, price: 494_900, quantity: 20_000,
                          bestBid: 499_900, bestAsk: 500_100, at: Self.t0)
        #expect(m.orderCanceled(orderId: 11, at: Self.t0 + 100).isEmpty)
        // Slow cancel: no alert.
        _ = m.orderPlaced(orderId: 12, account: "fund-c", symbol: "BTC-PERP", side: .sell, price: 500_100, quantity: 20_000,
                          bestBid: 499_900, bestAsk: 500_100, at: Self.t0)
        #expect(m.orderCanceled(orderId: 12, at: Self.t0 + 2_001).isEmpty)
        // Mostly filled before the cancel: no alert.
        _ = m.orderPlaced(orderId: 13, account: "fund-c", symbol: "BTC-PERP", side: .sell, price: 500_100, quantity: 20_000,
                          bestBid: 499_900, bestAsk: 500_100, at: Self.t0)
        _ = m.trade(symbol: "BTC-PERP", price: 500_100, quantity: 5_000, makerOrder: 13, takerOrder: 99,
                    makerAccount: "fund-c", takerAccount: "fund-a", takerSide: .buy, at: Self.t0 + 10)
        #expect(m.orderCanceled(orderId: 13, at: Self.t0 + 20).isEmpty)
    }

    @Test func anAffiliatedMarketMakerTradingAheadOfALargeClientOrderIsFrontRunning() {
        var m = Self.monitor()
        _ = m.trade(symbol: "BTC-PERP", price: 500_100, quantity: 100, makerOrder: 20, takerOrder: 21,
                    makerAccount: "fund-c", takerAccount: "mm", takerSide: .buy, at: Self.t0)
        let alerts = m.orderPlaced(orderId: 22, account: "fund-a", symbol: "BTC-PERP", side: .buy, price: 500_500, quantity: 50_000,
                                   bestBid: 499_900, bestAsk: 500_200, at: Self.t0 + 400)
        #expect(alerts.map(\.rule) == [.frontRunning])
        #expect(alerts.first?.accounts == ["mm", "fund-a"] && alerts.first?.orders == [21, 22])
        // The opposite direction, or after the window, is not front-running.
        #expect(m.orderPlaced(orderId: 23, account: "fund-a", symbol: "BTC-PERP", side: .sell, price: 499_000, quantity: 50_000,
                              bestBid: 499_900, bestAsk: 500_200, at: Self.t0 + 500).isEmpty)
        #expect(m.orderPlaced(orderId: 24, account: "fund-a", symbol: "BTC-PERP", side: .buy, price: 500_500, quantity: 50_000,
                              bestBid: 499_900, bestAsk: 500_200, at: Self.t0 + 1_001).isEmpty)
    }

    @Test func tradesClusteredAroundFundingTimesAreMarkingTheClose() {
        var m = Self.monitor()
        let hour: Int64 = 3_600_000
        for k in 0..<8 { m.fundingTime(symbol: "BTC-PERP", at: Self.t0 + Int64(k) * hour) }
        var order: Int64 = 100
        for k in 0..<8 {   // fund-c: 8 trades within 30 s of funding, 4 elsewhere → 8 of 12 ≥ 50%
            order += 2
            _ = m.trade(symbol: "BTC-PERP", price: 500_000, quantity: 1, makerOrder: order, takerOrder: order + 1,
                        makerAccount: "fund-c", takerAccount: "mm", takerSide: .buy, at: Self.t0 + Int64(k) * hour - 30_000)
        }
        for k in 0..<4 {
            order += 2
            _ = m.trade(symbol: "BTC-PERP", price: 500_000, quantity: 1, makerOrder: order, takerOrder: order + 1,
                        makerAccount: "fund-c", takerAccount: "fund-a", takerSide: .buy, at: Self.t0 + Int64(k) * hour + hour / 2)
        }
        let alerts = m.markingTheClose(fromMs: Self.t0 - hour, toMs: Self.t0 + 8 * hour)
        // fund-c: 8 of 12 near funding. mm has the same 8 but fewer than the 10 trades a finding needs.
        #expect(alerts.map(\.accounts) == [["fund-c"]])
        #expect(alerts.first?.evidence == "8 of 12 trades within ±60 s of funding times")
    }

    @Test func markFarFromIndexOrLastFarFromMarkIsAPriceAnomaly() {
        let m = Self.monitor()
        #expect(m.prices(symbol: "BTC-PERP", mark: 505_000, index: 500_000, last: 505_000, at: Self.t0).isEmpty)   // exactly 100 bps
        #expect(m.prices(symbol: "BTC-PERP", mark: 505_001, index: 500_000, last: 505_001, at: Self.t0).map(\.rule) == [.priceAnomaly])
        #expect(m.prices(symbol: "BTC-PERP", mark: 500_000, index: 500_000, last: 516_000, at: Self.t0).first?.evidence
                == "last 516000 is 320 bps from mark 500000")
    }

    /// A calm hour: the market maker quotes both sides in small size, noise traders take
    /// them at random moments away from funding, prices stay close — no alert at all.
    @Test func aCalmMarketRaisesNoAlert() {
        var m = SurveillanceMonitor(owners: ["n1": "o1", "n2": "o2", "n3": "o3"], affiliatedMarketMakers: ["mm"])
        var state: UInt64 = 42
        func next(_ bound: UInt64) -> Int64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int64((z ^ (z >> 31)) % bound)
        }
        var alerts: [SurveillanceAlert] = []
        var order: Int64 = 1
        var mid: Int64 = 500_000
        m.fundingTime(symbol: "BTC-PERP", at: Self.t0 + 3_600_000)
        for second in 0..<3_000 {          // the first 50 minutes of the hour
            let now = Self.t0 + Int64(second) * 1_000
            mid += next(21) - 10
            let bid = order, ask = order + 1
            order += 2
            alerts += m.orderPlaced(orderId: bid, account: "mm", symbol: "BTC-PERP", side: .buy, price: mid - 50, quantity: 200,
                                    bestBid: mid - 60, bestAsk: mid + 60, at: now)
            alerts += m.orderPlaced(orderId: ask, account: "mm", symbol: "BTC-PERP", side: .sell, price: mid + 50, quantity: 200,
                                    bestBid: mid - 60, bestAsk: mid + 60, at: now)
            if next(4) == 0 {
                let taker = ["n1", "n2", "n3"][Int(next(3))]
                let buy = next(2) == 0
                alerts += m.orderPlaced(orderId: order, account: taker, symbol: "BTC-PERP", side: buy ? .buy : .sell,
                                        price: buy ? mid + 50 : mid - 50, quantity: 1 + next(100), bestBid: mid - 50, bestAsk: mid + 50, at: now + 1)
                alerts += m.trade(symbol: "BTC-PERP", price: buy ? mid + 50 : mid - 50, quantity: 1, makerOrder: buy ? ask : bid, takerOrder: order,
                                  makerAccount: "mm", takerAccount: taker, takerSide: buy ? .buy : .sell, at: now + 1)
                m.orderClosed(orderId: order)
                order += 1
            }
            alerts += m.orderCanceled(orderId: bid, at: now + 999)
            alerts += m.orderCanceled(orderId: ask, at: now + 999)
            alerts += m.prices(symbol: "BTC-PERP", mark: mid, index: mid + next(11) - 5, last: mid + next(101) - 50, at: now)
        }
        alerts += m.markingTheClose(fromMs: Self.t0, toMs: Self.t0 + 3_600_000)
        #expect(alerts.isEmpty, "\(alerts.prefix(3))")
    }
}
