import HarbourCore
import Matching
import Testing
@testable import Engine

/// A scenario driver around a fresh engine: human-readable amounts in, events out,
/// and the venue-wide invariants checked after every command.
final class TestVenue {
    let engine: Engine
    var ts: Int64 = 1_767_225_600_000
    let btc: InstrumentID
    let eth: InstrumentID

    init(config: VenueConfig = .standard) {
        engine = Engine(config: config)
        btc = engine.instrumentID(symbol: "BTC-PERP")!
        eth = engine.instrumentID(symbol: "ETH-PERP")!
    }

    @discardableResult
    func run(_ c: Command) -> [Event] {
        ts += 1
        let ev = engine.apply(c, timestamp: ts)
        checkInvariants()
        return ev
    }

    /// Ledger sums to zero; the positions pool equals −Σ position cost (exact PnL).
    func checkInvariants(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(engine.ledger.sum == 0, sourceLocation: sourceLocation)
        var cost: Int128 = 0
        for a in 0..<engine.accountCount {
            for i in [btc, eth] {
                cost += Int128(engine.position(AccountID(UInt32(a)), i).cost) * Int128(engine.spec(i).productToAsset)
            }
        }
        #expect(Int128(engine.ledger.balance(engine.poolBook)) == -cost, sourceLocation: sourceLocation)
    }

    @discardableResult
    func open(_ name: String, usd: String = "100000", group: String? = nil, feeTier: String? = nil) -> AccountID {
        run(.openAccount(name: name, group: group, feeTier: feeTier))
        let id = engine.accountID(named: name)!
        engine.applyOnboarding(of: id, at: ts)
        if usd != "0" { run(.deposit(account: id, asset: "USD", amount: try! FixedDecimal.parse(usd, scale: DecimalScale(6)))) }
        return id
    }

    func mark(_ price: String, _ i: InstrumentID? = nil) {
        let inst = i ?? btc
        run(.markPrice(instrument: inst, price: px(price, inst)))
    }

    func px(_ s: String, _ i: InstrumentID? = nil) -> Int64 { try! FixedDecimal.parse(s, scale: engine.spec(i ?? btc).priceScale) }
    func qty(_ s: String, _ i: InstrumentID? = nil) -> Int64 { try! FixedDecimal.parse(s, scale: engine.spec(i ?? btc).sizeScale) }
    func usd(_ s: String) -> Int64 { try! FixedDecimal.parse(s, scale: DecimalScale(6)) }

    @discardableResult
    func place(_ a: AccountID, _ side: Side, _ q: String, at price: String? = nil, type: OrderType = .limit,
               tif: TimeInForce = .gtc, stop: String? = nil, trigger: TriggerSource = .mark, reduceOnly: Bool = false,
               stp: SelfTradePrevention = .expireTaker, coid: String? = nil, on i: InstrumentID? = nil) -> [Event] {
        let inst = i ?? btc
        return run(.placeOrder(PlaceOrder(account: a, instrument: inst, side: side, type: type, timeInForce: tif,
                                          price: price.map { px($0, inst) } ?? 0, quantity: qty(q, inst),
                                          stopPrice: stop.map { px($0, inst) } ?? 0, trigger: trigger,
                                          reduceOnly: reduceOnly, stp: stp, clientOrderId: coid)))
    }

    func size(_ a: AccountID, _ i: InstrumentID? = nil) -> Int64 { engine.position(a, i ?? btc).size }
    func cash(_ a: AccountID) -> Int64 { engine.cash(a) }
}

extension Array where Element == Event {
    var trades: [Trade] { compactMap { if case .trade(let t) = $0 { return t } else { return nil } } }
    var rejection: Rejection? {
        for e in self { if case .rejected(let r, _, _, _) = e { return r } }
        return nil
    }
    var acceptedId: OrderID? {
        for e in self { if case .accepted(let id, _, _, _) = e { return id } }
        return nil
    }
    var expiries: [OrderEnd] { compactMap { if case .expired(let x) = $0 { return x } else { return nil } } }
    var cancels: [OrderEnd] { compactMap { if case .canceled(let x) = $0 { return x } else { return nil } } }
    var triggeredIds: [OrderID] { compactMap { if case .triggered(let id, _, _, _) = $0 { return id } else { return nil } } }
}
