import HarbourCore
import Ledger
import Matching
import Testing
@testable import Engine

extension Array where Element == Event {
    var liquidations: [LiquidationEvent] { compactMap { if case .liquidation(let l) = $0 { return l } else { return nil } } }
    var payouts: [(AccountID, Int64)] { compactMap { if case let .insurancePayout(a, x) = $0 { return (a, x) } else { return nil } } }
    var adls: [(account: AccountID, counterparty: AccountID, qty: Int64, price: Int64)] {
        compactMap { if case let .adl(a, c, _, q, p) = $0 { return (a, c, q, p) } else { return nil } }
    }
}

/// RISK-3 / RISK-4: trigger index, liquidation waterfall, insurance fund, ADL.
/// BTC-PERP: price raw = price × 10, size raw = size × 1000, 1 raw product unit = 100 raw USD.
@Suite struct LiquidationTests {
    func fund(_ v: TestVenue) -> Int64 { v.engine.ledger.balance(v.engine.insuranceBook) }

    /// Seeds the insurance fund from outside (as an operator top-up would).
    func seedFund(_ v: TestVenue, _ usd: String) {
        v.engine.ledger.post(from: v.engine.externalBook, to: v.engine.insuranceBook, amount: v.usd(usd), reason: .deposit)
        v.checkInvariants()
    }

    /// A long of 0.2 BTC at 50000 for `name`, bought as maker from `seller` (fee 0.02% = 2).
    func openLong(_ v: TestVenue, _ name: String, usd: String, seller: AccountID, isolated: Bool = false) -> AccountID {
        let a = v.open(name, usd: usd)
        if isolated { v.run(.setMarginMode(account: a, instrument: v.btc, isolated: true)) }
        v.place(a, .buy, "0.2", at: "50000")
        #expect(v.place(seller, .sell, "0.2", at: "50000").trades.count == 1)
        return a
    }

    @Test func crossWorkedExample() {
        let v = TestVenue()
        let mm = v.open("mm", usd: "1000000")
        v.mark("50000")
        let l = openLong(v, "long", usd: "1100", seller: mm)
        // cash 1100 − 2 = 1098. equity(P) = 1098 + 0.2(P − 50000); MM = 0.2·P·0.4%.
        // equity < MM ⇔ 0.1992·P < 8902 ⇔ P < 44688.755…: at 44688.7 equity 35.74 < MM 35.75096;
        // at 44688.8 equity 35.76 ≥ MM 35.75104. Trigger = 44688.7.
        #expect(v.cash(l) == v.usd("1098"))
        #expect(v.engine.liquidationTrigger(l, v.btc) == v.px("44688.7"))
        v.mark("44700")
        v.place(mm, .buy, "0.2", at: "44600")
        let before = v.run(.markPrice(instrument: v.btc, price: v.px("44688.8")))
        #expect(before.liquidations.isEmpty)
        #expect(v.size(l) == v.qty("0.2"))
        let ev = v.run(.markPrice(instrument: v.btc, price: v.px("44688.7")))
        let liq = ev.liquidations
        #expect(liq.count == 1)
        #expect(liq.first?.size == v.qty("0.2") && liq.first?.partial == false)
        #expect(liq.first?.equity == v.usd("35.74") && liq.first?.maintenanceMargin == v.usd("35.75096"))
        let json = ev.first { if case .liquidation = $0 { return true } else { return false } }
            .map { EventEncoder().encode($0, seq: 7, engine: v.engine) }
        #expect(json == #"{"type":"liquidation","seq":7,"account":"long","symbol":"BTC-PERP","size":"0.2","markPrice":"44688.7","equity":"35.74","maintenanceMargin":"35.75096","stage":"full"}"#)
        // Bankruptcy 50000 − 1098/0.2 = 44510; the bid at 44600 is better: filled there, no taker fee.
        #expect(ev.trades.count == 1 && ev.trades[0].price == v.px("44600") && ev.trades[0].takerFee == 0)
        #expect(v.size(l) == 0)
        // Realised 0.2 × (44600 − 50000) = −1080 → 18 left; fee 0.5% × 8920 = 44.6, capped at the 18 left.
        #expect(v.cash(l) == 0)
        #expect(fund(v) == v.usd("18"))
        #expect(v.engine.liquidationTrigger(l, v.btc) == nil)
    }

