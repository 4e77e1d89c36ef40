import Compliance
import Engine
import HarbourCore
import Matching
import Surveillance
import Testing

/// Scripted scenarios through a real Engine, each of which must raise its alert kind with
/// the right accounts, orders and evidence (MM-5), and nothing else.
@Suite struct SurveillanceScenarioTests {
    let t0 = day0 + hour

    @Test func twoAccountsOfOneOwnerTradingWithEachOtherIsAWashTrade() {
        let venue = SurveillanceVenue(owners: ["fund-a": "owner-1", "fund-b": "owner-1"])
        let a = openTradingAccount(venue, "fund-a", ts: t0)
        let b = openTradingAccount(venue, "fund-b", ts: t0)
        let c = openTradingAccount(venue, "fund-c", ts: t0)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: t0)
        let maker = venue.place(a, .sell, price: 600_000, quantity: 1_000, at: t0 + 1_000)
        let taker = venue.place(b, .buy, price: 600_000, quantity: 1_000, at: t0 + 2_000)
        // An unrelated counterparty is no wash trade.
        venue.place(a, .sell, price: 600_100, quantity: 500, at: t0 + 3_000)
        venue.place(c, .buy, price: 600_100, quantity: 500, at: t0 + 4_000)

        let washes = venue.alerts(.washTrade)
        #expect(washes.count == 1)
        #expect(washes.first?.accounts == ["fund-a", "fund-b"])
        #expect(washes.first?.orders == [maker, taker])
        #expect(washes.first?.symbol == "BTC-PERP")
        #expect(washes.first?.fromMs == t0 + 2_000)
        #expect(washes.first?.evidence == "1000 at 600000 between two accounts of beneficial owner owner-1")
        #expect(venue.alerts.map(\.alert.rule) == [.washTrade])
    }

    @Test func largeOrdersLayeredNearTheTouchAndCancelledFastAreSpoofing() {
        let venue = SurveillanceVenue()
        let lp = openTradingAccount(venue, "lp", ts: t0)
        let spoofer = openTradingAccount(venue, "spoofer", ts: t0)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: t0)
        venue.place(lp, .buy, price: 599_900, quantity: 1_000, at: t0)
        venue.place(lp, .sell, price: 600_100, quantity: 1_000, at: t0)
        // Three layers of 10 BTC within 10 bps of the best bid, pulled after 1.5 s.
        let layers = [599_900, 599_850, 599_800].enumerated().map { step, price in
            venue.place(spoofer, .buy, price: Int64(price), quantity: 10_000, at: t0 + 100 + Int64(step))
        }
        for (step, order) in layers.enumerated() { venue.cancel(spoofer, order, at: t0 + 1_600 + Int64(step)) }
        // Not spoofing: a large order left 5 s, a large order far from the touch, a small one.
        let slow = venue.place(spoofer, .buy, price: 599_900, quantity: 10_000, at: t0 + 10_000)
        venue.cancel(spoofer, slow, at: t0 + 15_000)
        let far = venue.place(spoofer, .buy, price: 590_000, quantity: 10_000, at: t0 + 20_000)
        venue.cancel(spoofer, far, at: t0 + 20_500)
        let small = venue.place(spoofer, .buy, price: 599_900, quantity: 9_999, at: t0 + 30_000)
        venue.cancel(spoofer, small, at: t0 + 30_100)

        // Placed far, moved next to the touch by an amend, pulled 800 ms later: spoofing too.
        let moved = venue.place(spoofer, .buy, price: 590_000, quantity: 10_000, at: t0 + 40_000)
        venue.apply(.amendOrder(account: spoofer, instrument: btc, order: .id(moved), price: 599_900, quantity: nil), at: t0 + 41_000)
        venue.cancel(spoofer, moved, at: t0 + 41_800)

        let spoofs = Array(venue.alerts(.spoofing).prefix(3))
        #expect(venue.alerts(.spoofing).last?.orders == [moved])
        #expect(venue.alerts(.spoofing).last?.evidence == "order of 10000 0 bps from the touch cancelled after 800 ms with 0 filled")
        #expect(venue.alerts(.spoofing).count == 4)
        #expect(spoofs.map(\.orders) == layers.map { [$0] })
        #expect(spoofs.allSatisfy { $0.accounts == ["spoofer"] })
        #expect(spoofs.map(\.evidence) == [
            "order of 10000 0 bps from the touch cancelled after 1500 ms with 0 filled",
            "order of 10000 0 bps from the touch cancelled after 1500 ms with 0 filled",
            "order of 10000 1 bps from the touch cancelled after 1500 ms with 0 filled",
        ])
        #expect(spoofs.map(\.fromMs) == [t0 + 100, t0 + 101, t0 + 102])
        #expect(venue.alerts.map(\.alert.rule) == [.spoofing, .spoofing, .spoofing, .spoofing])
    }

    @Test func anAffiliatedMarketMakerBuyingJustBeforeALargeClientBuyIsFrontRunning() {
        let venue = SurveillanceVenue(marketMakers: ["hmm-mm": [terms()]])
        let lp = openTradingAccount(venue, "lp", ts: t0)
        let mm = openTradingAccount(venue, "hmm-mm", ts: t0)
        let client = openTradingAccount(venue, "fund-big", ts: t0)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: t0)
        venue.place(lp, .sell, price: 600_100, quantity: 2_000, at: t0)
        venue.place(lp, .sell, price: 600_200, quantity: 50_000, at: t0)
        venue.place(lp, .buy, price: 599_800, quantity: 50_000, at: t0)
        let mmOrder = venue.place(mm, .buy, price: 600_100, quantity: 1_000, tif: .ioc, at: t0 + 1_000)
        let clientOrder = venue.place(client, .buy, price: 600_200, quantity: 20_000, tif: .ioc, at: t0 + 1_400)
        // A large client order the other way, or long after, is not front-run.
        venue.place(client, .sell, price: 599_800, quantity: 20_000, tif: .ioc, at: t0 + 1_500)
        venue.place(client, .buy, price: 600_200, quantity: 10_000, tif: .ioc, at: t0 + 5_000)

        let fronts = venue.alerts(.frontRunning)
        #expect(fronts.count == 1)
        #expect(fronts.first?.accounts == ["hmm-mm", "fund-big"])
        #expect(fronts.first?.orders == [mmOrder, clientOrder])
        #expect(fronts.first?.fromMs == t0 + 1_000 && fronts.first?.toMs == t0 + 1_400)
        #expect(fronts.first?.evidence == "affiliated MM hmm-mm traded buy 400 ms before client fund-big's large buy order of 20000")
        #expect(venue.alerts.map(\.alert.rule) == [.frontRunning])
    }

    @Test func tradesClusteredAroundAFundingTimeAreMarkingTheClose() {
        let venue = SurveillanceVenue()
        let start = day0 + 7 * hour + 50 * minute
        let closer = openTradingAccount(venue, "closer", ts: start)
        let lps = (0..<7).map { openTradingAccount(venue, "lp-\($0)", ts: start) }
        // The index feed keeps BTC index-driven (funding at 08:00) from 07:50 to 08:05.
        var tradeTimes: [Int64] = [start + 6 * minute, start + 7 * minute]             // 07:56, 07:57
        tradeTimes += (0..<12).map { day0 + 8 * hour - 55_000 + Int64($0) * 10_000 }   // 07:59:05 … 08:00:55
        var nextTrade = 0
        var now = start
        while now <= day0 + 8 * hour + 5 * minute {
            venue.feedIndex(600_000, at: now)
            while nextTrade < tradeTimes.count, tradeTimes[nextTrade] <= now + 4_999 {
                let at = max(now, tradeTimes[nextTrade])
                let lp = lps[nextTrade % lps.count]
                venue.place(lp, .sell, price: 600_000, quantity: 100, at: at)
                venue.place(closer, .buy, price: 600_000, quantity: 100, tif: .ioc, at: at)
                nextTrade += 1
            }
            now += 5_000
        }
        #expect(nextTrade == 14)
        #expect(venue.log.contains { entry in entry.events.contains { if case .funding(let f) = $0 { f.fundingTime == day0 + 8 * hour } else { false } } })
        #expect(venue.alerts(.markingTheClose).isEmpty, "a period is judged when it ends")
        venue.apply(.tick, at: day0 + 24 * hour + 1)

        let marks = venue.alerts(.markingTheClose)
        #expect(marks.count == 1)
        #expect(marks.first?.accounts == ["closer"])
        #expect(marks.first?.fromMs == day0 && marks.first?.toMs == day0 + 24 * hour)
        #expect(marks.first?.evidence == "12 of 14 trades within ±60 s of funding times")
        #expect(venue.alerts.map(\.alert.rule) == [.markingTheClose])
    }

    @Test func aMarkAwayFromItsIndexAndALastAwayFromItsMarkArePriceAnomaliesOncePerEpisode() {
        let venue = SurveillanceVenue()
        let buyer = openTradingAccount(venue, "buyer", ts: t0)
        let seller = openTradingAccount(venue, "seller", ts: t0)
        // BTC index-driven at 60,000.0; an explicit mark 1.5% away holds until the next index.
        venue.feedIndex(600_000, at: t0)
        venue.apply(.markPrice(instrument: btc, price: 609_000), at: t0 + 100)
        venue.apply(.markPrice(instrument: btc, price: 609_100), at: t0 + 200)   // same episode
        venue.feedIndex(600_000, at: t0 + 1_000)
        // ETH mark-driven at 3,000.00; a trade at 3,100.00 is 333 bps from it.
        venue.apply(.markPrice(instrument: eth, price: 300_000), at: t0 + 2_000)
        venue.place(seller, eth, .sell, price: 310_000, quantity: 1_000, at: t0 + 3_000)
        venue.place(buyer, eth, .buy, price: 310_000, quantity: 500, at: t0 + 3_100)
        venue.place(buyer, eth, .buy, price: 310_000, quantity: 500, at: t0 + 3_200)  // same episode
        venue.apply(.markPrice(instrument: eth, price: 301_000), at: t0 + 4_000)     // still 299 bps: within

        let anomalies = venue.alerts(.priceAnomaly)
        #expect(anomalies.map(\.symbol) == ["BTC-PERP", "ETH-PERP"])
        #expect(anomalies.first?.evidence == "mark 609000 is 150 bps from index 600000")
        #expect(anomalies.first?.fromMs == t0 + 100)
        #expect(anomalies.last?.evidence == "last 310000 is 333 bps from mark 300000")
        #expect(anomalies.last?.fromMs == t0 + 3_100)
        #expect(venue.engine.marks[0] != 609_100, "the next index replaced the explicit mark")
    }

    @Test func everyScenarioReplaysToTheSameAlertsWithTheSameIds() {
        let venue = SurveillanceVenue(owners: ["fund-a": "owner-1", "fund-b": "owner-1"])
        let a = openTradingAccount(venue, "fund-a", ts: t0)
        let b = openTradingAccount(venue, "fund-b", ts: t0)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: t0)
        for step in Int64(0)..<5 {
            venue.place(a, .sell, price: 600_000, quantity: 10_000, at: t0 + step * 1_000)
            venue.place(b, .buy, price: 600_000, quantity: 1_000, at: t0 + step * 1_000 + 1)
        }
        venue.place(a, .buy, price: 599_900, quantity: 1_000, at: t0 + 10_000)
        let spoof = venue.place(b, .buy, price: 599_900, quantity: 10_000, at: t0 + 11_000)
        venue.cancel(b, spoof, at: t0 + 11_500)
        venue.apply(.markPrice(instrument: eth, price: 300_000), at: t0 + 12_000)
        venue.place(a, eth, .sell, price: 310_000, quantity: 1_000, at: t0 + 12_000)
        venue.place(b, eth, .buy, price: 310_000, quantity: 1_000, at: t0 + 12_001)
        #expect(Set(venue.alerts.map(\.alert.rule)) == [.washTrade, .spoofing, .priceAnomaly])
        #expect(venue.alerts.count >= 7)
        let first = venue.replayed(), second = venue.replayed()
        #expect(first.alerts == venue.alerts)
        #expect(second.alerts == first.alerts)
        #expect(first.alerts.map(\.id) == Array(1...Int64(first.alerts.count)))
    }

    @Test func theProjectedBookFollowsAmendsTriggersAndSelfTradePrevention() {
        // SurveillanceVenue checks the projected top against Engine.book after every command.
        let venue = SurveillanceVenue()
        let a = openTradingAccount(venue, "a", group: "house", ts: t0)
        let b = openTradingAccount(venue, "b", group: "house", ts: t0)
        let c = openTradingAccount(venue, "c", ts: t0)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: t0)
        let bid = venue.place(a, .buy, price: 599_000, quantity: 3_000, at: t0 + 1)
        venue.apply(.amendOrder(account: a, instrument: btc, order: .id(bid), price: 599_500, quantity: nil), at: t0 + 2)
        venue.apply(.amendOrder(account: a, instrument: btc, order: .id(bid), price: nil, quantity: 2_000), at: t0 + 3)
        #expect(venue.projection.book.top(btc) == BookTop(bid: 599_500, bidSize: 2_000, ask: 0, askSize: 0))
        venue.place(c, .sell, price: 599_500, quantity: 500, tif: .ioc, at: t0 + 4)
        // Re-priced through the ask: the amend trades.
        venue.place(c, .sell, price: 600_500, quantity: 1_000, at: t0 + 5)
        venue.apply(.amendOrder(account: a, instrument: btc, order: .id(bid), price: 600_500, quantity: nil), at: t0 + 6)
        // A stop-limit buy that the next mark triggers and that rests.
        let placed = venue.apply(.placeOrder(PlaceOrder(account: c, instrument: btc, side: .buy, type: .stopLimit, price: 601_000,
                                                        quantity: 700, stopPrice: 602_000)), at: t0 + 8)
        let stop: OrderID = placed.compactMap { (event: Event) -> OrderID? in if case .accepted(let id, _, _, _) = event { id } else { nil } }.first ?? -1
        #expect(venue.projection.book.order(stop) == nil && venue.projection.book.waiting(stop) != nil,
                "a waiting conditional is not in the book")
        venue.apply(.markPrice(instrument: btc, price: 602_500), at: t0 + 9)
        #expect(venue.projection.book.order(stop)?.remaining == 700, "triggered and resting")
        // Self-trade prevention between a and b (one group) expires the taker.
        venue.place(b, .sell, price: 603_000, quantity: 1_000, at: t0 + 10)
        venue.place(a, .buy, price: 603_000, quantity: 1_000, tif: .gtc, at: t0 + 11)
        venue.apply(.cancelAll(account: c, instrument: nil), at: t0 + 12)
        venue.apply(.cancelAll(account: b, instrument: nil), at: t0 + 13)
        #expect(venue.log.contains { $0.events.contains { if case .triggered = $0 { true } else { false } } })
        #expect(venue.log.contains { $0.events.contains { if case .amended = $0 { true } else { false } } })
    }
}
