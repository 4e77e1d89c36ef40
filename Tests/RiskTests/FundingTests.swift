import Testing
import HarbourCore
@testable import Risk

@Suite struct FundingTests {
    @Test func impactNotionalIs200USDTOverInitialMarginRateAtMaxLeverage() {
        // Binance: 200 USDT / (1/125 = 0.8%) = 25,000 USDT.
        #expect(ImpactPrice.impactNotional(margin: BTC.usd("200"), initialMarginRate: BTC.rate("0.008")) == BTC.usd("25000"))
        #expect(ImpactPrice.impactNotional(margin: BTC.usd("200"), maxLeverage: 125) == BTC.usd("25000"))
    }

    @Test func impactPricesWalkTheLevelsAndRoundAgainstTheTaker() {
        let bids = [BookLevel(price: BTC.px("50000"), quantity: BTC.qty("0.2")),    // 10,000.0
                    BookLevel(price: BTC.px("49999"), quantity: BTC.qty("0.2")),    //  9,999.8
                    BookLevel(price: BTC.px("49990"), quantity: BTC.qty("1"))]      // 5,000.2 of it
        // 25,000 / (0.4 + 5,000.2/49,990) = 49,997.5996… → down to 49,997.5
        #expect(ImpactPrice.compute(side: .bid, levels: bids, impactNotional: BTC.usd("25000"), notional: BTC.notional)
                == BTC.px("49997.5"))
        let asks = [BookLevel(price: BTC.px("50001.1"), quantity: BTC.qty("0.3")),
                    BookLevel(price: BTC.px("50002"), quantity: BTC.qty("0.1")),
                    BookLevel(price: BTC.px("50010"), quantity: BTC.qty("5"))]
        // 25,000 / (0.4 + 4,999.47/50,010) = 50,003.0595… → up to 50,003.1
        #expect(ImpactPrice.compute(side: .ask, levels: asks, impactNotional: BTC.usd("25000"), notional: BTC.notional)
                == BTC.px("50003.1"))
        // Exactly filled at one level: the level price itself.
        #expect(ImpactPrice.compute(side: .ask, levels: [BookLevel(price: BTC.px("50000"), quantity: BTC.qty("0.5"))],
                                    impactNotional: BTC.usd("25000"), notional: BTC.notional) == BTC.px("50000"))
        // Too thin: no impact price.
        #expect(ImpactPrice.compute(side: .bid, levels: Array(bids.prefix(2)), impactNotional: BTC.usd("25000"),
                                    notional: BTC.notional) == nil)
    }

    @Test func premiumIndexFromImpactPrices() {
        let index = BTC.px("50000")
        #expect(PremiumIndex.premium(impactBid: BTC.px("50010"), impactAsk: BTC.px("50020"), index: index) == BTC.rate("0.0002"))
        #expect(PremiumIndex.premium(impactBid: BTC.px("49980"), impactAsk: BTC.px("49990"), index: index) == BTC.rate("-0.0002"))
        #expect(PremiumIndex.premium(impactBid: BTC.px("49990"), impactAsk: BTC.px("50010"), index: index) == .zero)
        var acc = PremiumIndex()
        #expect(acc.average() == .zero)
        for r in [1_000, 2_000, 6_000] as [Int64] { acc.add(Rate(raw: r)) }
        #expect(acc.average(.simpleMean) == Rate(raw: 3_000))
        #expect(acc.average(.linearWeighted) == Rate(raw: 3_833))   // (1·1000 + 2·2000 + 3·6000) / 6
        acc.reset()
        #expect(acc.count == 0)
    }

    @Test func fundingRateClampsInterestMinusPremium() {
        // Binance: F = P + clamp(I − P, −0.05%, +0.05%), I = 0.01% per 8 h.
        let f = FundingRate(interest: FundingRate.defaultInterestPer8h, cap: BTC.rate("0.003"), floor: BTC.rate("-0.003"))
        #expect(f.rate(averagePremium: BTC.rate("0.0003")) == BTC.rate("0.0001"))    // |I − P| ≤ 0.05% ⇒ F = I
        #expect(f.rate(averagePremium: BTC.rate("-0.0004")) == BTC.rate("0.0001"))
        #expect(f.rate(averagePremium: BTC.rate("0.0008")) == BTC.rate("0.0003"))    // 0.08% − 0.05%
        #expect(f.rate(averagePremium: BTC.rate("-0.0006")) == BTC.rate("-0.0001"))  // −0.06% + 0.05%
        #expect(f.rate(averagePremium: BTC.rate("0.005")) == BTC.rate("0.003"))      // capped
        #expect(f.rate(averagePremium: BTC.rate("-0.005")) == BTC.rate("-0.003"))    // floored
        #expect(FundingRate.interest(per8h: BTC.rate("0.0001"), intervalMs: 3_600_000) == Rate(raw: 1_250))
        #expect(FundingRate.interest(per8h: BTC.rate("0.0001"), intervalMs: 4 * 3_600_000) == Rate(raw: 5_000))
    }

    @Test func fundingPaymentIsSizeTimesMarkTimesRate() {
        // 2 BTC × 50,000.5 × 0.01% = 10.0001 USD; the long pays, the short receives.
        #expect(FundingRate.payment(position: BTC.qty("2"), mark: BTC.px("50000.5"), rate: BTC.rate("0.0001"),
                                    notional: BTC.notional) == BTC.usd("10.0001"))
        #expect(FundingRate.payment(position: BTC.qty("-2"), mark: BTC.px("50000.5"), rate: BTC.rate("0.0001"),
                                    notional: BTC.notional) == BTC.usd("-10.0001"))
        // Negative rate: shorts pay.
        #expect(FundingRate.payment(position: BTC.qty("-2"), mark: BTC.px("50000.5"), rate: BTC.rate("-0.0001"),
                                    notional: BTC.notional) == BTC.usd("10.0001"))
        // 0.001 × 50,000.1 × 0.0123% = 0.0061500123: payer pays 0.006151, receiver gets 0.00615.
        #expect(FundingRate.payment(position: BTC.qty("0.001"), mark: BTC.px("50000.1"), rate: BTC.rate("0.000123"),
                                    notional: BTC.notional) == Amount(raw: 6_151))
        #expect(FundingRate.payment(position: BTC.qty("-0.001"), mark: BTC.px("50000.1"), rate: BTC.rate("0.000123"),
                                    notional: BTC.notional) == Amount(raw: -6_150))
    }

    @Test func settlementBooksTheResidue() throws {
        let r = try FundingSettlement.settle(
            positions: [(AccountID(1), BTC.qty("0.001")), (AccountID(2), BTC.qty("-0.001"))],
            mark: BTC.px("50000.1"), rate: BTC.rate("0.000123"), notional: BTC.notional)
        #expect(r.entries.map(\.change) == [Amount(raw: -6_151), Amount(raw: 6_150)])
        #expect(r.residue == Amount(raw: 1))
        #expect(throws: FundingSettlement.SettlementError.positionsDoNotNet(net: 1)) {
            try FundingSettlement.settle(positions: [(AccountID(1), BTC.qty("0.001"))],
                                         mark: BTC.px("1"), rate: BTC.rate("0.0001"), notional: BTC.notional)
        }
    }

    @Test func settlementIsZeroSumOverManyRandomRounds() throws {
        var g = SplitMix64(seed: 0x4841_5242_4F55_52)
        var sawResidue = false
        for _ in 0..<2_000 {
            let n = Int.random(in: 2...40, using: &g)
            var positions: [(account: AccountID, position: Quantity)] = []
            var net: Int64 = 0
            for i in 0..<(n - 1) {
                let q = Int64.random(in: -5_000_000...5_000_000, using: &g)
                positions.append((AccountID(UInt32(i)), Quantity(raw: q)))
                net += q
            }
            positions.append((AccountID(UInt32(n - 1)), Quantity(raw: -net)))
            let mark = Price(raw: Int64.random(in: 1...10_000_000, using: &g))
            let rate = Rate(raw: Int64.random(in: -750_000...750_000, using: &g))
            let r = try FundingSettlement.settle(positions: positions, mark: mark, rate: rate, notional: BTC.notional)
            let sum = r.entries.reduce(Int64(0)) { $0 + $1.change.raw }
            #expect(sum + r.residue.raw == 0)
            #expect(r.residue.raw >= 0 && r.residue.raw < Int64(n))
            if r.residue.raw > 0 { sawResidue = true }
            // Each entry is within one unit of the exact amount, against the client.
            for e in r.entries {
                let exact = Int128(e.position.raw) * Int128(mark.raw) * Int128(rate.raw) * 100   // in 1e-8 µUSD
                let paid = Int128(-e.change.raw) * 100_000_000
                #expect(paid >= exact && paid - exact < 100_000_000)
            }
        }
        #expect(sawResidue)
    }
}
