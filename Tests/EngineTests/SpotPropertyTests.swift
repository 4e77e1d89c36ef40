import HarbourCore
import Ledger
import Matching
import Testing
@testable import Engine

/// SPOT-1 property test: random spot orders (every time in force, market orders, stop and
/// take-profit orders on the last trade, STP modes, fee tiers with rebates), cancels,
/// deposits and withdrawals on both spot markets, against a simple reference of what each
/// account must hold.
///
/// After every command: every asset's books sum to zero; every lock equals what the
/// account's open spot orders need (`invariantViolations`); no cash book of a spot asset
/// is negative; and each account's total of every asset (free + locked) equals the
/// reference — deposits − withdrawals ± what its trades delivered and paid, minus fees —
/// computed only from the accepted commands and the trade events.
@Suite struct SpotPropertyTests {
    @Test(arguments: [UInt64(11), 12, 13])
    func randomSpotStreamsKeepEveryAssetExact(seed: UInt64) {
        var rng = SplitMix(state: seed)
        let engine = Engine()
        var ts: Int64 = 1_767_225_600_000
        let accounts = 8
        let markets = ["BTC-USD", "ETH-USD"].map { engine.instrumentID(symbol: $0)! }
        let specs = markets.map { engine.config.spotMarket($0)! }
        let centers: [Int64] = [600_000, 300_000]          // 60,000.0 and 3,000.00
        var expected: [String: [Int128]] = ["USD": [], "BTC": [], "ETH": []]
        for k in expected.keys { expected[k] = Array(repeating: 0, count: accounts) }
        func send(_ c: Command) -> [Event] {
            ts += Int64.random(in: 0...2, using: &rng)
            let events = engine.apply(c, timestamp: ts)
            let refused = events.count == 1 && { if case .rejected = events[0] { return true } else { return false } }()
            if !refused {
                switch c {
                case let .deposit(a, asset, amount): expected[asset]![Int(a.index)] += Int128(amount)
                case let .withdraw(a, asset, amount): expected[asset]![Int(a.index)] -= Int128(amount)
                default: break
                }
            }
            for case .trade(let t) in events {
                guard let m = markets.firstIndex(of: t.instrument) else { continue }
                let ms = specs[m]
                let buyer = t.takerSide == .buy ? t.takerAccount : t.makerAccount
                let seller = t.takerSide == .buy ? t.makerAccount : t.takerAccount
                let notional = Int128(t.price) * Int128(t.quantity) * Int128(ms.quoteFactor)
                let delivered = Int128(t.quantity) * Int128(ms.baseFactor)
                expected[ms.base.code]![Int(buyer.index)] += delivered
                expected[ms.base.code]![Int(seller.index)] -= delivered
                expected["USD"]![Int(buyer.index)] -= notional
                expected["USD"]![Int(seller.index)] += notional
                expected["USD"]![Int(t.makerAccount.index)] -= Int128(t.makerFee)
                expected["USD"]![Int(t.takerAccount.index)] -= Int128(t.takerFee)
            }
            return events
        }
        for a in 0..<accounts {
            _ = send(.openAccount(name: "s\(a)", group: a < 2 ? "pair" : nil, feeTier: a % 3 == 0 ? "maker-rebate" : nil))
            let id = AccountID(UInt32(a))
            _ = engine.applyOnboarding(of: id, at: ts)
            _ = send(.deposit(account: id, asset: "USD", amount: a == 7 ? 50_000_000 : 2_000_000_000_000))
            _ = send(.deposit(account: id, asset: "BTC", amount: 500_000_000))
            _ = send(.deposit(account: id, asset: "ETH", amount: 5_000_000_000))
        }
        var open: [(AccountID, InstrumentID, OrderID)] = []
        var trades = 0, refusals = 0, amends = 0, amended = 0, triggered = 0
        for _ in 0..<4_000 {
            let a = AccountID(UInt32(Int.random(in: 0..<accounts, using: &rng)))
            let m = Int.random(in: 0..<2, using: &rng)
            let spec = specs[m].market
            let roll = Int.random(in: 0..<100, using: &rng)
            let command: Command
            if roll < 8 {
                // A stop or take-profit on the last trade, a few ticks either side of the centre.
                let type: OrderType = [.stopMarket, .stopLimit, .takeProfitMarket, .takeProfitLimit][Int.random(in: 0..<4, using: &rng)]
                let stop = centers[m] + Int64.random(in: -30...30, using: &rng) * spec.tickSize * (m == 0 ? 50 : 20)
                let limit = type.hasLimitPrice ? centers[m] + Int64.random(in: -40...40, using: &rng) * spec.tickSize * (m == 0 ? 50 : 20) : 0
                command = .placeOrder(PlaceOrder(account: a, instrument: markets[m], side: Bool.random(using: &rng) ? .buy : .sell,
                                                 type: type, timeInForce: type.hasLimitPrice ? .gtc : .ioc, price: limit,
                                                 quantity: Int64.random(in: 1...20_000, using: &rng) * spec.lotSize,
                                                 stopPrice: stop, trigger: .last))
            } else if roll < 70 {
                let offset = Int64.random(in: -40...40, using: &rng) * spec.tickSize * (m == 0 ? 50 : 20)
                let lots = Int64.random(in: 1...(roll < 5 ? 2_000_000 : 20_000), using: &rng)
                let kind = Int.random(in: 0..<10, using: &rng)
                let tif: TimeInForce = [.gtc, .gtc, .gtc, .gtc, .ioc, .fok, .postOnly, .gtc, .gtc, .gtc][kind]
                let stp: SelfTradePrevention = [.expireTaker, .expireMaker, .expireBoth][Int.random(in: 0..<3, using: &rng)]
                command = .placeOrder(PlaceOrder(account: a, instrument: markets[m], side: Bool.random(using: &rng) ? .buy : .sell,
                                                 type: kind == 9 ? .market : .limit, timeInForce: kind == 9 ? .ioc : tif,
                                                 price: kind == 9 ? 0 : centers[m] + offset,
                                                 quantity: lots * spec.lotSize, stp: stp))
            } else if roll < 80, !engine.restingOrders(account: a, instrument: markets[m]).isEmpty {
                // An amend of one of the account's resting orders: a new price, a new quantity or both.
                let resting = engine.restingOrders(account: a, instrument: markets[m])
                let (owner, instrument, id) = (a, markets[m], resting[Int.random(in: 0..<resting.count, using: &rng)].orderId)
                let k = m, spec = specs[k].market
                let newPrice: Int64? = Bool.random(using: &rng)
                    ? centers[k] + Int64.random(in: -40...40, using: &rng) * spec.tickSize * (k == 0 ? 50 : 20) : nil
                let newQuantity: Int64? = newPrice == nil || Bool.random(using: &rng) ? Int64.random(in: 1...20_000, using: &rng) * spec.lotSize : nil
                command = .amendOrder(account: owner, instrument: instrument, order: .id(id), price: newPrice, quantity: newQuantity)
                amends += 1
            } else if roll < 85, !open.isEmpty {
                let k = Int.random(in: 0..<open.count, using: &rng)
                let (owner, instrument, id) = open.remove(at: k)
                command = .cancelOrder(account: owner, instrument: instrument, order: .id(id))
            } else if roll < 88 {
                command = .cancelAll(account: a, instrument: Bool.random(using: &rng) ? markets[m] : nil)
            } else if roll < 94 {
                let asset = ["USD", "BTC", "ETH"][Int.random(in: 0..<3, using: &rng)]
                command = .withdraw(account: a, asset: asset, amount: Int64.random(in: 1...300_000_000, using: &rng))
            } else {
                let asset = ["BTC", "ETH"][Int.random(in: 0..<2, using: &rng)]
                command = .deposit(account: a, asset: asset, amount: Int64.random(in: 1...100_000_000, using: &rng))
            }
            let events = send(command)
            for e in events {
                switch e {
                case let .accepted(id, owner, instrument, _): open.append((owner, instrument, id))
                case .trade: trades += 1
                case .rejected: refusals += 1
                case .amended: amended += 1
                case .triggered: triggered += 1
                default: break
                }
            }
            let problems = engine.invariantViolations()
            #expect(problems == [], "after \(command)")
            if !problems.isEmpty { return }
        }
        for a in 0..<accounts {
            let id = AccountID(UInt32(a))
            for asset in ["USD", "BTC", "ETH"] {
                let held = Int128(engine.balance(id, asset: asset)) + Int128(engine.locked(id, asset: asset))
                #expect(held == expected[asset]![a], "account \(a) \(asset)")
                #expect(engine.balance(id, asset: asset) >= 0)
            }
        }
        // The stream exercised matching and refusals (a generator that never trades proves nothing).
        #expect(trades > 300 && refusals > 50)
        #expect(amends > 100 && amended > 50, "amends tried \(amends), accepted \(amended)")
        #expect(triggered > 20, "stops triggered \(triggered)")
    }
}
