import CommandInput
import Foundation
import HarbourCore
import Ledger
import Matching
import Risk
import Testing
@testable import Engine

/// Shared helpers for the pricing and funding tests (PRICE-1..4).
enum PricingFixtures {
    /// 2026-01-01T00:00:00Z, a multiple of 8 hours since the epoch.
    static let t0: Int64 = 1_767_225_600_000

    /// The standard configuration with a funding interval and pricing overrides.
    static func config(fundingMinutes: Int = 480, pricing: String? = nil) -> VenueConfig {
        var json = VenueConfig.standardJSON.replacingOccurrences(of: "\"fundingIntervalMinutes\": 480",
                                                                 with: "\"fundingIntervalMinutes\": \(fundingMinutes)")
        if let pricing {
            json = json.replacingOccurrences(of: "\"symbol\": \"BTC-PERP\",", with: "\"symbol\": \"BTC-PERP\", \"pricing\": \(pricing),")
        }
        return try! VenueConfig.parse(Data(json.utf8))
    }
}

extension TestVenue {
    /// Runs `c` at exactly time `t`.
    @discardableResult
    func at(_ t: Int64, _ c: Command) -> [Event] {
        ts = t - 1
        return run(c)
    }

    @discardableResult
    func index(_ source: String, _ price: String, at t: Int64? = nil, _ i: InstrumentID? = nil) -> [Event] {
        let c = Command.indexPrice(instrument: i ?? btc, source: source, price: px(price, i))
        if let t { return at(t, c) }
        return run(c)
    }

    @discardableResult
    func tick(at t: Int64) -> [Event] { at(t, .tick) }
}

extension Array where Element == Event {
    var indexResults: [IndexResult] { compactMap { if case .index(_, let r) = $0 { return r } else { return nil } } }
    var fundings: [FundingEvent] { compactMap { if case .funding(let f) = $0 { return f } else { return nil } } }
    var statusChanges: [InstrumentStatus] { compactMap { if case .instrumentStatus(_, let s) = $0 { return s } else { return nil } } }
    var marks: [Int64] { compactMap { if case .mark(_, let p) = $0 { return p } else { return nil } } }
    var components: [MarkPriceComponents] { compactMap { if case .markComponents(_, let c) = $0 { return c } else { return nil } } }
    var interruptions: [VolatilityInterruptionEvent] {
        compactMap { if case .volatilityInterruption(let v) = $0 { return v } else { return nil } }
    }
    var resumed: Bool { contains { if case .volatilityResumed = $0 { return true } else { return false } } }
}

@Suite struct IndexAndMarkTests {
    typealias F = PricingFixtures

