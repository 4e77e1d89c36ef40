import Testing
import HarbourCore
@testable import Risk

@Suite struct MarkPriceCalculatorTests {
    @Test func basisIsAveragedOverFixedIntervalsWithoutRoundingTheMid() {
        var calc = MarkPriceCalculator(capacity: 3, sampleIntervalMs: 1_000, basisCap: BTC.rate("0.005"))
        let index = BTC.px("50000")
        let r5 = calc.sampleIfDue(nowMs: 0, index: index, bestBid: BTC.px("50010"), bestAsk: BTC.px("50012"))
        #expect(r5)
        let r6 = calc.sampleIfDue(nowMs: 999, index: index, bestBid: BTC.px("60000"), bestAsk: BTC.px("60000"))
        #expect(!r6)
        let r7 = calc.sampleIfDue(nowMs: 1_000, index: index, bestBid: BTC.px("50020"), bestAsk: BTC.px("50021"))
        #expect(r7)
        // No ask: zero-basis sample.
        let r8 = calc.sampleIfDue(nowMs: 2_500, index: index, bestBid: BTC.px("50020"), bestAsk: nil)
        #expect(r8)
        let m = calc.mark(index: index)
        // (11 + 20.5 + 0) / 3 = 10.5
        #expect(m.basisAverage == BTC.px("10.5"))
        #expect(m.mark == BTC.px("50010.5"))
        #expect(!m.clamped)
        #expect(m.sampleCount == 3)
        // A fourth sample evicts the oldest: (20.5 + 0 + 4) / 3 = 8.1666… → 8.1 (toward zero).
        let r9 = calc.sampleIfDue(nowMs: 3_000, index: index, bestBid: BTC.px("50004"), bestAsk: BTC.px("50004"))
        #expect(r9)
        #expect(calc.mark(index: index).mark == BTC.px("50008.1"))
    }

    @Test func basisIsClampedToTheCap() {
        var calc = MarkPriceCalculator(capacity: 1, sampleIntervalMs: 1_000, basisCap: BTC.rate("0.005"))
        let index = BTC.px("50000")
        calc.sampleIfDue(nowMs: 0, index: index, bestBid: BTC.px("51000"), bestAsk: BTC.px("51000"))
        let up = calc.mark(index: index)
        #expect(up.basisAverage == BTC.px("1000"))
        #expect(up.basisApplied == BTC.px("250"))      // 0.5% of 50,000
        #expect(up.clamped)
        #expect(up.mark == BTC.px("50250"))
        calc.sampleIfDue(nowMs: 1_000, index: index, bestBid: BTC.px("1"), bestAsk: BTC.px("1"))
        #expect(calc.mark(index: index).mark == BTC.px("49750"))
    }

    @Test func skipPolicyTakesNoSampleWithoutATwoSidedBook() {
        var calc = MarkPriceCalculator(capacity: 4, sampleIntervalMs: 1_000, basisCap: BTC.rate("0.01"), missingMid: .skip)
        let index = BTC.px("50000")
        let r10 = calc.sampleIfDue(nowMs: 0, index: index, bestBid: nil, bestAsk: BTC.px("50100"))
        #expect(!r10)
        #expect(calc.mark(index: index).mark == index)
        let r11 = calc.sampleIfDue(nowMs: 1_000, index: index, bestBid: BTC.px("49999.9"), bestAsk: BTC.px("50000"))
        #expect(r11)
        // basis −0.05 averages toward zero: 0.
        #expect(calc.mark(index: index).basisAverage == Price(raw: 0))
        #expect(calc.count == 1)
    }
}
