import Testing
import HarbourCore
@testable import Risk

@Suite struct RiskMonitoringTests {
    @Test func ewmaVarianceOfSimpleReturns() {
        var v = EWMAVolatility(lambda: BTC.rate("0.94"))
        let r0 = v.update(price: BTC.px("100"))   // reference only
        #expect(r0 == .zero)
        // r = +10%: var = 0.06 × (1e7)² = 6e12; √ = 2,449,489.7… → 2.449490%
        let r12 = v.update(price: BTC.px("110"))
        #expect(r12 == Rate(raw: 2_449_490))
        #expect(v.variance == 6_000_000_000_000)
        // r = −10%: var = 0.94 × 6e12 + 0.06 × 1e14 = 1.164e13; √ = 3,411,744.4… → 3.411745%
        let r13 = v.update(price: BTC.px("99"))
        #expect(r13 == Rate(raw: 3_411_745))
        #expect(v.variance == 11_640_000_000_000)
        #expect(v.returnCount == 2)
        #expect(v.annualised(periodsPerYear: 365) == Rate(raw: 65_181_286))
        // A tiny move is rounded away from zero, not lost: r = 1e-8 ⇒ variance grows by ⌈0.06⌉.
        var w = EWMAVolatility(lambda: BTC.rate("0.94"))
        w.update(price: Price(raw: 100_000_000))
        w.update(price: Price(raw: 100_000_001))
        #expect(w.variance == 1)
        #expect(EWMAVolatility.floorSqrt(99) == 9 && EWMAVolatility.ceilSqrt(99) == 10 && EWMAVolatility.ceilSqrt(100) == 10)
    }

    @Test func addOnScheduleStepsWithVolatility() {
        let s = MarginAddOnSchedule(steps: [.init(threshold: BTC.rate("0.02"), addOn: BTC.rate("0.005")),
                                            .init(threshold: BTC.rate("0.03"), addOn: BTC.rate("0.01")),
                                            .init(threshold: BTC.rate("0.05"), addOn: BTC.rate("0.025"))])
        #expect(s.addOn(for: BTC.rate("0.0199")) == .zero)
        #expect(s.addOn(for: BTC.rate("0.02")) == BTC.rate("0.005"))
        #expect(s.addOn(for: Rate(raw: 2_449_490)) == BTC.rate("0.005"))
        #expect(s.addOn(for: Rate(raw: 3_411_745)) == BTC.rate("0.01"))
        #expect(s.addOn(for: BTC.rate("0.9")) == BTC.rate("0.025"))
    }

    @Test func stressShortfallBeyondEquity() {
        let minus30 = StressScenario(name: "index −30%", shock: BTC.rate("-0.3"))
        let mark = BTC.px("50000")
        func pos(_ q: String, _ entry: String) -> StressScenario.Position {
            .init(quantity: BTC.qty(q), entryPrice: BTC.px(entry), markPrice: mark, notional: BTC.notional)
        }
        let r = minus30.run([
            .init(account: AccountID(1), walletBalance: BTC.usd("10000"), positions: [pos("1", "50000")]),
            .init(account: AccountID(2), walletBalance: BTC.usd("10000"), positions: [pos("-1", "50000")]),
            .init(account: AccountID(3), walletBalance: BTC.usd("2000"), positions: [pos("0.5", "40000")]),
        ])
        // 35,000 after the shock: −5,000 / +25,000 / 2,000 − 2,500 = −500.
        #expect(r.outcomes.map(\.equityAfter) == [BTC.usd("-5000"), BTC.usd("25000"), BTC.usd("-500")])
        #expect(r.outcomes.map(\.shortfall) == [BTC.usd("5000"), .zero, BTC.usd("500")])
        #expect(r.totalShortfall == BTC.usd("5500"))
        #expect(r.accountsInShortfall == 2)
        #expect(r.uncovered(insuranceFund: BTC.usd("5000")) == BTC.usd("500"))
        #expect(r.uncovered(insuranceFund: BTC.usd("6000")) == .zero)
        // The shocked price is rounded against the holder: 50,000.1 × 0.7 = 35,000.07.
        #expect(minus30.shockedPrice(BTC.px("50000.1"), for: BTC.qty("1")) == BTC.px("35000"))
        #expect(minus30.shockedPrice(BTC.px("50000.1"), for: BTC.qty("-1")) == BTC.px("35000.1"))
        // +50%: the short is the one in shortfall.
        let plus50 = StressScenario(name: "index +50%", shock: BTC.rate("0.5")).run([
            .init(account: AccountID(2), walletBalance: BTC.usd("10000"), positions: [pos("-1", "50000")])])
        #expect(plus50.totalShortfall == BTC.usd("15000"))
    }
}