    /// A cross account in two instruments: its BTC trigger assumed the ETH mark, so an ETH
    /// move recomputes it (multi-instrument accounts), and the new trigger is exact.
    @Test func crossAccountTriggerFollowsOtherMarks() {
        let v = TestVenue()
        let mm = v.open("mm", usd: "1000000")
        v.mark("50000")
        v.mark("3000", v.eth)
        let m = v.open("multi", usd: "1500")
        v.place(m, .buy, "0.2", at: "50000")
        v.place(mm, .sell, "0.2", at: "50000")
        v.place(m, .buy, "1", at: "3000", on: v.eth)
        v.place(mm, .sell, "1", at: "3000", on: v.eth)
        // cash 1500 − 2 − 0.6 = 1497.4; equity = 1497.4 + 0.2(Pb − 50000) + (Pe − 3000);
        // MM = 0.0008·Pb + 0.005·Pe. With Pe = 3000: 0.1992·Pb < 8517.6 ⇔ Pb < 42759.04.
        #expect(v.cash(m) == v.usd("1497.4"))
        #expect(v.engine.liquidationTrigger(m, v.btc) == v.px("42759"))
        // ETH to 2900: 0.1992·Pb < 8617.1 ⇔ Pb < 43258.53.
        #expect(v.run(.markPrice(instrument: v.eth, price: v.px("2900", v.eth))).liquidations.isEmpty)
        #expect(v.engine.liquidationTrigger(m, v.btc) == v.px("43258.5"))
        v.mark("43300")
        v.place(mm, .buy, "0.2", at: "43200")
        #expect(v.run(.markPrice(instrument: v.btc, price: v.px("43258.6"))).liquidations.isEmpty)
        let ev = v.run(.markPrice(instrument: v.btc, price: v.px("43258.5")))
        #expect(ev.liquidations.first?.instrument == v.btc)
        #expect(ev.trades.first?.price == v.px("43200"))
        // BTC sold at 43200 (above bankruptcy 43013); the fee takes what equity is left, so
        // the ETH position follows: no ETH bids, auto-deleveraged against mm at 2900.
        #expect(v.size(m) == 0 && v.size(m, v.eth) == 0)
        #expect(ev.adls.first?.counterparty == mm && ev.adls.first?.price == v.px("2900", v.eth))
        #expect(v.cash(m) == 0)
        let h = v.engine.stateHash()
        v.engine.rebuildLiquidationIndex()
        #expect(v.engine.stateHash() == h)
    }

    /// Index-driven marks take the same path: a falling index liquidates the long.
    @Test func indexDrivenMarkLiquidates() {
        let v = TestVenue()
        let mm = v.open("mm", usd: "1000000")
        v.index("binance", "50000")
        v.index("okx", "50000")
        #expect(v.engine.isIndexDriven(v.btc) && v.engine.marks[0] == v.px("50000"))
        let l = openLong(v, "long", usd: "1100", seller: mm)
        var liquidatedBy: [Event] = []
        var p: Int64 = 50_000
        while p > 44_000 && liquidatedBy.isEmpty {
            p -= 250
            for src in ["binance", "okx"] {
                let ev = v.index(src, String(p))
                if !ev.liquidations.isEmpty { liquidatedBy = ev }
            }
        }
        // Trigger 44688.7 (see crossWorkedExample): liquidated when the index-driven mark reaches it.
        #expect(liquidatedBy.liquidations.first?.account == l)
        #expect(liquidatedBy.contains { if case .markComponents = $0 { return true } else { return false } })
        #expect((liquidatedBy.liquidations.first?.markPrice ?? .max) <= v.px("44688.7"))
        #expect(v.size(l) == 0 && v.cash(l) >= 0)
    }

