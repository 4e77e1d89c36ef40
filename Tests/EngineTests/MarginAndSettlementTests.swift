import HarbourCore
import Ledger
import Matching
import Testing
@testable import Engine

/// RISK-1, RISK-2, RISK-5, PERP-4: margin formulas, settlement and ledger with exact numbers.
@Suite struct MarginAndSettlementTests {
    @Test func feesAndRealisedPnlAreExactAndBooked() {
        let v = TestVenue()
        let a = v.open("a", usd: "10000"), b = v.open("b", usd: "10000")
        v.mark("50000")
        // 0.1 BTC at 50000: notional 5000; maker 0.02% = 1, taker 0.05% = 2.5.
        v.place(a, .sell, "0.1", at: "50000")
        let t = v.place(b, .buy, "0.1", at: "50000").trades[0]
        #expect(t.makerFee == v.usd("1") && t.takerFee == v.usd("2.5"))
        #expect(v.cash(a) == v.usd("9999") && v.cash(b) == v.usd("9997.5"))
        // b sells 0.03 at 50123.4 to a: realises 0.03 × 123.4 = 3.702; taker fee on 1503.702 = 0.751851 → 0.751851.
        v.place(a, .buy, "0.03", at: "50123.4")
        let t2 = v.place(b, .sell, "0.03", at: "50123.4").trades[0]
        #expect(t2.takerFee == v.usd("0.751851"))
        #expect(v.cash(b) == v.usd("9997.5") + v.usd("3.702") - v.usd("0.751851"))
        // The house books the fees: 1 + 2.5 + maker 0.30074 (0.0002 × 1503.702 = 0.3007404 → rounds UP to 0.300741) + taker.
        #expect(t2.makerFee == v.usd("0.300741"))
        let fees = v.engine.ledger.balance(v.engine.feesBook)
        #expect(fees == v.usd("1") + v.usd("2.5") + v.usd("0.300741") + v.usd("0.751851"))
    }

    @Test func partialCloseRoundsRealisedPnlDownAndCarriesTheResidue() {
        let v = TestVenue()
        let a = v.open("a", usd: "100000"), b = v.open("b", usd: "100000"), c = v.open("c", usd: "100000")
        v.mark("50000")
        // b buys 0.001 at 50000.1 and 0.002 at 50000.0: cost 150000.1 × 10^? raw, entry 50000.0333…
        v.place(a, .sell, "0.001", at: "50000.1")
        v.place(b, .buy, "0.001", at: "50000.1")
        v.place(a, .sell, "0.002", at: "50000")
        v.place(b, .buy, "0.002", at: "50000")
        let costBefore = v.engine.position(b, v.btc).cost   // raw price × raw size units
        #expect(costBefore == 500_001 * 1 + 500_000 * 2)
        // Close 0.001 at 50000.0: removed cost = ceil(1_500_001 / 3) = 500_001 → realised = 500_000 − 500_001 = −1 product unit.
        v.place(c, .buy, "0.001", at: "50000")
        let cashBefore = v.cash(b)
        let t = v.place(b, .sell, "0.001", at: "50000").trades[0]
        #expect(v.engine.position(b, v.btc).cost == 1_000_000)
        // −1 product unit = −0.0001 USD; minus taker fee 0.025.
        #expect(v.cash(b) == cashBefore - 100 - t.takerFee)
        // Closing the rest realises exactly 0: nothing was lost in total.
        v.place(c, .buy, "0.002", at: "50000")
        v.place(b, .sell, "0.002", at: "50000")
        #expect(v.engine.position(b, v.btc).cost == 0)
    }

    @Test func initialMarginCountsPositionsAndOpenOrders() {
        let v = TestVenue()
        let a = v.open("a", usd: "1000")
        v.mark("50000")
        // Leverage 10 (default): 0.199 BTC at 50000 = 9950 notional → IM 995 + fee reserve 4.975 = 999.975 ≤ 1000.
        #expect(v.place(a, .buy, "0.199", at: "50000").acceptedId != nil)
        let m = v.engine.marginSummary(a)
        #expect(m.initialRequired == Int128(v.usd("999.975")))
        // One more lot does not fit.
        #expect(v.place(a, .buy, "0.001", at: "50000").rejection?.code == .insufficientMargin)
        // A sell on the other side does not add to the buy side's requirement…
        #expect(v.place(a, .sell, "0.001", at: "50100").rejection == nil)
        // …and the worse side decides.
        #expect(v.engine.marginSummary(a).initialRequired == Int128(v.usd("999.975")))
    }

    @Test func higherLeverageLowersInitialMarginWithinTheTier() {
        let v = TestVenue()
        let a = v.open("a", usd: "1000")
        v.mark("50000")
        #expect(v.run(.setLeverage(account: a, instrument: v.btc, leverage: 51)).rejection?.code == .leverageOutOfRange)
        v.run(.setLeverage(account: a, instrument: v.btc, leverage: 50))
        // 0.9 BTC = 45000 notional (tier 1, max 50x) → IM 900 + fee 22.5.
        #expect(v.place(a, .buy, "0.9", at: "50000").acceptedId != nil)
        #expect(v.engine.marginSummary(a).initialRequired == Int128(v.usd("922.5")))
        // Lowering leverage now would need more margin than the equity.
        #expect(v.run(.setLeverage(account: a, instrument: v.btc, leverage: 2)).rejection?.code == .insufficientMargin)
        #expect(v.engine.position(a, v.btc).leverage == 50)
    }

