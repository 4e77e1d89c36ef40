import Testing
import HarbourCore
@testable import Risk

@Suite struct PriceBandTests {
    @Test func bandAroundMarkIsRoundedInward() {
        let band = PriceBand(width: BTC.rate("0.05"))
        let exact = band.bounds(mark: BTC.px("50000"))
        #expect(exact.low == BTC.px("47500") && exact.high == BTC.px("52500"))
        // 50,000.3 × 0.95 = 47,500.285 → 47,500.3;  × 1.05 = 52,500.315 → 52,500.3
        let odd = band.bounds(mark: BTC.px("50000.3"))
        #expect(odd.low == BTC.px("47500.3") && odd.high == BTC.px("52500.3"))
        let coarse = band.bounds(mark: BTC.px("50000.3"), tickSize: 10)
        #expect(coarse.low == BTC.px("47501") && coarse.high == BTC.px("52500"))
        #expect(band.admits(BTC.px("52500.3"), mark: BTC.px("50000.3")))
        #expect(!band.admits(BTC.px("52500.4"), mark: BTC.px("50000.3")))
        #expect(!band.admits(BTC.px("47500.2"), mark: BTC.px("50000.3")))
    }

    @Test func volatilityInterruptionPausesThenCoolsOff() {
        var vi = VolatilityInterruption(threshold: BTC.rate("0.1"), windowMs: 60_000, coolOffMs: 30_000, capacity: 60)
        let t0 = vi.observe(mark: BTC.px("50000"), nowMs: 0)
        let t1 = vi.observe(mark: BTC.px("54000"), nowMs: 30_000)       // +8%
        #expect(t0 == nil && t1 == nil)
        let t2 = vi.observe(mark: BTC.px("55001"), nowMs: 59_000)       // +10.002% from 50,000
        #expect(t2 == VolatilityInterruption.Trigger(reference: BTC.px("50000"), mark: BTC.px("55001"),
                                                     move: Rate(raw: 10_002_000), pausedUntilMs: 89_000))
        #expect(vi.state(atMs: 88_999) == .paused(untilMs: 89_000))
        let t3 = vi.observe(mark: BTC.px("70000"), nowMs: 80_000)       // ignored while paused
        #expect(t3 == nil)
        #expect(vi.state(atMs: 89_000) == .continuous)
        let t4 = vi.observe(mark: BTC.px("60000"), nowMs: 89_000)       // window starts afresh
        #expect(t4 == nil)
        #expect(vi.state == .continuous)
    }

    @Test func movesOutsideTheWindowDoNotCount() {
        var vi = VolatilityInterruption(threshold: BTC.rate("0.1"), windowMs: 60_000, coolOffMs: 30_000, capacity: 8)
        _ = vi.observe(mark: BTC.px("50000"), nowMs: 0)
        let late = vi.observe(mark: BTC.px("56000"), nowMs: 60_001)
        #expect(late == nil)
        let fall = vi.observe(mark: BTC.px("50000"), nowMs: 61_000)     // −10.71% from 56,000
        #expect(fall?.reference == BTC.px("56000"))
        #expect(fall?.move == Rate(raw: 10_714_285))
    }
}
