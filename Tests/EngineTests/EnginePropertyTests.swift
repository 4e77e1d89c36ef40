import HarbourCore
import Matching
import PropertyBased
import Testing
@testable import Engine

/// A small, fast, seeded generator (SplitMix64) so every failing stream can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random command streams against the reference model (PERP-2, PERP-3, RISK-2, RISK-5).
///
/// After every command: the same trades, acceptances, rejection codes and expiries as
/// the reference; the ledger sums to zero and the positions pool equals −Σ cost; an
/// order the engine accepted leaves its account within initial margin. Every 500
/// commands and at the end, the resting books are identical.
@Suite struct EnginePropertyTests {
    static let accounts = 16

    /// Runs one stream; returns the engine so callers can compare hashes.
    @discardableResult
    static func runStream(seed: UInt64, commands: Int) -> (Engine, [(Int64, Command)]) {
        var rng = SplitMix(state: seed)
        let engine = Engine()
        var log: [(Int64, Command)] = []
        var ts: Int64 = 1_767_225_600_000
        func send(_ c: Command) -> [Event] {
            ts += Int64.random(in: 0...3, using: &rng)
            log.append((ts, c))
            return engine.apply(c, timestamp: ts)
        }
        // Accounts: pairs 0/1, 2/3, 4/5 share an STP group; some are poorly funded.
        var groups: [UInt32] = []
        for a in 0..<accounts {
            _ = send(.openAccount(name: "acct\(a)", group: a < 6 ? "g\(a / 2)" : nil, feeTier: a % 5 == 0 ? "maker-rebate" : nil))
            for c in engine.applyOnboarding(of: AccountID(UInt32(a)), at: ts) { log.append((ts, c)) }
            let funds: Int64 = a % 4 == 3 ? 2_000_000_000 : 5_000_000_000_000
            _ = send(.deposit(account: AccountID(UInt32(a)), asset: "USD", amount: funds))
            groups.append(engine.group(of: AccountID(UInt32(a))))
        }
        let instruments = [InstrumentID(0), InstrumentID(1)]
        let center: [Int64] = [500_000, 300_000]     // BTC 50000.0, ETH 3000.00
        _ = send(.markPrice(instrument: instruments[0], price: center[0]))
        _ = send(.markPrice(instrument: instruments[1], price: center[1]))
        let reference = ReferenceVenue(specs: engine.config.instruments, groups: groups)
        reference.marks = [center[0], center[1]]
        var marks = center
        var liveIds: [OrderID] = []
        var coidCounter = 0
        var recentCoids: [[String]] = Array(repeating: [], count: accounts)

        for n in 0..<commands {
            let a = AccountID(UInt32(Int.random(in: 0..<accounts, using: &rng)))
            let ii = Int.random(in: 0..<100, using: &rng) < 70 ? 0 : 1
            let inst = instruments[ii]
            let spec = engine.spec(inst)
            let tick = spec.tickSize
            func nearPrice() -> Int64 { (marks[ii] / tick + Int64.random(in: -12...12, using: &rng)) * tick }
            func qty() -> Int64 {
                var q = Int64.random(in: 1...40, using: &rng) * spec.lotSize
                if Int.random(in: 0..<200, using: &rng) == 0 { q += 1 }                // off lot (lot is 1 raw unit → still on lot)
                if Int.random(in: 0..<300, using: &rng) == 0 { q = 0 }
                return q
            }
            func coid() -> String? {
                let r = Int.random(in: 0..<10, using: &rng)
                if r < 5 { return nil }
                if r == 9, let c = recentCoids[Int(a.index)].randomElement(using: &rng) { return c }
                coidCounter += 1
                let c = "c\(coidCounter)"
                recentCoids[Int(a.index)].append(c)
                if recentCoids[Int(a.index)].count > 20 { recentCoids[Int(a.index)].removeFirst() }
                return c
            }
            let side: Side = Bool.random(using: &rng) ? .buy : .sell
            let stpMode = SelfTradePrevention.allCases.randomElement(using: &rng)!
            let roll = Int.random(in: 0..<100, using: &rng)
            let command: Command
            switch roll {
            case 0..<38:
                let tif: TimeInForce = [.gtc, .gtc, .gtc, .gtc, .ioc, .fok, .postOnly].randomElement(using: &rng)!
                var price = nearPrice()
                if Int.random(in: 0..<150, using: &rng) == 0 { price += 1 }               // off tick (ETH tick 1 → on tick)
                if Int.random(in: 0..<150, using: &rng) == 0 { price = marks[ii] * 2 }    // outside the band
                command = .placeOrder(PlaceOrder(account: a, instrument: inst, side: side, type: .limit, timeInForce: tif,
                                                 price: price, quantity: qty(), reduceOnly: Int.random(in: 0..<10, using: &rng) == 0,
                                                 stp: stpMode, clientOrderId: coid()))
            case 38..<45:
                command = .placeOrder(PlaceOrder(account: a, instrument: inst, side: side, type: .market, timeInForce: .ioc,
                                                 quantity: qty(), reduceOnly: Int.random(in: 0..<4, using: &rng) == 0,
                                                 stp: stpMode, clientOrderId: coid()))
            case 45..<50:
                let type: OrderType = [.stopMarket, .stopLimit, .takeProfitMarket, .takeProfitLimit].randomElement(using: &rng)!
                let stop = nearPrice()
                command = .placeOrder(PlaceOrder(account: a, instrument: inst, side: side, type: type, timeInForce: .gtc,
                                                 price: type.hasLimitPrice ? nearPrice() : 0, quantity: qty(), stopPrice: stop,
                                                 trigger: .mark, reduceOnly: Bool.random(using: &rng), stp: stpMode, clientOrderId: coid()))
            case 50..<82:
                let ref: OrderRef
                if let c = recentCoids[Int(a.index)].randomElement(using: &rng), Bool.random(using: &rng) { ref = .client(c) }
                else { ref = .id(liveIds.randomElement(using: &rng) ?? 1) }
                command = .cancelOrder(account: a, instrument: inst, order: ref)
            case 82..<89:
                let id = liveIds.randomElement(using: &rng) ?? 1
                let p: Int64? = Bool.random(using: &rng) ? nearPrice() : nil
                let q: Int64? = (p == nil || Bool.random(using: &rng)) ? Int64.random(in: 1...40, using: &rng) * spec.lotSize : nil
                // Amend as the owner most of the time.
                var owner = a
                if Int.random(in: 0..<4, using: &rng) > 0, let slot = engine.book(inst).slot(of: id) { owner = AccountID(engine.book(inst)[slot].account) }
                command = .amendOrder(account: owner, instrument: inst, order: .id(id), price: p, quantity: q)
            case 89..<90:
                command = .cancelAll(account: a, instrument: nil)
            default:
                marks[ii] = max(center[ii] * 9 / 10, min(center[ii] * 11 / 10, marks[ii] + Int64.random(in: -8...8, using: &rng) * tick * 3))
                command = .markPrice(instrument: inst, price: marks[ii])
            }

            let events = send(command)
            var got = ReferenceVenue.Outcome()
            for e in events {
                switch e {
                case .trade(let t): got.trades.append([t.makerOrderId, t.takerOrderId, t.price, t.quantity])
                case .rejected(let r, _, _, _): got.rejections.append(r.code.rawValue)
                case .accepted(let id, _, _, _):
                    got.accepted.append(id)
                    liveIds.append(id)
                case .expired(let x): got.expiries.append("\(x.orderId):\(x.reason)")
                default: break
                }
            }
            // The oracle stream: one answer per pre-trade decision, in order.
            var expected = reference.apply(command, oracle: oracleAnswers(events))
            // Expiries within one command carry no order between them.
            got.expiries.sort()
            expected.expiries.sort()
            #expect(got == expected, "command \(n) (seed \(seed)): \(command)")
            if got != expected { break }

            let broken = engine.invariantViolations()
            #expect(broken.isEmpty, "command \(n) (seed \(seed)): \(broken)")
            if !broken.isEmpty { break }
            #expect(engine.ledger.sum == 0)
            var cost: Int128 = 0
            for x in 0..<accounts { for i in instruments { cost += Int128(engine.position(AccountID(UInt32(x)), i).cost) * Int128(engine.spec(i).productToAsset) } }
            #expect(Int128(engine.ledger.balance(engine.poolBook)) == -cost)
            if case .placeOrder(let o) = command, !o.reduceOnly, !o.type.isConditional, got.accepted.count == 1 {
                let m = engine.marginSummary(o.account)
                #expect(m.initialRequired <= m.equity, "accepted order left account short of margin at command \(n)")
            }
            if n % 500 == 0 || n == commands - 1 {
                for i in 0..<2 {
                    for s in [Side.buy, .sell] {
                        let mine = engine.book(instruments[i]).ordersInPriority(s).map { [$0.orderId, $0.price, $0.remaining] }
                        #expect(mine == reference.resting(i, s), "book \(i) \(s) differs at command \(n)")
                    }
                }
                liveIds = liveIds.filter { id in instruments.contains { engine.book($0).slot(of: id) != nil } }
            }
        }
        return (engine, log)
    }

    /// The engine's rejection codes keyed by order id (-1 for a new order's refusal).
    static func oracleAnswers(_ events: [Event]) -> [Int64: String] {
        var out: [Int64: String] = [:]
        for case .rejected(let r, _, let id, _) in events { out[id ?? -1] = r.code.rawValue }
        return out
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func randomStreamsMatchTheReference(seed: UInt64) {
        Self.runStream(seed: seed, commands: 30_000)
    }

    @Test func shortStreamsFromManySeeds() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...Int.max)) { seed in
            Self.runStream(seed: UInt64(seed), commands: 400)
        }
    }
}
