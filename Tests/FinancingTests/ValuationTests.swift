import HarbourCore
import Testing
@testable import Financing

/// FIN-2, FIN-5: margin value = Σ qty × price × (1 − haircut), exact, rounded down once.
@Suite struct ValuationTests {
    let valuation = Fixture.config().valuation

    @Test func marginValueIsExactToTheSmallestUnitAndRoundedDown() {
        // 1.23456789 BTC × 61,234.56 USD × 40% = 30,239.288613 711 36 USD → 30,239.288613 (micro-USD, down).
        let value = valuation.marginValue(Fixture.btc("1.23456789"), of: Fixture.btcAsset, at: Price(raw: 61_234_560_000))
        #expect(value.raw == 30_239_288_613)
        // Market value: 75,598.22153... → 75,598.221534 (down).
        #expect(MarginValuation.marketValue(Fixture.btc("1.23456789"), of: Fixture.btcAsset, at: Price(raw: 61_234_560_000)).raw == 75_598_221_534)
    }

    @Test func theSumIsRoundedOnceNotPerTerm() {
        // Two lots of 1e-8 BTC at 150 USD are worth 0.6 micro-USD each after the 60% haircut:
        // rounding per term would give 0, the exact sum 1.2 rounds down to 1.
        let tiny = Quantity(raw: 1)
        let holdings = [(Fixture.btcAsset, tiny, Price(raw: 150_000_000)), (Fixture.btcAsset, tiny, Price(raw: 150_000_000))]
        #expect(valuation.marginValue(tiny, of: Fixture.btcAsset, at: Price(raw: 150_000_000)).raw == 0)
        #expect(valuation.marginValue(holdings).raw == 1)
        // A share (scale 0) and BTC (scale 8) on one denominator: 7 shares × 50 USD × 70% = 245 USD exactly.
        #expect(valuation.marginValue([(Fixture.shareAsset, Quantity(raw: 7), Fixture.price(50))]).raw == 245_000_000)
    }

    @Test func crossingPriceIsTheLastPriceBelowTheRequiredValue() {
        var seed: UInt64 = 42
        for _ in 0..<500 {
            let quantity = Quantity(raw: Int64(SplitMix.next(&seed) % 10_000_000_000) + 1)
            let others = Int128(SplitMix.next(&seed) % 1_000_000_000) * valuation.denominator / 1_000
            let required = Int128(SplitMix.next(&seed) % 100_000_000_000) + 1
            let weight = valuation.weight(quantity, of: Fixture.btcAsset)
            func value(_ price: Int64) -> Int128 { (weight * Int128(price) + others).divided(by: valuation.denominator, rounding: .down) }
            if let price = valuation.crossingPrice(weight: weight, others: others, required: required) {
                #expect(value(price) < required)
                #expect(value(price + 1) >= required)
            } else {
                #expect(value(1) >= required)
            }
        }
    }

    @Test func requiredMarginRoundsUp() {
        // 100.000001 USD × 110% = 110.0000011 → 110.000002.
        #expect(MarginLevels.required(loan: Amount(raw: 100_000_001), at: Fixture.rate("1.1")) == 110_000_002)
    }
}

/// A small deterministic generator for seeded tests.
enum SplitMix {
    static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