    @Test func maintenanceMarginFollowsTheTierTable() {
        let v = TestVenue()
        let a = v.open("a", usd: "1000000"), b = v.open("b", usd: "1000000")
        v.mark("50000")
        v.place(a, .sell, "2", at: "50000")
        v.place(b, .buy, "2", at: "50000")
        // 100000 notional: tier 2 (0.5%) with deduction 50000 × (0.005 − 0.004) = 50 → MM = 500 − 50 = 450.
        #expect(v.engine.marginSummary(b).maintenanceRequired == Int128(v.usd("450")))
    }

    @Test func unrealisedPnlAtMarkDrivesEquity() {
        let v = TestVenue()
        let a = v.open("a", usd: "10000"), b = v.open("b", usd: "10000")
        v.mark("50000")
        v.place(a, .sell, "0.1", at: "50000")
        v.place(b, .buy, "0.1", at: "50000")
        v.mark("49000")
        #expect(v.engine.marginSummary(b).equity == Int128(v.usd("9997.5") - v.usd("100")))
        #expect(v.engine.marginSummary(a).equity == Int128(v.usd("9999") + v.usd("100")))
    }

    @Test func withdrawalsCannotTouchMarginInUse() {
        let v = TestVenue()
        let a = v.open("a", usd: "1000")
        v.mark("50000")
        // Valued at the higher of price and mark: IM 5000 / 10 = 500, fee reserve 4900 × 0.05% = 2.45.
        v.place(a, .buy, "0.1", at: "49000")
        let r = v.run(.withdraw(account: a, asset: "USD", amount: v.usd("600")))
        #expect(r.rejection?.code == .insufficientBalance)
        #expect(v.run(.withdraw(account: a, asset: "USD", amount: v.usd("497.56"))).rejection?.code == .insufficientBalance)
        #expect(v.run(.withdraw(account: a, asset: "USD", amount: v.usd("497.55"))).rejection == nil)
        #expect(v.cash(a) == v.usd("502.45"))
    }

    @Test func isolatedMarginIsLockedAndReleased() {
        let v = TestVenue()
        let a = v.open("a", usd: "10000"), b = v.open("b", usd: "10000")
        v.mark("50000")
        v.run(.setMarginMode(account: b, instrument: v.btc, isolated: true))
        v.place(a, .sell, "0.1", at: "50000")
        v.place(b, .buy, "0.1", at: "50000")
        // 5000 / 10 = 500 locked in the isolated book.
        #expect(v.engine.position(b, v.btc).isolatedMargin == v.usd("500"))
        #expect(v.cash(b) == v.usd("10000") - v.usd("500") - v.usd("2.5"))
        // Mode cannot change with a position open.
        #expect(v.run(.setMarginMode(account: b, instrument: v.btc, isolated: false)).rejection?.code == .marginModeChangeWithExposure)
        v.place(a, .buy, "0.1", at: "51000")
        v.mark("51000")
        v.place(b, .sell, "0.1", at: "51000")
        #expect(v.engine.position(b, v.btc).isolatedMargin == 0)
        // 500 back, +100 PnL, fees 2.5 + 2.55.
        #expect(v.cash(b) == v.usd("10000") + v.usd("100") - v.usd("2.5") - v.usd("2.55"))
    }

    @Test func positionLimitAndPriceBandAreEnforced() {
        let v = TestVenue()
        let a = v.open("a", usd: "100000000")
        v.mark("50000")
        v.run(.setLeverage(account: a, instrument: v.btc, leverage: 1))
        for _ in 0..<5 { v.place(a, .buy, "100", at: "49000") }
        #expect(v.place(a, .buy, "0.001", at: "49000").rejection?.code == .positionLimitExceeded)
        #expect(v.place(a, .sell, "1", at: "52501").rejection?.code == .priceOutsideBand)
        #expect(v.place(a, .sell, "1", at: "47499.9").rejection?.code == .priceOutsideBand)
        #expect(v.place(a, .sell, "1", at: "52500").rejection == nil)
    }

    @Test func depositsAndWithdrawalsAreDoubleEntry() {
        let v = TestVenue()
        let a = v.open("a", usd: "250.5")
        let ext = v.engine.ledger.existingBook(.external(asset: "USD"))!
        #expect(v.engine.ledger.balance(ext) == -v.usd("250.5"))
        v.run(.withdraw(account: a, asset: "USD", amount: v.usd("0.5")))
        #expect(v.engine.ledger.balance(ext) == -v.usd("250"))
        #expect(v.engine.ledger.total(of: .client) == Int128(v.usd("250")))
        #expect(v.engine.ledger.sum == 0)
    }
}
