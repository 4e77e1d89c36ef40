import HarbourCore
import Ledger
import Matching
import Testing
@testable import Engine

/// OPS-4: a snapshot restores an engine that cannot be told apart from the original —
/// the same state hash, the same snapshot bytes and the same events for every further
/// command — and damaged snapshots are refused with an error, never a trap.
@Suite struct SnapshotTests {
    typealias Log = [(Int64, Command)]

    /// Snapshot `a`, restore it and check the restored engine agrees on everything visible.
    static func restoreChecked(_ a: Engine, sourceLocation: SourceLocation = #_sourceLocation) throws -> Engine {
        let bytes = a.snapshot()
        let b = try Engine(snapshot: bytes, config: a.config)
        #expect(b.stateHash() == a.stateHash(), sourceLocation: sourceLocation)
        #expect(b.snapshot() == bytes, "snapshot → restore → snapshot changed the bytes", sourceLocation: sourceLocation)
        #expect(b.commandCount == a.commandCount && b.lastTimestamp == a.lastTimestamp && b.emitPostings == a.emitPostings,
                sourceLocation: sourceLocation)
        // Pricing, as far as queries and the derived due time show it.
        #expect(b.pricingNextDueMs == a.pricingNextDueMs && b.fundingClearingBook == a.fundingClearingBook,
                sourceLocation: sourceLocation)
        for i in 0..<a.config.instruments.count {
            let inst = InstrumentID(UInt16(i))
            #expect(b.indexResult(inst) == a.indexResult(inst) && b.indexPrice(inst) == a.indexPrice(inst)
                    && b.markComponents(inst) == a.markComponents(inst) && b.indexDegraded(inst) == a.indexDegraded(inst)
                    && b.isIndexDriven(inst) == a.isIndexDriven(inst) && b.nextFundingTime(inst) == a.nextFundingTime(inst)
                    && b.predictedFundingRate(inst) == a.predictedFundingRate(inst)
                    && b.currentPremium(inst) == a.currentPremium(inst)
                    && b.volatilityPausedUntil(inst) == a.volatilityPausedUntil(inst)
                    && b.pricing[i].engineHeld == a.pricing[i].engineHeld && b.statuses[i] == a.statuses[i],
                    "pricing of instrument \(i)", sourceLocation: sourceLocation)
        }
        for x in 0..<a.accountCount {
            let id = AccountID(UInt32(x))
            #expect(b.accountID(named: a.accountName(id)) == id, sourceLocation: sourceLocation)
            for i in 0..<a.config.instruments.count {
                let inst = InstrumentID(UInt16(i))
                #expect(b.restingOrders(account: id, instrument: inst).map(\.orderId)
                        == a.restingOrders(account: id, instrument: inst).map(\.orderId),
                        "owner-list order of account \(x) on instrument \(i)", sourceLocation: sourceLocation)
            }
        }
        return b
    }

    /// Applies `tail` to both engines; every command must give the same events.
    static func expectSameFuture(_ a: Engine, _ b: Engine, _ tail: ArraySlice<(Int64, Command)>, _ label: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        for (k, (ts, c)) in tail.enumerated() {
            let ea = a.apply(c, timestamp: ts)
            let eb = b.apply(c, timestamp: ts)
            if ea != eb {
                Issue.record("\(label): events differ at tail command \(k): \(c)\noriginal: \(ea)\nrestored: \(eb)",
                             sourceLocation: sourceLocation)
                return
            }
        }
        #expect(a.stateHash() == b.stateHash(), "\(label): final hash", sourceLocation: sourceLocation)
        #expect(a.snapshot() == b.snapshot(), "\(label): final snapshot", sourceLocation: sourceLocation)
    }

    /// Cuts `log` at random points; snapshot at the cut, restore, replay the tail on both.
    static func checkCuts(log: Log, seed: UInt64, cuts: Int, togglePostings: Bool = false) throws {
        var rng = SplitMix(state: seed ^ 0x5EED)
        for k in 0..<cuts {
            let cut = Int.random(in: 0...log.count, using: &rng)
            let a = Engine()
            if togglePostings { a.emitPostings = k % 2 == 0 }
            for (ts, c) in log[..<cut] { a.apply(c, timestamp: ts) }
            let b = try restoreChecked(a)
            expectSameFuture(a, b, log[cut...], "seed \(seed) cut \(cut)")
        }
    }

    // MARK: - Restored engines behave identically

    @Test func snapshotOfAnEmptyEngineRestores() throws {
        let a = Engine()
        let b = try Self.restoreChecked(a)
        #expect(b.accountCount == 0 && b.commandCount == 0 && b.lastTimestamp == .min)
        let (_, log) = EnginePropertyTests.runStream(seed: 5, commands: 300)
        Self.expectSameFuture(a, b, log[...], "empty")
    }

    @Test(arguments: [UInt64(1), 2, 3, 17, 2024])
    func restoredEngineGivesTheSameEvents(seed: UInt64) throws {
        let (_, log) = EnginePropertyTests.runStream(seed: seed, commands: 2500)
        try Self.checkCuts(log: log, seed: seed, cuts: 3)
    }

    /// What the reference streams never do: isolated margin, leverage changes, last-price
    /// triggers, instrument status, withdrawals, postings switched off.
    @Test(arguments: [UInt64(11), 12, 13])
    func featureStreamsRestoreExactly(seed: UInt64) throws {
        let (engine, log, stats) = Self.featureStream(seed: seed, commands: 2500)
        #expect(stats.lastTriggers > 0, "stream fired last-price conditionals")
        #expect(stats.isolatedPostings > 0, "stream used isolated margin")
        #expect(stats.reduceOnlyUpkeep > 0, "stream shrank or expired reduce-only orders")
        #expect(engine.ledger.sum == 0)
        try Self.checkCuts(log: log, seed: seed, cuts: 4, togglePostings: true)
    }

    /// The owner list of an account is not the book's FIFO: an amend moves an order to the
    /// front of its owner's list. Reduce-only upkeep walks that list, so its events come
    /// in that order; the restored engine must give them in the same order.
    @Test func ownerListOrderSurvivesRestore() throws {
        let v = TestVenue()
        let m = v.open("m", usd: "1000000"), x = v.open("x", usd: "1000000")
        v.mark("50000")
        v.place(x, .sell, "1", at: "50000")
        v.place(m, .buy, "1", at: "50000")
        #expect(v.size(m) == v.qty("1"))
        let ro1 = v.place(m, .sell, "0.6", at: "50100", reduceOnly: true).acceptedId!
        let ro2 = v.place(m, .sell, "0.6", at: "50200", reduceOnly: true).acceptedId!
        let ro3 = v.place(m, .sell, "0.6", at: "50300", reduceOnly: true).acceptedId!
        // Repricing ro1 re-inserts it: owner list ro1, ro3, ro2; the book ro1, ro2, ro3.
        v.run(.amendOrder(account: m, instrument: v.btc, order: .id(ro1), price: v.px("50150"), quantity: nil))
        #expect(v.engine.restingOrders(account: m, instrument: v.btc).map(\.orderId) == [ro1, ro3, ro2])
        #expect(v.engine.book(v.btc).ordersInPriority(.sell).map(\.orderId) == [ro1, ro2, ro3])

        let b = try Self.restoreChecked(v.engine)
        let tail: Log = [
            (v.ts + 1, .placeOrder(PlaceOrder(account: x, instrument: v.btc, side: .buy, price: v.px("49900"), quantity: v.qty("0.7")))),
            (v.ts + 2, .placeOrder(PlaceOrder(account: m, instrument: v.btc, side: .sell, price: v.px("49900"), quantity: v.qty("0.7")))),
        ]
        let events = b.apply(tail[0].1, timestamp: tail[0].0) + b.apply(tail[1].1, timestamp: tail[1].0)
        let shrunk = events.compactMap { e -> OrderID? in if case .amended(let id, _, _, _, _, _) = e { return id } else { return nil } }
        #expect(shrunk == [ro1, ro3, ro2], "reduce-only upkeep follows the owner list")
        let b2 = try Engine(snapshot: v.engine.snapshot(), config: v.engine.config)
        Self.expectSameFuture(v.engine, b2, tail[...], "owner list")
    }

    @Test func snapshotIsAFixedPointAndRestoresConditionalsOfBothSources() throws {
        let v = TestVenue()
        let a = v.open("a"), c = v.open("c", group: "g"), d = v.open("d", group: "g")
        v.mark("50000"); v.mark("3000", v.eth)
        v.place(a, .buy, "0.1", at: "49000", coid: "bid")
        v.place(c, .sell, "0.2", type: .stopMarket, stop: "49500", trigger: .mark, coid: "s1")
        v.place(d, .buy, "0.2", at: "51000", type: .stopLimit, stop: "50500", trigger: .last, coid: "s2")
        v.place(a, .sell, "1", at: "3100", type: .takeProfitLimit, stop: "3050", trigger: .last, on: v.eth)
        v.run(.setMarginMode(account: d, instrument: v.eth, isolated: true))
        v.run(.setLeverage(account: a, instrument: v.btc, leverage: 3))
        v.run(.setInstrumentStatus(instrument: v.eth, status: .cancelOnly))
        v.run(.cancelOrder(account: a, instrument: v.btc, order: .client("bid")))
        let b = try Self.restoreChecked(v.engine)
        let once = b.snapshot()
        let twice = try Engine(snapshot: once, config: b.config).snapshot()
        #expect(once == twice)
        #expect(b.conditionalsOf(account: d.index, instrument: v.btc.index).map(\.source) == [.last])
        #expect(b.conditionalsOf(account: c.index, instrument: v.btc.index).map(\.source) == [.mark])
        #expect(b.statuses[1] == .cancelOnly)
        #expect(b.position(d, v.eth).isolated && b.position(a, v.btc).leverage == 3)
        // The cancelled id stays remembered; the waiting ids stay live.
        let dup = b.apply(.placeOrder(PlaceOrder(account: a, instrument: v.btc, side: .buy, price: v.px("49000"),
                                                 quantity: v.qty("0.1"), clientOrderId: "bid")), timestamp: v.ts + 1)
        #expect(dup.rejection?.code == .duplicateClientOrderId)
        let tail: Log = [
            (v.ts + 2, .cancelOrder(account: c, instrument: v.btc, order: .client("s1"))),
            (v.ts + 3, .markPrice(instrument: v.btc, price: v.px("50400"))),
            (v.ts + 4, .placeOrder(PlaceOrder(account: a, instrument: v.btc, side: .sell, price: v.px("50600"), quantity: v.qty("0.3")))),
            (v.ts + 5, .placeOrder(PlaceOrder(account: c, instrument: v.btc, side: .buy, price: v.px("50600"), quantity: v.qty("0.1")))),
        ]
        let b2 = try Engine(snapshot: once, config: b.config)
        Self.expectSameFuture(v.engine, b2, tail[...], "conditionals")
    }

    // MARK: - Damaged snapshots are refused

    static func smallSnapshot() -> [UInt8] {
        let v = TestVenue()
        let a = v.open("a"), b = v.open("b", group: "g")
        v.mark("50000")
        v.place(a, .buy, "0.1", at: "49900", coid: "x1")
        v.place(b, .sell, "0.2", at: "50100", reduceOnly: false)
        v.place(b, .sell, "0.1", type: .stopMarket, stop: "49000", coid: "st")
        v.run(.setMarginMode(account: a, instrument: v.eth, isolated: true))
        return v.engine.snapshot()
    }

    @Test func everyTruncationIsRefused() throws {
        let bytes = Self.smallSnapshot()
        _ = try Engine(snapshot: bytes, config: .standard)
        for n in 0..<bytes.count {
            #expect(throws: Engine.SnapshotError.self, "truncated to \(n) of \(bytes.count) bytes") {
                _ = try Engine(snapshot: Array(bytes[..<n]), config: .standard)
            }
        }
        // Truncations that carry a valid checksum reach the decoder; it refuses them too.
        let content = bytes.count - Engine.snapshotChecksumSize
        for n in 6..<content {
            let sealed = Engine.resealSnapshot(Array(bytes[..<n]) + [UInt8](repeating: 0, count: Engine.snapshotChecksumSize))
            #expect(throws: Engine.SnapshotError.self, "resealed truncation to \(n)") {
                _ = try Engine(snapshot: sealed, config: .standard)
            }
        }
    }

    @Test func damagedBytesAreRefused() throws {
        let bytes = Self.smallSnapshot()
        for i in bytes.indices {
            var bad = bytes
            bad[i] ^= 0x20
            do {
                _ = try Engine(snapshot: bad, config: .standard)
                Issue.record("flipping byte \(i) was not detected")
            } catch {
                let expected: Engine.SnapshotError.Kind = i < 4 ? .badMagic : i < 6 ? .unsupportedVersion : .checksumMismatch
                #expect((error as? Engine.SnapshotError)?.kind == expected, "byte \(i): \(error)")
            }
        }
    }

    /// Damage behind a valid checksum (a bug, or a forged file) never traps: it is refused,
    /// or — where it is still a consistent state — restored faithfully.
    @Test func resealedDamageNeverTraps() throws {
        let bytes = Self.smallSnapshot()
        var refused = 0, restored = 0
        for i in 6..<(bytes.count - Engine.snapshotChecksumSize) {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var bad = bytes
                bad[i] ^= flip
                bad = Engine.resealSnapshot(bad)
                do {
                    let e = try Engine(snapshot: bad, config: .standard)
                    #expect(e.snapshot() == bad, "byte \(i) ^ \(flip) restored unfaithfully")
                    restored += 1
                } catch {
                    refused += 1
                }
            }
        }
        #expect(refused > restored)
        print("resealed single-byte damage: \(refused) refused, \(restored) restored faithfully (unhashed fields such as commandCount)")
    }

    @Test func wrongHeaderOrConfigurationIsRefused() throws {
        let bytes = Self.smallSnapshot()
        for v: UInt8 in [1, 2, 3, 4, 5, 6, 7, 9] {
            var version = bytes
            version[4] = v
            let e1 = #expect(throws: Engine.SnapshotError.self) { _ = try Engine(snapshot: Engine.resealSnapshot(version), config: .standard) }
            #expect(e1?.kind == .unsupportedVersion)
            #expect(e1?.description.contains("version \(v)") == true)
        }
        let e2 = #expect(throws: Engine.SnapshotError.self) { _ = try Engine(snapshot: Array("HBSX".utf8) + bytes[4...], config: .standard) }
        #expect(e2?.kind == .badMagic)
        let std = VenueConfig.standard
        let oneInstrument = VenueConfig(settlementAsset: std.settlementAsset, feeTiers: std.feeTiers,
                                        instruments: Array(std.instruments.prefix(1)), defaultLeverage: Array(std.defaultLeverage.prefix(1)))
        let otherMemory = VenueConfig(settlementAsset: std.settlementAsset, feeTiers: std.feeTiers, instruments: std.instruments,
                                      defaultLeverage: std.defaultLeverage, clientOrderIdMemory: 10)
        for config in [oneInstrument, otherMemory] {
            let e = #expect(throws: Engine.SnapshotError.self) { _ = try Engine(snapshot: bytes, config: config) }
            #expect(e?.kind == .configMismatch, "\(String(describing: e))")
        }
    }

    // MARK: - Cost

    @Test func snapshotTimingsFor100kCommands() throws {
        let (a, log) = EnginePropertyTests.runStream(seed: 4242, commands: 100_000)
        let clock = ContinuousClock()
        var bytes: [UInt8] = []
        var snapTimes: [Duration] = [], restoreTimes: [Duration] = []
        var b: Engine? = nil
        for _ in 0..<5 {
            snapTimes.append(clock.measure { bytes = a.snapshot() })
            try restoreTimes.append(clock.measure { b = try Engine(snapshot: bytes, config: a.config) })
        }
        let replay = clock.measure {
            let r = Engine()
            for (ts, c) in log { r.apply(c, timestamp: ts) }
        }
        #expect(b?.stateHash() == a.stateHash())
        let resting = (0..<2).reduce(0) { $0 + a.book(InstrumentID(UInt16($1))).orderCount }
        print("""
            snapshot of a \(log.count)-command state: \(bytes.count) bytes, \(a.accountCount) accounts, \(resting) resting orders, \
            \(a.ledger.keys.count) ledger books
            snapshot(): best \(snapTimes.min()!), median \(snapTimes.sorted()[2]); restore: best \(restoreTimes.min()!), \
            median \(restoreTimes.sorted()[2]); full journal replay of the same commands: \(replay)
            """)
    }

    // MARK: - Feature stream

    struct FeatureStats { var lastTriggers = 0, isolatedPostings = 0, reduceOnlyUpkeep = 0 }

    /// A seeded random stream over the commands and order kinds the reference streams
    /// leave out; it runs its own engine so amends and cancels name real orders.
    static func featureStream(seed: UInt64, commands: Int) -> (Engine, Log, FeatureStats) {
        var rng = SplitMix(state: seed)
        let engine = Engine()
        var log: Log = []
        var stats = FeatureStats()
        var ts: Int64 = 1_767_225_600_000
        var lastTriggerIds = Set<OrderID>()
        func send(_ c: Command) {
            ts += Int64.random(in: 0...2, using: &rng)
            log.append((ts, c))
            for e in engine.apply(c, timestamp: ts) {
                switch e {
                case .triggered(let id, _, _, _) where lastTriggerIds.contains(id): stats.lastTriggers += 1
                case .posting(let p) where p.reason == .isolatedMargin: stats.isolatedPostings += 1
                case .amended where !c.isAmend: stats.reduceOnlyUpkeep += 1
                case .expired(let end) where end.reason == "REDUCE_ONLY": stats.reduceOnlyUpkeep += 1
                default: break
                }
            }
        }
        let n = 8
        for a in 0..<n {
            send(.openAccount(name: "f\(a)", group: a < 4 ? "fg\(a / 2)" : nil, feeTier: a % 3 == 0 ? "vip1" : nil))
            for c in engine.applyOnboarding(of: AccountID(UInt32(a)), at: ts) { log.append((ts, c)) }
            send(.deposit(account: AccountID(UInt32(a)), asset: "USD", amount: 2_000_000_000_000))
            if a % 2 == 0 { send(.setMarginMode(account: AccountID(UInt32(a)), instrument: InstrumentID(0), isolated: true)) }
        }
        let center: [Int64] = [500_000, 300_000]
        var marks = center
        send(.markPrice(instrument: InstrumentID(0), price: center[0]))
        send(.markPrice(instrument: InstrumentID(1), price: center[1]))
        var coids: [[String]] = Array(repeating: [], count: n)
        var counter = 0
        for _ in 0..<commands {
            let ai = Int.random(in: 0..<n, using: &rng)
            let a = AccountID(UInt32(ai))
            let ii = Int.random(in: 0..<3, using: &rng) < 2 ? 0 : 1
            let inst = InstrumentID(UInt16(ii))
            let spec = engine.spec(inst)
            func near() -> Int64 { (marks[ii] / spec.tickSize + Int64.random(in: -10...10, using: &rng)) * spec.tickSize }
            func qty() -> Int64 { Int64.random(in: 1...30, using: &rng) * spec.lotSize }
            func coid() -> String? {
                guard Bool.random(using: &rng) else { return nil }
                counter += 1
                coids[ai].append("k\(counter)")
                if coids[ai].count > 30 { coids[ai].removeFirst() }
                return "k\(counter)"
            }
            let side: Side = Bool.random(using: &rng) ? .buy : .sell
            let position = engine.position(a, inst).size
            let reducing: Side = position > 0 ? .sell : .buy
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<30:
                let ro = position != 0 && Int.random(in: 0..<4, using: &rng) == 0
                send(.placeOrder(PlaceOrder(account: a, instrument: inst, side: ro ? reducing : side, price: near(),
                                            quantity: ro ? min(qty(), position.magnitude.asInt64) : qty(), reduceOnly: ro,
                                            stp: SelfTradePrevention.allCases.randomElement(using: &rng)!, clientOrderId: coid())))
            case 30..<38:
                send(.placeOrder(PlaceOrder(account: a, instrument: inst, side: side, type: .market, timeInForce: .ioc,
                                            quantity: qty(), clientOrderId: coid())))
            case 38..<50:
                let type: OrderType = [.stopMarket, .stopLimit, .takeProfitMarket, .takeProfitLimit].randomElement(using: &rng)!
                let trigger: TriggerSource = Bool.random(using: &rng) ? .last : .mark
                let ro = position != 0 && Bool.random(using: &rng)
                let before = engine.commandCount
                send(.placeOrder(PlaceOrder(account: a, instrument: inst, side: ro ? reducing : side, type: type, timeInForce: .gtc,
                                            price: type.hasLimitPrice ? near() : 0, quantity: qty(), stopPrice: near(),
                                            trigger: trigger, reduceOnly: ro, clientOrderId: coid())))
                if trigger == .last, engine.commandCount == before + 1, let id = engine.events.acceptedId { lastTriggerIds.insert(id) }
            case 50..<62:
                if let c = coids[ai].randomElement(using: &rng), Bool.random(using: &rng) {
                    send(.cancelOrder(account: a, instrument: inst, order: .client(c)))
                } else if let o = engine.restingOrders(account: a, instrument: inst).randomElement(using: &rng) {
                    send(.cancelOrder(account: a, instrument: inst, order: .id(o.orderId)))
                }
            case 62..<72:
                if let o = engine.restingOrders(account: a, instrument: inst).randomElement(using: &rng) {
                    let p: Int64? = Bool.random(using: &rng) ? near() : nil
                    let q: Int64? = p == nil || Bool.random(using: &rng) ? qty() : nil
                    send(.amendOrder(account: a, instrument: inst, order: .id(o.orderId), price: p, quantity: q))
                }
            case 72..<74: send(.cancelAll(account: a, instrument: Bool.random(using: &rng) ? inst : nil))
            case 74..<77: send(.setMarginMode(account: a, instrument: inst, isolated: Bool.random(using: &rng)))
            case 77..<80: send(.setLeverage(account: a, instrument: inst, leverage: Int64.random(in: 1...25, using: &rng)))
            case 80..<83:
                let st: InstrumentStatus = [.enabled, .enabled, .enabled, .cancelOnly, .disabled].randomElement(using: &rng)!
                send(.setInstrumentStatus(instrument: inst, status: st))
            case 83..<85: send(.withdraw(account: a, asset: "USD", amount: Int64.random(in: 1...1_000_000_000, using: &rng)))
            default:
                marks[ii] = max(center[ii] * 9 / 10, min(center[ii] * 11 / 10, marks[ii] + Int64.random(in: -6...6, using: &rng) * spec.tickSize * 4))
                send(.markPrice(instrument: inst, price: marks[ii]))
            }
        }
        return (engine, log, stats)
    }
}