    @Test func defaultsAreDerivedWhenTheFileHasNoPricing() {
        let p = VenueConfig.standard.pricing[0]
        #expect(p.sources.map(\.name) == ["binance", "okx", "coinbase", "kraken"])
        #expect(p.sources.allSatisfy { $0.weight == 1 })
        #expect(p.staleAfterMs == 10_000 && p.maxDeviation == Rate(raw: 1_000_000) && p.minSources == 2)
        #expect(p.basisSamples == 60 && p.basisSampleIntervalMs == 1_000 && p.basisCap == Rate(raw: 500_000))
        #expect(p.premiumSampleIntervalMs == 60_000 && p.impactMargin == 200_000_000)
        #expect(p.fundingCap == Rate(raw: 750_000) && p.fundingFloor == Rate(raw: -750_000))
        let custom = F.config(pricing: #"{"indexSources":[{"name":"a","weight":2},{"name":"b"}],"minSources":1,"basisCap":"0.001"}"#)
        #expect(custom.pricing[0].sources == [IndexSource(name: "a", weight: 2), IndexSource(name: "b", weight: 1)])
        #expect(custom.pricing[0].minSources == 1 && custom.pricing[0].basisCap == Rate(raw: 100_000))
        #expect(custom.pricing[1] == PricingParameters.defaults(for: custom.instruments[1]))
    }

    /// PRICE-1: four sources, one stale and one deviating: the index is the weighted
    /// median (here the midpoint) of the two that remain.
    @Test func indexExcludesStaleAndOutlier() {
        let v = TestVenue()
        let t = F.t0 + 1_000
        v.index("kraken", "50005", at: t)                      // becomes stale
        #expect(!v.engine.isIndexDriven(v.btc))
        v.index("binance", "50000", at: t + 20_000)
        v.index("okx", "50020", at: t + 20_001)
        #expect(v.engine.isIndexDriven(v.btc))
        let ev = v.index("coinbase", "50900", at: t + 20_002)  // 1.78% from the others' median
        let r = ev.indexResults.last!
        #expect(r.status == .ok)
        #expect(r.price == Price(raw: 500_100))                 // (50000 + 50020) / 2
        #expect(r.sources[0].status == .used && r.sources[1].status == .used)
        guard case .deviating(let d, let m) = r.sources[2].status else { Issue.record("coinbase not deviating"); return }
        #expect(m == Price(raw: 500_100) && d > Rate(raw: 1_000_000))
        #expect(r.sources[3].status == .stale(ageMs: 20_002))
        #expect(v.engine.indexPrice(v.btc) == 500_100)
        // No basis samples yet: mark = index, set through the markPrice path.
        #expect(v.engine.marks[0] == 500_100)
        // Unknown source and bad price are refused and change nothing.
        let h = v.engine.stateHash()
        #expect(v.index("bitstamp", "50000", at: t + 20_002).rejection?.code == .unknownIndexSource)
        #expect(v.index("okx", "0", at: t + 20_002).rejection?.code == .invalidPrice)
        #expect(v.engine.stateHash() == h)
    }

    /// PRICE-1: too few fresh sources → index held, instrument cancel-only; healthy again →
    /// enabled. An operator's own status is never overridden.
    @Test func degradedIndexGoesCancelOnlyAndBack() {
        let v = TestVenue()
        let a = v.open("alice")
        let t = F.t0 + 1_000
        v.index("binance", "50000", at: t)
        v.index("okx", "50010", at: t + 1)
        #expect(v.engine.statuses[0] == .enabled)
        let ev = v.tick(at: t + 10_002)                        // both stale
        #expect(ev.statusChanges == [.cancelOnly])
        #expect(ev.indexResults.last?.status == .degraded)
        #expect(v.engine.indexPrice(v.btc) == 500_050)         // held
        #expect(v.engine.indexDegraded(v.btc))
        #expect(v.place(a, .buy, "0.01", at: "50000").rejection?.code == .instrumentCancelOnly)
        v.index("binance", "50100", at: t + 12_000)            // one source: still degraded
        #expect(v.engine.statuses[0] == .cancelOnly)
        let back = v.index("okx", "50100", at: t + 12_001)
        #expect(back.statusChanges == [.enabled])
        #expect(v.engine.indexPrice(v.btc) == 501_000)
        #expect(v.place(a, .buy, "0.01", at: "50000").rejection == nil)

        // Operator puts it cancel-only; a degrade and recovery leave that alone.
        v.at(t + 13_000, .setInstrumentStatus(instrument: v.btc, status: .cancelOnly))
        #expect(v.tick(at: t + 30_000).statusChanges.isEmpty)
        v.index("binance", "50100", at: t + 31_000)
        #expect(v.index("okx", "50100", at: t + 31_001).statusChanges.isEmpty)
        #expect(v.engine.statuses[0] == .cancelOnly)
    }

    /// PRICE-2: mark = index + moving average of (mid − index), clamped at 0.5% of the
    /// index; a mark change fires mark-triggered orders like the markPrice command.
    @Test func markIsIndexPlusClampedBasis() {
        let v = TestVenue()
        let mm = v.open("mm", usd: "1000000"), a = v.open("alice")
        v.mark("50000")                                        // orders need a mark before the index exists
        v.place(mm, .buy, "1", at: "50100")
        v.place(mm, .sell, "1", at: "50300")
        let stop = v.place(a, .buy, "0.001", type: .stopMarket, stop: "50150").acceptedId!
        let t = F.t0 + 1_000
        v.index("binance", "50000", at: t)
        let live = v.index("okx", "50000", at: t + 1)
        #expect(live.marks.isEmpty)                            // mark = index = 50000 already
        #expect(v.engine.markComponents(v.btc)?.sampleCount == 0)
        // One basis sample of mid − index = 50200 − 50000 = 200.
        let s1 = v.tick(at: t + 1_000)
        #expect(s1.components.last?.basisAverage == Price(raw: 2_000))
        #expect(s1.components.last?.clamped == false)
        #expect(s1.marks == [502_000])
        #expect(s1.triggeredIds == [stop])                     // mark-triggered, same path as markPrice
        // Wider ask: the next sample is 400; average 300 > cap 250 → clamped at 250.
        let asks = v.engine.restingOrders(account: mm, instrument: v.btc).filter { $0.side == .sell }
        v.run(.cancelOrder(account: mm, instrument: v.btc, order: .id(asks[0].orderId)))
        v.place(mm, .sell, "1", at: "50700")
        let s2 = v.tick(at: t + 2_000)
        let c = s2.components.last!
        #expect(c.sampleCount == 2 && c.basisAverage == Price(raw: 3_000) && c.basisApplied == Price(raw: 2_500) && c.clamped)
        #expect(v.engine.marks[0] == 502_500)
        // An explicit markPrice always sets the mark; the next sample replaces it.
        v.at(t + 2_100, .markPrice(instrument: v.btc, price: 505_000))
        #expect(v.engine.marks[0] == 505_000)
        v.index("binance", "50000", at: t + 2_500)             // index unchanged → mark from index again
        #expect(v.engine.marks[0] == 502_500)
    }

    /// PRICE-4: a mark move of more than 10% within 5 minutes pauses the instrument for
    /// 2 minutes, then it resumes by itself.
    @Test func volatilityInterruptionTripsAndResumes() {
        let v = TestVenue()
        let a = v.open("alice")
        var t = F.t0 + 1_000
        v.index("binance", "50000", at: t)
        v.index("okx", "50000", at: t + 1)
        v.tick(at: t + 1_000)
        // Sources climb in 0.9% steps (inside the deviation filter), one per second.
        var price: Int64 = 500_000
        var tripped: VolatilityInterruptionEvent?
        var k = 0
        while k < 40 {
            t += 1_000
            let ev = v.tick(at: t)                             // basis sample + volatility observation
            if let trip = ev.interruptions.first {
                #expect(ev.statusChanges == [.cancelOnly])
                tripped = trip
                break
            }
            #expect(ev.statusChanges.isEmpty)
            price = price * 1009 / 1000
            v.index(k % 2 == 0 ? "binance" : "okx", v.engine.spec(v.btc).priceString(price), at: t + 1)
            k += 1
        }
        guard let trip = tripped else { Issue.record("no interruption"); return }
        #expect(trip.from == 500_000)
        #expect(Int128(trip.to - trip.from) * 10 > Int128(trip.from))
        #expect(trip.untilMs == t + 120_000)
        #expect(trip.to == v.engine.marks[0])
        #expect(v.engine.statuses[0] == .cancelOnly)
        #expect(v.place(a, .buy, "0.01", at: "55000").rejection?.code == .instrumentCancelOnly)
        // Keep the feeds fresh during the cool-off; the pause holds until `untilMs`.
        var s = t + 1_000
        while s + 2 < trip.untilMs - 1 {
            let text = v.engine.spec(v.btc).priceString(v.engine.indexPrice(v.btc)!)
            v.index("binance", text, at: s); v.index("okx", text, at: s + 1)
            #expect(!v.tick(at: s + 2).resumed)
            s += 5_000
        }
        #expect(v.engine.statuses[0] == .cancelOnly)
        let text = v.engine.spec(v.btc).priceString(v.engine.indexPrice(v.btc)!)
        v.index("binance", text, at: trip.untilMs - 1)
        let end = v.index("okx", text, at: trip.untilMs)
        #expect(end.resumed)
        #expect(end.statusChanges == [.enabled])
        #expect(v.engine.volatilityPausedUntil(v.btc) == nil)
    }

    /// An operator's status set while the engine holds the instrument wins: recovery of
    /// the index then leaves the operator's status alone.
    @Test func operatorOverridesAnEngineHold() {
        let v = TestVenue()
        let t = F.t0 + 1_000
        v.index("binance", "50000", at: t)
        v.index("okx", "50000", at: t + 1)
        #expect(v.tick(at: t + 11_000).statusChanges == [.cancelOnly])
        v.at(t + 11_001, .setInstrumentStatus(instrument: v.btc, status: .disabled))
        v.index("binance", "50000", at: t + 12_000)
        #expect(v.index("okx", "50000", at: t + 12_001).statusChanges.isEmpty)
        #expect(v.engine.statuses[0] == .disabled)
    }

    /// examples/funding.jsonl: index feeds (one outlier), ticks and one funding settlement.
    @Test func exampleReplayFileSettlesFunding() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/funding.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        let engine = Engine()
        var fundings: [FundingEvent] = []
        var rejections = 0
        for line in text.split(separator: "\n") {
            let (ts, c) = try CommandDecoder().decode(line: String(line), engine: engine)
            let ev = engine.apply(c, timestamp: ts)
            fundings += ev.fundings
            if ev.rejection != nil { rejections += 1 }
            #expect(engine.ledger.sum == 0)
        }
        #expect(rejections == 0)
        #expect(fundings.count == 1)
        let f = fundings[0]
        #expect(f.fundingTime == 1_767_254_400_000 && f.mark == 502_001)
        #expect(f.payers.reduce(0) { $0 + $1.amount } - f.receivers.reduce(0) { $0 + $1.amount } == f.residue)
        #expect(engine.indexPrice(engine.instrumentID(symbol: "BTC-PERP")!) == 500_050)
    }