    @Test func isolatedWorkedExample() {
        let v = TestVenue()
        let mm = v.open("mm", usd: "1000000")
        v.mark("50000")
        let a = openLong(v, "iso", usd: "1100", seller: mm, isolated: true)
        // Isolated margin 10000 / 10 = 1000; cash 1100 − 1000 − 2 = 98.
        #expect(v.engine.position(a, v.btc).isolatedMargin == v.usd("1000") && v.cash(a) == v.usd("98"))
        // equity(P) = 1000 + 0.2(P − 50000) < 0.0008·P ⇔ P < 45180.72…: trigger 45180.7.
        #expect(v.engine.liquidationTrigger(a, v.btc) == v.px("45180.7"))
        v.mark("45300")
        v.place(mm, .buy, "0.2", at: "45100")
        #expect(v.run(.markPrice(instrument: v.btc, price: v.px("45180.8"))).liquidations.isEmpty)
        let ev = v.run(.markPrice(instrument: v.btc, price: v.px("45180.7")))
        #expect(ev.liquidations.count == 1 && ev.liquidations[0].equity == v.usd("36.14")
                && ev.liquidations[0].maintenanceMargin == v.usd("36.14456"))
        // Bankruptcy 45000; filled at 45100: −980 realised, 1000 released → 20 surplus; the fee
        // (0.5% × 9020 = 45.1) takes only that surplus. The cross cash (98) is untouched.
        #expect(v.size(a) == 0 && v.cash(a) == v.usd("98") && fund(v) == v.usd("20"))
    }

    @Test func largePositionIsLiquidatedDownOneTier() {
        var config = VenueConfig.standard
        config.liquidationFeeRate = Rate(raw: 10_000)   // 0.01%
        let v = TestVenue(config: config)
        let mm = v.open("mm", usd: "10000000")
        v.mark("50000")
        let a = v.open("big", usd: "25500")
        v.place(a, .buy, "5", at: "50000")
        v.place(mm, .sell, "5", at: "50000")
        // cash 25500 − 50 = 25450; tier 2 (≤ 250000): MM = 0.5%·N − 50.
        // equity 25450 + 5(P − 50000) < 0.025P − 50 ⇔ P < 45125.63: trigger 45125.6.
        #expect(v.engine.liquidationTrigger(a, v.btc) == v.px("45125.6"))
        v.mark("45200")
        v.place(mm, .buy, "10", at: "45120")
        let ev = v.run(.markPrice(instrument: v.btc, price: v.px("45125.6")))
        // Notional 225628 is in tier 2; down to tier 1's cap 50000: keep ⌊50000 / 45125.6⌋ = 1.108.
        #expect(ev.liquidations.count == 1)
        #expect(ev.liquidations[0].partial && ev.liquidations[0].size == v.qty("3.892"))
        #expect(v.size(a) == v.qty("1.108"))
        // Fee 0.01% × 3.892 × 45120 = 17.560704 to the fund; margin restored.
        #expect(fund(v) == v.usd("17.560704"))
        let m = v.engine.marginSummary(a)
        #expect(m.equity >= m.maintenanceRequired)
        #expect(v.cash(a) == v.usd("25450") - v.usd("18992.96") - v.usd("17.560704"))
    }

    @Test func lossBeyondEquityIsCoveredByTheInsuranceFund() {
        let v = TestVenue()
        let mm = v.open("mm", usd: "1000000")
        v.mark("50000")
        let l = openLong(v, "long", usd: "1100", seller: mm)
        seedFund(v, "500")
        v.mark("45000")
        v.place(mm, .buy, "0.2", at: "43900")
        // Gap down to 44000: nothing bids at or above bankruptcy (44510). The fund can pay
        // 500 / 0.2 = 2500 below bankruptcy, market protection allows 44000 − 2% = 43120:
        // filled at 43900, loss −1220 against 1098 cash → the fund pays 122.
        let ev = v.run(.markPrice(instrument: v.btc, price: v.px("44000")))
        #expect(ev.liquidations.count == 1)
        #expect(ev.trades.count == 1 && ev.trades[0].price == v.px("43900"))
        #expect(ev.payouts.count == 1 && ev.payouts[0].1 == v.usd("122"))
        let json = ev.first { if case .insurancePayout = $0 { return true } else { return false } }
            .map { EventEncoder().encode($0, seq: 3, engine: v.engine) }
        #expect(json == #"{"type":"insurancePayout","seq":3,"account":"long","amount":"122"}"#)
        let payoutPosting = ev.contains {
            if case .posting(let p) = $0 { return p.reason == .insurancePayout && p.amount == v.usd("122") && p.from == v.engine.insuranceBook }
            return false
        }
        #expect(payoutPosting)
        #expect(v.size(l) == 0 && v.cash(l) == 0 && fund(v) == v.usd("378"))
        #expect(ev.adls.isEmpty)
    }

    @Test func autoDeleveragingWhenTheFundIsEmpty() {
        let v = TestVenue()
        let mm = v.open("mm", usd: "1000000")
        v.mark("50000")
        let s = v.open("short", usd: "2000")
        let s2 = v.open("short2", usd: "500000")
        let l = openLong(v, "long", usd: "1100", seller: s)
        v.place(mm, .buy, "0.2", at: "50000")
        v.place(s2, .sell, "0.2", at: "50000")
        v.mark("45000")
        // Both shorts gain 1000; "short" is far more leveraged: first in line.
        #expect(v.engine.adlRank(s, v.btc) == 5 && v.engine.adlRank(s2, v.btc) == 3)
        #expect(v.engine.adlRank(l, v.btc) != nil && v.engine.adlRank(mm, v.btc) != nil)
        #expect(fund(v) == 0)
        let ev = v.run(.markPrice(instrument: v.btc, price: v.px("44000")))
        // No bids at all: the whole 0.2 is closed against "short" at bankruptcy 44510.
        #expect(ev.liquidations.count == 1 && ev.trades.isEmpty)
        #expect(ev.adls.count == 1)
        #expect(ev.adls.first?.account == l && ev.adls.first?.counterparty == s)
        #expect(ev.adls.first?.qty == v.qty("0.2") && ev.adls.first?.price == v.px("44510"))
        let json = ev.first { if case .adl = $0 { return true } else { return false } }
            .map { EventEncoder().encode($0, seq: 4, engine: v.engine) }
        #expect(json == #"{"type":"adl","seq":4,"account":"long","counterparty":"short","symbol":"BTC-PERP","qty":"0.2","price":"44510"}"#)
        #expect(v.size(l) == 0 && v.size(s) == 0 && v.size(s2) == -v.qty("0.2"))
        // long: 1098 − 0.2 × 5490 = 0; short: 2000 − 5 (taker fee) + 0.2 × 5490 = 3093.
        #expect(v.cash(l) == 0)
        #expect(v.cash(s) == v.usd("2000") - v.usd("5") + v.usd("1098"))
        #expect(v.engine.adlRank(s, v.btc) == nil)
    }

    @Test func openOrdersAreCanceledOnLiquidation() {
        let v = TestVenue()
        let mm = v.open("mm", usd: "1000000")
        v.mark("50000")
        let l = openLong(v, "long", usd: "1100", seller: mm)
        v.place(l, .sell, "0.1", at: "52000")
        v.mark("46000")
        #expect(v.engine.position(l, v.btc).openOrders == 1)
        v.place(mm, .buy, "1", at: "44600")
        let ev = v.run(.markPrice(instrument: v.btc, price: v.px("44600")))
        #expect(ev.cancels.contains { $0.account == l && $0.reason == "LIQUIDATION" })
        #expect(v.size(l) == 0 && v.engine.position(l, v.btc).openOrders == 0)
    }

    /// The random streams of the existing property, determinism and snapshot tests: any
    /// liquidation there must be a real breach (equity < maintenance when it started).
    @Test func existingRandomStreamsLiquidateOnlyRealBreaches() {
        var count = 0
        for seed: UInt64 in [1, 5, 7, 11, 99, 100] {
            let (_, log) = EnginePropertyTests.runStream(seed: seed, commands: 3000)
            let e = Engine()
            for (ts, c) in log {
                for ev in e.apply(c, timestamp: ts) {
                    if case .liquidation(let l) = ev {
                        count += 1
                        #expect(l.equity < l.maintenanceMargin)
                    }
                }
                #expect(e.ledger.sum == 0)
            }
        }
        print("existing random streams: \(count) liquidations")
    }

    /// The guided trigger search gives exactly the bisection's answer for every position
    /// of the random streams (cross, isolated, multi-instrument, longs and shorts), at
    /// many points of each stream, and after a volatility add-on.
    @Test func guidedTriggerSearchEqualsBisection() {
        var compared = 0
        for seed: UInt64 in [2, 3, 11, 42] {
            let (_, log) = EnginePropertyTests.runStream(seed: seed, commands: 2000)
            let e = Engine()
            for (k, (ts, c)) in log.enumerated() {
                e.apply(c, timestamp: ts)
                guard k % 250 == 0 || k == log.count - 1 else { continue }
                for a in 0..<e.accountCount {
                    for i in 0..<2 {
                        let g = e.triggerPrice(UInt32(a), instrument: i), b = e.triggerPriceByBisection(UInt32(a), instrument: i)
                        #expect(g?.price == b?.price && g?.long == b?.long, "seed \(seed) command \(k) account \(a) instrument \(i)")
                        compared += 1
                    }
                }
            }
            e.riskState.addOns = [2_000_000, 500_000]
            for a in 0..<e.accountCount {
                for i in 0..<2 {
                    let g = e.triggerPrice(UInt32(a), instrument: i), b = e.triggerPriceByBisection(UInt32(a), instrument: i)
                    #expect(g?.price == b?.price && g?.long == b?.long)
                }
            }
        }
        #expect(compared > 300)
    }

    /// SplitMix64: a seeded, deterministic generator for the crash scenario.
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int64>) -> Int64 {
            range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound + 1))
        }
    }

    @Test func crashOfFortyPercent() {
        let v = TestVenue()
        var rng = SplitMix64(state: 20_260_101)
        let mm = v.open("mm", usd: "20000000")
        v.mark("50000")
        var longs: [AccountID] = []
        for n in 0..<40 {
            let deposit = rng.int(1_000...20_000)
            let a = v.open("long\(n)", usd: String(deposit))
            let lev = rng.int(2...25)
            v.run(.setLeverage(account: a, instrument: v.btc, leverage: lev))
            // Use most of the allowed leverage: notional ≈ 90% × deposit × leverage.
            let milli = max(1, (deposit * lev * 900) / 50_000)     // thousandths of BTC
            let q = FixedDecimal.format(milli, scale: DecimalScale(3))
            v.place(mm, .sell, q, at: "50000")
            let ev = v.place(a, .buy, q, at: "50000")
            #expect(ev.rejection == nil, "long\(n) \(q) at leverage \(lev)")
            longs.append(a)
        }
        var covered = Set<UInt32>()
        var liquidated = Set<UInt32>()
        func record(_ ev: [Event]) {
            for e in ev {
                switch e {
                case .liquidation(let l): liquidated.insert(l.account.index)
                case let .insurancePayout(a, _): covered.insert(a.index)
                case let .adl(a, _, _, _, _): covered.insert(a.index)
                case .posting(let p) where p.reason == .rounding:
                    if case let .clientCash(a, _) = v.engine.ledger.keys[Int(p.to)] { covered.insert(a) }
                default: break
                }
            }
            for a in 0..<v.engine.accountCount where v.engine.cash(AccountID(UInt32(a))) < 0 {
                #expect(covered.contains(UInt32(a)), "account \(a) has negative cash without an insurance or ADL entry")
            }
            let broken = v.engine.invariantViolations()
            #expect(broken.isEmpty, "\(broken)")
        }
        // 20 steps of 2% of the start: 50000 → 30000. At each step the market maker bids
        // a little below the mark (within the band), thin enough that some liquidations go
        // to the fund or to ADL.
        var price: Int64 = 50_000
        for step in 1...20 {
            let bidQty = FixedDecimal.format(rng.int(200...3_000), scale: DecimalScale(3))
            let bidPx = price - price / 100 - 500
            v.place(mm, .buy, bidQty, at: String(bidPx))
            price = 50_000 - Int64(step) * 1_000
            record(v.run(.markPrice(instrument: v.btc, price: v.px(String(price)))))
            record(v.run(.cancelAll(account: mm, instrument: v.btc)))
        }
        for a in 0..<v.engine.accountCount {
            let id = AccountID(UInt32(a))
            guard v.size(id) != 0 else { continue }
            let m = v.engine.marginSummary(id)
            #expect(m.equity >= m.maintenanceRequired || liquidated.contains(UInt32(a)), "account \(a)")
            #expect(v.cash(id) >= 0 || covered.contains(UInt32(a)))
        }
        #expect(!liquidated.isEmpty)
        #expect(v.engine.ledger.sum == 0)
        print("crash: \(liquidated.count) of \(longs.count) longs liquidated; \(covered.count) covered by the fund or ADL; fund \(fund(v))")
        // The incrementally kept index equals a full rebuild.
        let h = v.engine.stateHash()
        v.engine.rebuildLiquidationIndex()
        #expect(v.engine.stateHash() == h)
        _ = longs
    }
}