private extension Command {
    var isAmend: Bool { if case .amendOrder = self { return true } else { return false } }
}

private extension UInt64 {
    var asInt64: Int64 { Int64(clamping: self) }
}

// MARK: - Pricing state (snapshot version 2)

extension SnapshotTests {
    /// BTC: 5-minute funding, premium every 5 s, a 10-sample basis, a 20% deviation filter
    /// (so a 12% jump of all sources passes and moves the mark), a 60 s volatility window
    /// and a 20 s cool-off. ETH keeps the defaults and 5-minute funding.
    static let pricingConfig = PricingFixtures.config(
        fundingMinutes: 5,
        pricing: #"{"maxDeviation":"0.2","premiumSampleIntervalMs":5000,"markBasisSamples":10,"volatilityWindowMs":60000,"volatilityCoolOffMs":20000}"#)

    struct PricingStats {
        var fundings = 0, fundingPayments = 0, interruptions = 0, resumes = 0, degraded = 0, engineHolds = 0
        var stale = 0, deviating = 0, operatorStatus = 0
    }

    struct PricingRun {
        let log: Log
        /// The events of every command of `log`, from the engine that generated it.
        let events: [[Event]]
        let final: Engine
        let stats: PricingStats
        /// Cut points (commands applied) at which BTC was in a volatility interruption, and
        /// at which the engine held BTC cancel-only.
        let pausedCuts: [Int]
        let heldCuts: [Int]
    }

    /// A seeded stream over index feeds (four sources: two regular, one that goes stale,
    /// one that deviates), ticks, a quoting market maker and trading accounts (positions,
    /// so funding moves money), occasional 12% jumps (volatility interruptions), feed gaps
    /// (degraded index → engine-held cancel-only), operator status changes and explicit
    /// marks. ETH gets a single source now and then: it stays mark-driven with a degraded
    /// index result.
    static func pricingStream(seed: UInt64, steps: Int) -> PricingRun {
        var rng = SplitMix(state: seed)
        let g = Engine(config: pricingConfig)
        let btc = g.instrumentID(symbol: "BTC-PERP")!, eth = g.instrumentID(symbol: "ETH-PERP")!
        let spec = g.spec(btc)
        var log: Log = [], recorded: [[Event]] = []
        var stats = PricingStats()
        var pausedCuts: [Int] = [], heldCuts: [Int] = []
        var t = PricingFixtures.t0 + 1_000
        func send(_ c: Command, after dt: Int64 = 1) {
            t += dt
            log.append((t, c))
            let ev = g.apply(c, timestamp: t)
            recorded.append(ev)
            for e in ev {
                switch e {
                case .funding(let f): stats.fundings += 1; stats.fundingPayments += f.payers.count + f.receivers.count
                case .volatilityInterruption: stats.interruptions += 1
                case .volatilityResumed: stats.resumes += 1
                case .index(_, let r):
                    if r.status == .degraded { stats.degraded += 1 }
                    for s in r.sources {
                        switch s.status {
                        case .stale: stats.stale += 1
                        case .deviating: stats.deviating += 1
                        default: break
                        }
                    }
                default: break
                }
            }
            if g.volatilityPausedUntil(btc) != nil { pausedCuts.append(log.count) }
            if g.pricing[Int(btc.index)].engineHeld { heldCuts.append(log.count); stats.engineHolds += 1 }
        }
        func tick(_ p: Int64) -> Int64 { max(spec.tickSize, p / spec.tickSize * spec.tickSize) }
        let mm = AccountID(0)
        for k in 0..<5 {
            send(.openAccount(name: k == 0 ? "mm" : "t\(k)", group: nil, feeTier: nil))
            for c in Onboarding.individual(AccountID(UInt32(k)), name: k == 0 ? "mm" : "t\(k)", engine: g, at: t) { send(c, after: 0) }
            send(.deposit(account: AccountID(UInt32(k)), asset: "USD", amount: k == 0 ? 100_000_000_000_000 : 1_000_000_000_000))
        }
        var level: Int64 = 500_000
        send(.markPrice(instrument: btc, price: level))
        send(.markPrice(instrument: eth, price: 30_000))
        for s in ["binance", "okx", "coinbase", "kraken"] { send(.indexPrice(instrument: btc, source: s, price: level)) }
        var gapUntil: Int64 = 0
        for _ in 0..<steps {
            t += Int64.random(in: 200...2_500, using: &rng)
            // The underlying: a small random walk, now and then a 12% jump.
            if Int.random(in: 0..<180, using: &rng) == 0 {
                level = tick(level * (Bool.random(using: &rng) ? 112 : 88) / 100)
            } else {
                level = tick(level + level * Int64.random(in: -10...10, using: &rng) / 10_000)
            }
            level = min(max(level, 300_000), 800_000)
            if Int.random(in: 0..<250, using: &rng) == 0 { gapUntil = t + Int64.random(in: 11_000...16_000, using: &rng) }
            if t >= gapUntil {
                for s in ["binance", "okx"] where Int.random(in: 0..<10, using: &rng) < 7 {
                    send(.indexPrice(instrument: btc, source: s, price: tick(level + level * Int64.random(in: -3...3, using: &rng) / 10_000)))
                }
                if Int.random(in: 0..<25, using: &rng) == 0 { send(.indexPrice(instrument: btc, source: "coinbase", price: level)) }
                if Int.random(in: 0..<6, using: &rng) == 0 {
                    let deviating = Bool.random(using: &rng)
                    send(.indexPrice(instrument: btc, source: "kraken", price: deviating ? tick(level * 13 / 10) : level))
                }
            }
            if Bool.random(using: &rng) { send(.tick) }
            let mark = g.marks[0]
            if Int.random(in: 0..<10, using: &rng) < 3 {
                send(.cancelAll(account: mm, instrument: btc))
                send(.placeOrder(PlaceOrder(account: mm, instrument: btc, side: .buy,
                                            price: tick(mark - mark * Int64.random(in: 2...40, using: &rng) / 10_000), quantity: 2_000)))
                send(.placeOrder(PlaceOrder(account: mm, instrument: btc, side: .sell,
                                            price: tick(mark + mark * Int64.random(in: 2...40, using: &rng) / 10_000), quantity: 2_000)))
            }
            if Int.random(in: 0..<10, using: &rng) < 3 {
                let a = AccountID(UInt32(Int.random(in: 1...4, using: &rng)))
                let buy = Bool.random(using: &rng)
                send(.placeOrder(PlaceOrder(account: a, instrument: btc, side: buy ? .buy : .sell, timeInForce: .ioc,
                                            price: tick(buy ? mark * 1005 / 1000 : mark * 995 / 1000),
                                            quantity: Int64.random(in: 1...300, using: &rng))))
            }
            switch Int.random(in: 0..<400, using: &rng) {
            case 0..<4: send(.markPrice(instrument: btc, price: tick(mark + mark * Int64.random(in: -20...20, using: &rng) / 10_000)))
            case 4..<6:
                stats.operatorStatus += 1
                send(.setInstrumentStatus(instrument: btc, status: Bool.random(using: &rng) ? .enabled : .cancelOnly))
            case 6..<26: send(.indexPrice(instrument: eth, source: "binance", price: 30_000 + Int64.random(in: -50...50, using: &rng)))
            default: break
            }
        }
        // Let the last interruption and gap run out.
        for _ in 0..<40 { send(.tick, after: 1_000) }
        return PricingRun(log: log, events: recorded, final: g, stats: stats, pausedCuts: pausedCuts, heldCuts: heldCuts)
    }

    /// Restores at each cut (commands applied in order on one engine, snapshotted at each
    /// cut) and applies the rest of the log to the restored engine: every command must give
    /// the events the original engine gave, and the end state must be the original's.
    static func checkCuts(_ run: PricingRun, cuts: [Int], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = Engine(config: pricingConfig)
        var applied = 0
        for cut in cuts.sorted() {
            while applied < cut { r.apply(run.log[applied].1, timestamp: run.log[applied].0); applied += 1 }
            let b = try restoreChecked(r, sourceLocation: sourceLocation)
            var same = true
            for k in cut..<run.log.count where same {
                let ev = b.apply(run.log[k].1, timestamp: run.log[k].0)
                if ev != run.events[k] {
                    Issue.record("cut \(cut): events differ at command \(k): \(run.log[k].1)\noriginal: \(run.events[k])\nrestored: \(ev)",
                                 sourceLocation: sourceLocation)
                    same = false
                }
            }
            #expect(b.stateHash() == run.final.stateHash(), "cut \(cut): final hash", sourceLocation: sourceLocation)
            #expect(b.snapshot() == run.final.snapshot(), "cut \(cut): final snapshot", sourceLocation: sourceLocation)
        }
    }

    static func tailHas(_ run: PricingRun, from cut: Int, _ match: (Event) -> Bool) -> Bool {
        run.events[cut...].contains { $0.contains(where: match) }
    }

    /// Random cuts through pricing streams, plus a cut inside a volatility interruption and
    /// one inside an engine-held cancel-only, each followed by a funding settlement and a
    /// volatility resume.
    @Test(arguments: [UInt64(21), 22, 23])
    func pricingStreamsRestoreExactly(seed: UInt64) throws {
        let run = Self.pricingStream(seed: seed, steps: 1_600)
        let s = run.stats
        #expect(s.fundings >= 5 && s.fundingPayments > 0, "\(s)")
        #expect(s.interruptions >= 1 && s.resumes >= 1, "\(s)")
        #expect(s.degraded > 0 && s.engineHolds > 0 && s.stale > 0 && s.deviating > 0, "\(s)")
        #expect(run.final.ledger.sum == 0)
        print("pricing stream \(seed): \(run.log.count) commands, \(s)")
        var rng = SplitMix(state: seed ^ 0xC0FFEE)
        var cuts = (0..<4).map { _ in Int.random(in: 0...run.log.count, using: &rng) }
        func isFunding(_ e: Event) -> Bool { if case .funding = e { return true } else { return false } }
        func isResume(_ e: Event) -> Bool { if case .volatilityResumed = e { return true } else { return false } }
        for candidates in [run.pausedCuts, run.heldCuts] {
            let good = candidates.filter { Self.tailHas(run, from: $0, isFunding) && Self.tailHas(run, from: $0, isResume) }
            #expect(!good.isEmpty, "no cut with a funding settlement and a resume after it")
            if let c = good.randomElement(using: &rng) { cuts.append(c) }
        }
        try Self.checkCuts(run, cuts: cuts)
    }

    /// A scripted cut in the middle of everything: BTC index-driven from four sources (one
    /// stale, one deviating), a premium accumulating, positions open, a volatility
    /// interruption in progress and the engine holding BTC cancel-only; ETH with a degraded
    /// single-source index. After the cut: the resume, a funding settlement that moves
    /// money, and trading again — identical on the restored engine.
    @Test func cutDuringInterruptionResumesAndSettlesIdentically() throws {
        let v = TestVenue(config: Self.pricingConfig)
        let mm = v.open("mm", usd: "1000000"), alice = v.open("alice"), bob = v.open("bob")
        let t0 = PricingFixtures.t0 + 60_000
        v.at(t0, .markPrice(instrument: v.btc, price: 500_000))
        v.place(mm, .buy, "1", at: "49990")
        v.place(mm, .sell, "1", at: "50020")
        v.place(alice, .buy, "0.01", at: "50020", tif: .ioc)
        v.place(bob, .sell, "0.004", at: "49990", tif: .ioc)
        v.index("kraken", "50000", at: t0 + 1_000)                       // goes stale
        v.index("binance", "50000", at: t0 + 20_000)
        v.index("okx", "50010", at: t0 + 20_001)
        v.index("coinbase", "65000", at: t0 + 20_002)                    // deviates (30%)
        v.index("binance", "50000", at: t0 + 20_003, v.eth)              // ETH: one source, degraded
        #expect(v.engine.isIndexDriven(v.btc) && !v.engine.isIndexDriven(v.eth))
        var t = t0 + 21_000
        for _ in 0..<10 { v.tick(at: t); t += 1_000 }
        // All sources jump 12%: the mark follows and the volatility guard trips.
        v.index("binance", "56000", at: t)
        v.index("okx", "56010", at: t + 1)
        v.index("coinbase", "56020", at: t + 2)
        let trip = v.tick(at: t + 1_000)
        #expect(trip.interruptions.count == 1 && trip.statusChanges == [.cancelOnly])
        #expect(v.engine.pricing[0].engineHeld && v.engine.volatilityPausedUntil(v.btc) != nil)
        let r = v.engine.indexResult(v.btc)!
        #expect(r.sources[3].status != .used)                           // kraken stale
        #expect(v.engine.currentPremium(v.btc).samples > 0)

        let b = try Self.restoreChecked(v.engine)
        let nextFunding = v.engine.nextFundingTime(v.btc)!
        var tail: Log = []
        var s = t + 2_000
        while s <= nextFunding + 2_000 {
            tail.append((s, .indexPrice(instrument: v.btc, source: "binance", price: 560_000)))
            tail.append((s + 1, .indexPrice(instrument: v.btc, source: "okx", price: 560_100)))
            tail.append((s + 2, .tick))
            s += 4_000
        }
        tail.append((s, .placeOrder(PlaceOrder(account: alice, instrument: v.btc, side: .buy, price: v.px("56000"), quantity: v.qty("0.001")))))
        var sawResume = false, sawEnabled = false, payments = 0
        for (ts, c) in tail {
            let ea = v.engine.apply(c, timestamp: ts), eb = b.apply(c, timestamp: ts)
            #expect(ea == eb, "events differ at \(ts): \(c)")
            if ea.resumed { sawResume = true }
            if ea.statusChanges.contains(.enabled) { sawEnabled = true }
            for f in ea.fundings { payments += f.payers.count + f.receivers.count }
        }
        #expect(sawResume && sawEnabled && payments > 0)
        #expect(b.stateHash() == v.engine.stateHash() && b.snapshot() == v.engine.snapshot())
    }

    /// A small snapshot with every piece of pricing state set (used by the damage tests).
    static func pricingSnapshot() -> [UInt8] {
        let run = pricingStream(seed: 99, steps: 150)
        return run.final.snapshot()
    }

    @Test func damagedPricingIsRefusedNeverTraps() throws {
        let bytes = Self.pricingSnapshot()
        _ = try Engine(snapshot: bytes, config: Self.pricingConfig)
        // Another pricing configuration (here: 8-hour funding) is refused as such.
        let e = #expect(throws: Engine.SnapshotError.self) { _ = try Engine(snapshot: bytes, config: PricingFixtures.config()) }
        #expect(e?.kind == .configMismatch)
        // Every resealed truncation and single-byte damage is refused or restored faithfully.
        let content = bytes.count - Engine.snapshotChecksumSize
        for n in 6..<content {
            let sealed = Engine.resealSnapshot(Array(bytes[..<n]) + [UInt8](repeating: 0, count: Engine.snapshotChecksumSize))
            #expect(throws: Engine.SnapshotError.self, "resealed truncation to \(n)") {
                _ = try Engine(snapshot: sealed, config: Self.pricingConfig)
            }
        }
        var refused = 0, restored = 0
        for i in 6..<content {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var bad = bytes
                bad[i] ^= flip
                bad = Engine.resealSnapshot(bad)
                do {
                    let e = try Engine(snapshot: bad, config: Self.pricingConfig)
                    #expect(e.snapshot() == bad, "byte \(i) ^ \(flip) restored unfaithfully")
                    restored += 1
                } catch {
                    refused += 1
                }
            }
        }
        #expect(refused > restored)
    }
}