    /// PERP-5: time-driven work is deterministic; new commands survive both codecs.
    @Test func timeDrivenWorkIsDeterministic() throws {
        func run() -> (Engine, [(Int64, Command)]) {
            let v = TestVenue(config: F.config(fundingMinutes: 60))
            var log: [(Int64, Command)] = []
            func send(_ t: Int64, _ c: Command) { log.append((t, c)); v.at(t, c) }
            send(F.t0 + 1, .openAccount(name: "a", group: nil, feeTier: nil))
            send(F.t0 + 2, .openAccount(name: "b", group: nil, feeTier: nil))
            for a in 0..<2 {
                for c in Onboarding.individual(AccountID(UInt32(a)), name: a == 0 ? "a" : "b", engine: v.engine, at: F.t0 + 2) { send(F.t0 + 2, c) }
            }
            send(F.t0 + 3, .deposit(account: AccountID(0), asset: "USD", amount: 1_000_000_000_000))
            send(F.t0 + 4, .deposit(account: AccountID(1), asset: "USD", amount: 1_000_000_000_000))
            send(F.t0 + 5, .markPrice(instrument: v.btc, price: 500_000))
            send(F.t0 + 6, .placeOrder(PlaceOrder(account: AccountID(0), instrument: v.btc, side: .sell, price: 500_500, quantity: 1_000)))
            send(F.t0 + 7, .placeOrder(PlaceOrder(account: AccountID(1), instrument: v.btc, side: .buy, type: .limit, timeInForce: .ioc, price: 500_500, quantity: 300)))
            send(F.t0 + 8, .placeOrder(PlaceOrder(account: AccountID(1), instrument: v.btc, side: .buy, price: 499_000, quantity: 500)))
            var t = F.t0 + 1_000
            while t < F.t0 + 3_700_000 {
                send(t, .indexPrice(instrument: v.btc, source: "binance", price: 500_000 + (t / 1_000) % 7))
                send(t + 1, .indexPrice(instrument: v.btc, source: "okx", price: 500_003))
                send(t + 500, .tick)
                t += 5_000
            }
            return (v.engine, log)
        }
        let (a, log) = run()
        let (b, _) = run()
        #expect(a.stateHash() == b.stateHash())
        // Replay through both codecs into a fresh engine.
        let shadow = Engine(config: F.config(fundingMinutes: 60)), replayed = Engine(config: F.config(fundingMinutes: 60))
        var fundings = 0
        for (ts, c) in log {
            #expect(try CommandCodec.decode(CommandCodec.encode(c)) == c)
            let line = CommandEncoder().encode(c, timestamp: ts, engine: shadow)
            shadow.apply(c, timestamp: ts)
            let (dts, dc) = try CommandDecoder().decode(line: line, engine: replayed)
            #expect(dc == c && dts == ts)
            fundings += replayed.apply(dc, timestamp: dts).fundings.count
        }
        #expect(replayed.stateHash() == a.stateHash())
        #expect(fundings == 1)
        #expect(a.ledger.sum == 0)
    }
}
