import HarbourCore
import Spot
import Testing

/// SPOT-1 arithmetic: exact notionals and deliveries, fees rounded in the venue's favour,
/// and a buy's lock that always covers what any fill of it can cost.
@Suite struct SpotSettlementTests {
    static let btcUsd = SpotMarketSpec(
        symbol: "BTC-USD", base: Asset(code: "BTC", scale: DecimalScale(8)), quote: .usd,
        priceScale: DecimalScale(1), sizeScale: DecimalScale(5), tickSize: 1, lotSize: 1, minQuantity: 1,
        maxQuantity: 10_000_000, maxPrice: 100_000_000, priceBand: Rate(raw: 10_000_000),
        marketProtection: Rate(raw: 2_000_000), maxOpenOrders: 200)

    @Test func factorsAreExactPowersOfTen() {
        #expect(Self.btcUsd.baseFactor == 1_000)          // 1e-5 BTC = 1,000 satoshi
        #expect(Self.btcUsd.quoteFactor == 1)             // 0.1 USD × 1e-5 = 1e-6 USD
        #expect(Self.btcUsd.validationProblems() == [])
        // 0.5 BTC at 60,000.0: 30,000 USD, 50,000,000 satoshi.
        #expect(SpotSettlement.notional(Self.btcUsd, price: 600_000, quantity: 50_000) == 30_000_000_000)
        #expect(SpotSettlement.delivery(Self.btcUsd, quantity: 50_000) == 50_000_000)
    }

    @Test func feesRoundInTheVenuesFavour() {
        let r = Rate(raw: 50_000)                          // 0.05%
        #expect(SpotSettlement.fee(notional: 1_999, rate: r) == 1)         // 0.9995 → 1 charged
        #expect(SpotSettlement.fee(notional: 2_000, rate: r) == 1)
        #expect(SpotSettlement.fee(notional: 1_999, rate: Rate(raw: -50_000)) == 0)   // a 0.9995 rebate pays 0
        #expect(SpotSettlement.fee(notional: 4_000, rate: Rate(raw: -50_000)) == -2)
    }

    @Test func aBuysLockCoversEveryWayItCanFill() {
        // Any split of a 37-lot buy at limit 60,000.3, each part filled at or below the limit
        // at the higher fee rate, costs no more than the lock: ⌈·⌉ is subadditive.
        let rate = Rate(raw: 50_000)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let limit = Int64.random(in: 1...1_000_000, using: &rng)
            var left: Int64 = 37
            var paid: Int64 = 0
            while left > 0 {
                let q = Int64.random(in: 1...left, using: &rng)
                let price = Int64.random(in: 1...limit, using: &rng)
                let n = SpotSettlement.notional(Self.btcUsd, price: price, quantity: q)
                paid += n + SpotSettlement.fee(notional: n, rate: rate)
                left -= q
            }
            #expect(paid <= SpotSettlement.buyLock(Self.btcUsd, price: limit, quantity: 37, rate: rate))
        }
        // And the lock is linear: the locks of the parts add up to the lock of the whole.
        #expect(SpotSettlement.buyLock(Self.btcUsd, price: 600_003, quantity: 37, rate: rate)
                == SpotSettlement.buyLock(Self.btcUsd, price: 600_003, quantity: 30, rate: rate)
                + SpotSettlement.buyLock(Self.btcUsd, price: 600_003, quantity: 7, rate: rate))
    }

    @Test func unsoundSpecsAreNamed() {
        let tooFine = SpotMarketSpec(
            symbol: "X-USD", base: Asset(code: "X", scale: DecimalScale(2)), quote: .usd, priceScale: DecimalScale(1),
            sizeScale: DecimalScale(3), tickSize: 1, lotSize: 1, minQuantity: 1, maxQuantity: 10, maxPrice: 10,
            priceBand: Rate(raw: 0), marketProtection: Rate(raw: 0), maxOpenOrders: 1)
        #expect(tooFine.validationProblems().contains { $0.contains("size decimals exceed X") })
        let same = SpotMarketSpec(
            symbol: "USD-USD", base: .usd, quote: .usd, priceScale: DecimalScale(1), sizeScale: DecimalScale(2),
            tickSize: 1, lotSize: 1, minQuantity: 1, maxQuantity: 10, maxPrice: 10,
            priceBand: Rate(raw: 0), marketProtection: Rate(raw: 0), maxOpenOrders: 1)
        #expect(same.validationProblems().contains { $0.contains("same") })
    }
}
