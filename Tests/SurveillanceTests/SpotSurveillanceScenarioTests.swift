import Compliance
import Engine
import HarbourCore
import Matching
import Surveillance
import Testing

/// MM-5 on a spot book (SPOT-1): BTC-USD sizes are in 0.00001 BTC (BTC-PERP's in 0.001), so a
/// large order is 10 BTC = 1,000,000 raw there, not 10,000 raw (0.1 BTC, the size of a demo
/// quote). Spoofing and front-running on BTC-USD must raise with the right evidence at 10 BTC,
/// and not at 0.1 BTC.
@Suite struct SpotSurveillanceScenarioTests {
    let t0 = day0 + hour

    /// A venue with a liquidity provider quoting BTC-USD 59,990.0 / 60,010.0, 0.1 BTC a side.
    private func spotVenue(marketMakers: [String: [MarketMakerTerms]] = [:]) -> (SurveillanceVenue, InstrumentID, AccountID) {
        let venue = SurveillanceVenue(marketMakers: marketMakers)
        let spot = venue.engine.instrumentID(symbol: "BTC-USD")!
        let lp = openTradingAccount(venue, "lp", ts: t0)
        venue.apply(.deposit(account: lp, asset: "BTC", amount: 100 * 100_000_000), at: t0)
        venue.place(lp, spot, .buy, price: 599_900, quantity: 10_000, at: t0)
        venue.place(lp, spot, .sell, price: 600_100, quantity: 10_000, at: t0)
        return (venue, spot, lp)
    }

    @Test func tenBitcoinLayeredNearTheSpotTouchAndCancelledFastIsSpoofing() {
        let (venue, spot, _) = spotVenue()
        let spoofer = openTradingAccount(venue, "spoofer", ts: t0)
        // Three layers of 10 BTC within 10 bps of the best bid, pulled after 1.5 s.
        let layers = [599_900, 599_850, 599_800].enumerated().map { step, price in
            venue.place(spoofer, spot, .buy, price: Int64(price), quantity: 1_000_000, at: t0 + 100 + Int64(step))
        }
        for (step, order) in layers.enumerated() { venue.cancel(spoofer, order, spot, at: t0 + 1_600 + Int64(step)) }
        // Not spoofing: just under 10 BTC, and a demo-sized 0.1 BTC quote (10,000 raw: "large"
        // only in BTC-PERP's scale), both pulled at once.
        let under = venue.place(spoofer, spot, .buy, price: 599_900, quantity: 999_999, at: t0 + 10_000)
        venue.cancel(spoofer, under, spot, at: t0 + 10_100)
        let quote = venue.place(spoofer, spot, .buy, price: 599_900, quantity: 10_000, at: t0 + 20_000)
        venue.cancel(spoofer, quote, spot, at: t0 + 20_500)

        let spoofs = venue.alerts(.spoofing)
        #expect(spoofs.map(\.orders) == layers.map { [$0] })
        #expect(spoofs.allSatisfy { $0.symbol == "BTC-USD" && $0.accounts == ["spoofer"] })
        #expect(spoofs.map(\.evidence) == [
            "order of 1000000 0 bps from the touch cancelled after 1500 ms with 0 filled",
            "order of 1000000 0 bps from the touch cancelled after 1500 ms with 0 filled",
            "order of 1000000 1 bps from the touch cancelled after 1500 ms with 0 filled",
        ])
        #expect(spoofs.map(\.fromMs) == [t0 + 100, t0 + 101, t0 + 102])
        #expect(spoofs.map(\.toMs) == [t0 + 1_600, t0 + 1_601, t0 + 1_602])
        #expect(venue.alerts.map(\.alert.rule) == [.spoofing, .spoofing, .spoofing])
    }

    @Test func anAffiliatedMarketMakerBuyingJustBeforeATenBitcoinSpotBuyIsFrontRunning() {
        let (venue, spot, lp) = spotVenue(marketMakers: ["spot-mm": [terms("BTC-USD", maxSpreadBps: 50, minSize: 5_000)]])
        let mm = openTradingAccount(venue, "spot-mm", ts: t0)
        let client = openTradingAccount(venue, "fund-big", ts: t0)
        venue.place(lp, spot, .sell, price: 600_200, quantity: 5_000_000, at: t0)
        let mmOrder = venue.place(mm, spot, .buy, price: 600_100, quantity: 5_000, tif: .ioc, at: t0 + 1_000)
        let clientOrder = venue.place(client, spot, .buy, price: 600_200, quantity: 1_000_000, tif: .ioc, at: t0 + 1_400)
        // 0.1 BTC right after is no large order on the spot book.
        venue.place(client, spot, .buy, price: 600_200, quantity: 10_000, tif: .ioc, at: t0 + 1_500)

        let fronts = venue.alerts(.frontRunning)
        #expect(fronts.count == 1)
        #expect(fronts.first?.symbol == "BTC-USD" && fronts.first?.accounts == ["spot-mm", "fund-big"])
        #expect(fronts.first?.orders == [mmOrder, clientOrder])
        #expect(fronts.first?.fromMs == t0 + 1_000 && fronts.first?.toMs == t0 + 1_400)
        #expect(fronts.first?.evidence == "affiliated MM spot-mm traded buy 400 ms before client fund-big's large buy order of 1000000")
        #expect(venue.alerts.map(\.alert.rule) == [.frontRunning])
    }
}
