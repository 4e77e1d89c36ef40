import Testing
import HarbourCore
@testable import Risk

/// Binance's published BTCUSDT brackets (notional cap, maintenance margin rate, max leverage).
enum BTCTiers {
    static let caps = ["50000", "250000", "1000000", "5000000", "10000000", "20000000", "50000000",
                       "100000000", "200000000"].map(BTC.usd)
    static let rates = ["0.004", "0.005", "0.01", "0.025", "0.05", "0.1", "0.125", "0.15", "0.25"].map(BTC.rate)
    static let leverages: [Int64] = [125, 100, 50, 20, 10, 5, 4, 3, 2]
    static let table = try! RiskTierTable.derivingMaintenanceAmounts(caps: caps, rates: rates, maxLeverages: leverages)
}

@Suite struct MarginMathTests {
    @Test func maintenanceAmountsFollowBinancesRecurrence() {
        // Binance FAQ: level 3 = 250,000 × (1% − 0.5%) + 50 = 1,300 USDT.
        #expect(BTCTiers.table.tiers.map(\.maintenanceAmount) ==
                ["0", "50", "1300", "16300", "141300", "641300", "1141300", "2391300", "12391300"].map(BTC.usd))
    }

    @Test func maintenanceMarginIsContinuousAtEveryTierBoundary() {
        let t = BTCTiers.table
        #expect(MarginMath.maintenanceMargin(notional: BTC.usd("50000"), table: t) == BTC.usd("200"))
        #expect(MarginMath.maintenanceMargin(notional: BTC.usd("50000.000001"), table: t) == BTC.usd("200.000001"))
        #expect(MarginMath.maintenanceMargin(notional: BTC.usd("500000"), table: t) == BTC.usd("3700"))
        for i in t.tiers.indices.dropLast() {
            let cap = t.tiers[i].notionalCap
            let below = MarginMath.maintenanceMargin(notional: cap, tier: t.tiers[i])
            let sameWithNext = MarginMath.maintenanceMargin(notional: cap, tier: t.tiers[i + 1])
            #expect(below == sameWithNext, "tier \(i) boundary")
            let justAbove = MarginMath.maintenanceMargin(notional: Amount(raw: cap.raw + 1), table: t)!
            #expect(justAbove.raw - below.raw == 1, "tier \(i) step")
        }
        #expect(MarginMath.maintenanceMargin(notional: BTC.usd("200000000.000001"), table: t) == nil)
    }

    @Test func tierLookupAndInitialMarginRoundUp() {
        let t = BTCTiers.table
        #expect(t.tierIndex(for: BTC.usd("50000")) == 0)
        #expect(t.tierIndex(for: BTC.usd("50000.000001")) == 1)
        #expect(MarginMath.allowedLeverage(notional: BTC.usd("264000"), table: t, clientCap: 75) == 50)
        #expect(MarginMath.allowedLeverage(notional: BTC.usd("1000"), table: t, clientCap: 20) == 20)
        #expect(MarginMath.initialMargin(notional: BTC.usd("50000"), leverage: 125) == BTC.usd("400"))
        #expect(MarginMath.initialMargin(notional: Amount(raw: 10), leverage: 3) == Amount(raw: 4))
        #expect(MarginMath.initialMargin(notional: BTC.usd("100"), rate: BTC.rate("0.00333333")) == BTC.usd("0.333333"))
        #expect(MarginMath.initialMargin(notional: Amount(raw: 1), rate: BTC.rate("0.5")) == Amount(raw: 1))
        #expect(MarginMath.positionNotional(BTC.qty("-1.5"), at: BTC.px("50000.1"), notional: BTC.notional)
                == BTC.usd("75000.15"))
        #expect(t.tiers[0].initialMarginRateAtMaxLeverage == BTC.rate("0.008"))
    }

    @Test func badTablesAreRefused() {
        #expect(throws: RiskTierTable.ConfigurationError.capsNotIncreasing(tier: 1)) {
            try RiskTierTable.derivingMaintenanceAmounts(caps: [BTC.usd("10"), BTC.usd("10")],
                                                         rates: [BTC.rate("0.01"), BTC.rate("0.02")], maxLeverages: [10, 5])
        }
        #expect(throws: RiskTierTable.ConfigurationError.ratesDecreasing(tier: 1)) {
            try RiskTierTable.derivingMaintenanceAmounts(caps: [BTC.usd("10"), BTC.usd("20")],
                                                         rates: [BTC.rate("0.02"), BTC.rate("0.01")], maxLeverages: [10, 5])
        }
        #expect(throws: RiskTierTable.ConfigurationError.empty) {
            try RiskTierTable(tiers: [])
        }
    }
}
