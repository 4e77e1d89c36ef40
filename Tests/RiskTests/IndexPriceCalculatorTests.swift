import Testing
import HarbourCore
@testable import Risk

@Suite struct IndexPriceCalculatorTests {
    static let threeEqual = [IndexSource(name: "A", weight: 1), IndexSource(name: "B", weight: 1),
                             IndexSource(name: "C", weight: 1)]

    @Test func staleSourceIsExcludedAndEvenWeightMedianIsTheMidpoint() {
        var calc = IndexPriceCalculator(sources: Self.threeEqual, staleAfterMs: 10_000,
                                        maxDeviation: BTC.rate("0.01"), minSources: 2)
        calc.update(source: "A", price: BTC.px("50000"), timestampMs: 0)
        calc.update(source: "B", price: BTC.px("50010"), timestampMs: 5_000)
        calc.update(source: "C", price: BTC.px("50020"), timestampMs: 9_000)
        let r = calc.compute(nowMs: 12_000)
        #expect(r.status == .ok)
        #expect(r.price == BTC.px("50015"))   // midpoint of B and C; A is stale
        #expect(r.sources[0].status == .stale(ageMs: 12_000))
        #expect(r.sources[1].status == .used)
        #expect(r.sources[2].status == .used)
        #expect(r.usedCount == 2)
        // At exactly the staleness bound A is still fresh: median of three is B.
        #expect(calc.compute(nowMs: 10_000).price == BTC.px("50010"))
    }

    @Test func outlierDeviatingFromTheOthersIsExcluded() {
        let sources = Self.threeEqual + [IndexSource(name: "D", weight: 1)]
        var calc = IndexPriceCalculator(sources: sources, staleAfterMs: 10_000,
                                        maxDeviation: BTC.rate("0.01"), minSources: 3)
        calc.update(source: "A", price: BTC.px("50000"), timestampMs: 1)
        calc.update(source: "B", price: BTC.px("50010"), timestampMs: 1)
        calc.update(source: "C", price: BTC.px("50020"), timestampMs: 1)
        calc.update(source: "D", price: BTC.px("52000"), timestampMs: 1)
        let r = calc.compute(nowMs: 2)
        #expect(r.status == .ok)
        #expect(r.price == BTC.px("50010"))
        // D is 1990 / 50010 = 3.979204% away from the median of A, B, C.
        #expect(r.sources[3].status == .deviating(deviation: Rate(raw: 3_979_204), medianOfOthers: BTC.px("50010")))
        #expect(r.usedCount == 3)
    }

    @Test func weightedMedianFollowsTheHeavySource() {
        let sources = [IndexSource(name: "A", weight: 3), IndexSource(name: "B", weight: 1),
                       IndexSource(name: "C", weight: 1)]
        var calc = IndexPriceCalculator(sources: sources, staleAfterMs: 10_000,
                                        maxDeviation: BTC.rate("0.01"), minSources: 2)
        calc.update(source: 0, price: BTC.px("50000"), timestampMs: 0)
        calc.update(source: 1, price: BTC.px("50100"), timestampMs: 0)
        calc.update(source: 2, price: BTC.px("50200"), timestampMs: 0)
        #expect(calc.compute(nowMs: 0).price == BTC.px("50000"))
    }

    @Test func tooFewSourcesHoldsTheLastIndexAndDegrades() {
        var calc = IndexPriceCalculator(sources: Self.threeEqual, staleAfterMs: 10_000,
                                        maxDeviation: BTC.rate("0.01"), minSources: 2)
        let before = calc.compute(nowMs: 0)
        #expect(before.status == .degraded)
        #expect(before.price == nil)
        calc.update(source: "A", price: BTC.px("50000"), timestampMs: 0)
        calc.update(source: "B", price: BTC.px("50010"), timestampMs: 0)
        calc.update(source: "C", price: BTC.px("50020"), timestampMs: 0)
        #expect(calc.compute(nowMs: 1_000).price == BTC.px("50010"))
        // Only A keeps updating, and with a very different price: B and C go stale.
        calc.update(source: "A", price: BTC.px("45000"), timestampMs: 15_000)
        let held = calc.compute(nowMs: 15_000)
        #expect(held.status == .degraded)
        #expect(held.price == BTC.px("50010"))
        #expect(held.usedCount == 1)
        // Two sources that disagree exclude each other: degraded, still held.
        calc.update(source: "B", price: BTC.px("50000"), timestampMs: 15_000)
        let split = calc.compute(nowMs: 15_000)
        #expect(split.status == .degraded)
        #expect(split.price == BTC.px("50010"))
        #expect(split.usedCount == 0)
    }

    @Test func outOfOrderAndNonPositiveUpdatesAreIgnored() {
        var calc = IndexPriceCalculator(sources: Self.threeEqual, staleAfterMs: 10_000,
                                        maxDeviation: BTC.rate("0.01"), minSources: 1)
        let r1 = calc.update(source: "A", price: BTC.px("50000"), timestampMs: 100)
        #expect(r1)
        let r2 = calc.update(source: "A", price: BTC.px("40000"), timestampMs: 99)
        #expect(!r2)
        let r3 = calc.update(source: "A", price: Price(raw: 0), timestampMs: 200)
        #expect(!r3)
        let r4 = calc.update(source: "Z", price: BTC.px("1"), timestampMs: 200)
        #expect(!r4)
        #expect(calc.compute(nowMs: 100).price == BTC.px("50000"))
    }
}
