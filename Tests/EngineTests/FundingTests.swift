import Foundation
import HarbourCore
import Ledger
import Matching
import Risk
import Testing
@testable import Engine

/// A small deterministic generator for seeded scenarios (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// PRICE-3: premium sampling, funding rate and settlement on the ledger.
@Suite struct EngineFundingTests {
    typealias F = PricingFixtures
    /// Feeds never go stale in these scenarios, so ticks can be a minute apart.
    static let noStale = #"{"staleAfterMs":100000000}"#

    func clearing(_ v: TestVenue) -> Int64 {
        v.engine.ledger.existingBook(.fundingClearing(asset: "USD")).map { v.engine.ledger.balance($0) } ?? 0
    }
    func rounding(_ v: TestVenue) -> Int64 { v.engine.ledger.balance(v.engine.roundingBook) }

    /// One 8-hour interval with a constant book: premium 0.2%, rate 0.15%, and the exact
    /// payment of every account; Σ payments + residue = 0; the clearing book returns to 0.
    @Test func scriptedIntervalGivesExactRateAndPayments() {
        let v = TestVenue(config: F.config(pricing: Self.noStale))
        let mm = v.open("mm", usd: "1000000"), alice = v.open("alice"), bob = v.open("bob"), carol = v.open("carol")
        v.mark("50000")
        v.place(mm, .buy, "1", at: "50100")
        v.place(mm, .sell, "1", at: "50300.3")
        #expect(v.place(alice, .buy, "0.007", at: "50300.3", tif: .ioc).trades.count == 1)
        #expect(v.place(bob, .sell, "0.003", at: "50100", tif: .ioc).trades.count == 1)
        #expect(v.place(carol, .sell, "0.005", at: "50100", tif: .ioc).trades.count == 1)
        #expect([v.size(mm), v.size(alice), v.size(bob), v.size(carol)] == [1, 7, -3, -5])

        let t1 = F.t0 + FundingRate.eightHoursMs
        let t = t1 - 600_000
        v.index("binance", "50000", at: t)
        v.index("okx", "50000", at: t + 1)
        #expect(v.engine.nextFundingTime(v.btc) == t1)
        for k in 1...9 { v.tick(at: t + Int64(k) * 60_000) }
        // mid − index = (50100 + 50300.3)/2 − 50000 = 200.15 → 200.1 (toward zero).
        #expect(v.engine.marks[0] == 502_001)
        #expect(v.engine.currentPremium(v.btc).average == Rate(raw: 200_000))
        #expect(v.engine.currentPremium(v.btc).samples == 9)
        #expect(v.engine.predictedFundingRate(v.btc) == Rate(raw: 150_000))

        let before = [mm, alice, bob, carol].map { v.cash($0) }
        let roundingBefore = rounding(v)
        let ev = v.tick(at: t1)
        let f = ev.fundings.first!
        #expect(ev.fundings.count == 1)
        #expect(f.premium == Rate(raw: 200_000) && f.interest == Rate(raw: 10_000) && f.premiumSamples == 9)
        #expect(f.rate == Rate(raw: 150_000))                   // 0.2% + clamp(0.01% − 0.2%, ±0.05%)
        #expect(f.mark == 502_001 && f.fundingTime == t1)
        // size × 50200.1 × 0.0015, payers rounded up, receivers down (USD, 6 decimals).
        #expect(f.payers == [FundingPayment(account: mm, position: 1, amount: 75_301),
                             FundingPayment(account: alice, position: 7, amount: 527_102)])
        #expect(f.receivers == [FundingPayment(account: bob, position: -3, amount: 225_900),
                                FundingPayment(account: carol, position: -5, amount: 376_500)])
        #expect(f.residue == 3)
        let after = [mm, alice, bob, carol].map { v.cash($0) }
        let changes = zip(after, before).map { $0 - $1 }
        #expect(changes == [-75_301, -527_102, 225_900, 376_500])
        #expect(changes.reduce(0, +) + f.residue == 0)
        #expect(rounding(v) - roundingBefore == 3)
        #expect(clearing(v) == 0)
        #expect(v.engine.nextFundingTime(v.btc) == t1 + FundingRate.eightHoursMs)
        // The sample taken at the funding time belongs to the next interval.
        #expect(v.engine.currentPremium(v.btc).samples == 1)
        // Postings: payer → clearing, clearing → receiver, residue → house rounding.
        let postings = ev.compactMap { if case .posting(let p) = $0 { return p } else { return nil } }
        #expect(postings.map(\.reason) == [.funding, .funding, .funding, .funding, .fundingRounding])
        let json = ev.map { EventEncoder().encode($0, seq: 1, engine: v.engine) }.first { $0.contains("\"funding\"") }!
        #expect(json.contains(#""rate":"0.0015""#) && json.contains(#""residue":"0.000003""#))
        #expect(json.contains(#"{"account":"alice","size":"0.007","amount":"0.527102"}"#))
    }

    /// A 1-hour interval: interest scaled to 0.01%/8 = 0.00125%, funding every hour.
    @Test func oneHourIntervalWorks() {
        let v = TestVenue(config: F.config(fundingMinutes: 60, pricing: Self.noStale))
        let alice = v.open("alice"), bob = v.open("bob")
        v.mark("50000")
        v.place(bob, .sell, "0.007", at: "50000")
        v.place(alice, .buy, "0.007", at: "50000", tif: .ioc)
        let t = F.t0 + 1_000
        v.index("binance", "50000", at: t)
        v.index("okx", "50000", at: t + 1)
        #expect(v.engine.nextFundingTime(v.btc) == F.t0 + 3_600_000)
        var fundings: [FundingEvent] = []
        var s = F.t0 + 60_000
        while s <= F.t0 + 7_200_000 {
            fundings += v.tick(at: s).fundings
            s += 60_000
        }
        #expect(fundings.map(\.fundingTime) == [F.t0 + 3_600_000, F.t0 + 7_200_000])
        for f in fundings {
            #expect(f.interest == Rate(raw: 1_250))             // empty book: no premium
            #expect(f.rate == Rate(raw: 1_250))
            #expect(f.payers == [FundingPayment(account: alice, position: 7, amount: 4_375)])
            #expect(f.receivers == [FundingPayment(account: bob, position: -7, amount: 4_375)])
            #expect(f.residue == 0)
        }
        #expect(v.engine.nextFundingTime(v.btc) == F.t0 + 10_800_000)
        #expect(clearing(v) == 0)
    }

    /// Many intervals with random trades, quotes and index moves (seeded): every
    /// settlement sums to exactly zero with its residue, the clearing book returns to 0,
    /// and the ledger sums to zero after every command (TestVenue checks it).
    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomIntervalsSumToZero(seed: UInt64) {
        var rng = SplitMix64(state: seed)
        let v = TestVenue(config: F.config(fundingMinutes: 60, pricing: Self.noStale))
        let mm = v.open("mm", usd: "100000000")
        let traders = (0..<6).map { v.open("t\($0)", usd: "10000000") }
        v.mark("50000")
        var index: Int64 = 500_000
        var t = F.t0 + 1_000
        v.index("binance", v.engine.spec(v.btc).priceString(index), at: t)
        v.index("okx", v.engine.spec(v.btc).priceString(index), at: t + 1)
        var settlements = 0
        for _ in 0..<(12 * 6) {                                // 12 hours in 10-minute steps
            t += 600_000
            // Index random walk (±0.3%), both sources.
            index += index * Int64.random(in: -30...30, using: &rng) / 10_000
            let text = v.engine.spec(v.btc).priceString(index)
            v.index("binance", text, at: t)
            v.index("okx", text, at: t + 1)
            // Requote the market maker around the index (gives the premium).
            v.run(.cancelAll(account: mm, instrument: v.btc))
            let mark = v.engine.marks[0]
            let bid = mark - Int64.random(in: 10...300, using: &rng) * 10, ask = mark + Int64.random(in: 10...300, using: &rng) * 10
            v.run(.placeOrder(PlaceOrder(account: mm, instrument: v.btc, side: .buy, price: bid, quantity: 2_000)))
            v.run(.placeOrder(PlaceOrder(account: mm, instrument: v.btc, side: .sell, price: ask, quantity: 2_000)))
            // A few random trades between traders and against the maker.
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let a = traders.randomElement(using: &rng)!
                let q = Int64.random(in: 1...500, using: &rng)
                if Bool.random(using: &rng) {
                    v.run(.placeOrder(PlaceOrder(account: a, instrument: v.btc, side: .buy, timeInForce: .ioc, price: ask, quantity: q)))
                } else {
                    v.run(.placeOrder(PlaceOrder(account: a, instrument: v.btc, side: .sell, timeInForce: .ioc, price: bid, quantity: q)))
                }
            }
            let before = (0..<v.engine.accountCount).map { v.engine.cash(AccountID(UInt32($0))) }
            let sizes = (0..<v.engine.accountCount).map { v.engine.position(AccountID(UInt32($0)), v.btc).size }
            let roundingBefore = rounding(v)
            let ev = v.tick(at: t + 599_000)                       // on every 6th step: the funding time
            #expect(v.engine.events.fundings.count == ev.fundings.count)
            for f in ev.fundings {
                settlements += 1
                let paid = f.payers.reduce(0) { $0 + $1.amount }, received = f.receivers.reduce(0) { $0 + $1.amount }
                #expect(paid - received == f.residue)
                #expect(f.residue >= 0 && f.residue < Int64(f.payers.count + f.receivers.count + 1))
                #expect(rounding(v) - roundingBefore == f.residue)
                #expect(clearing(v) == 0)
                var net: Int64 = 0
                for p in f.payers + f.receivers { net += p.position; #expect(sizes[Int(p.account.index)] == p.position) }
                #expect(net == 0)
                let after = (0..<v.engine.accountCount).map { v.engine.cash(AccountID(UInt32($0))) }
                var delta: Int64 = 0
                for k in after.indices { delta += after[k] - before[k] }
                #expect(delta + f.residue == 0)
            }
        }
        #expect(settlements == 12)
        #expect(v.engine.ledger.sum == 0)
        #expect(clearing(v) == 0)
    }
}
