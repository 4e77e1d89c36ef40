import CommandInput
import Foundation
import Engine
import HarbourCore
import Ledger
import Matching
import ReadModel

/// Drives a real engine and records each command's outcome exactly as the venue
/// publishes it: the command and its events rendered by `CommandEncoder` / `EventEncoder`.
final class Scenario {
    let engine = Engine()
    var sequence: UInt64 = 0
    var ts: Int64 = 1_767_225_600_000
    var outcomes: [ProjectedOutcome] = []
    /// Raw engine events per outcome, with the outcome's timestamp (the ground truth).
    var history: [(ts: Int64, events: [Event])] = []
    let btc: InstrumentID
    let eth: InstrumentID

    init() {
        btc = engine.instrumentID(symbol: "BTC-PERP")!
        eth = engine.instrumentID(symbol: "ETH-PERP")!
    }

    @discardableResult
    func run(_ c: Command, advance: Int64 = 1_000) -> [Event] {
        ts += advance
        sequence += 1
        let line = CommandEncoder().encode(c, timestamp: ts, engine: engine)
        let events = engine.apply(c, timestamp: ts)
        let enc = EventEncoder()
        let lines = events.map { enc.encode($0, seq: Int64(sequence), engine: engine) }
        outcomes.append(ProjectedOutcome(sequence: sequence, timestamp: ts, commandLine: line, eventLines: lines))
        history.append((ts, events))
        return events
    }

    /// Applies one command given as replay fields at `ts` (the path the journal and the
    /// gateway use: `CommandDecoder`), recorded like `run`.
    @discardableResult
    func runLine(_ ts: Int64, _ type: String, _ fields: [String: Any] = [:]) -> [Event] {
        var object = fields
        object["type"] = type
        object["ts"] = ts
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let (_, command) = try! CommandDecoder().decode(line: String(decoding: data, as: UTF8.self), engine: engine)
        self.ts = ts
        return run(command, advance: 0)
    }

    /// Publishes `events` as the next outcome without a command, rendered by the real
    /// `EventEncoder` (for events this engine version does not produce by itself yet).
    func publish(_ events: [Event], advance: Int64 = 1_000) {
        ts += advance
        sequence += 1
        let enc = EventEncoder()
        outcomes.append(ProjectedOutcome(sequence: sequence, timestamp: ts, commandLine: nil,
                                         eventLines: events.map { enc.encode($0, seq: Int64(sequence), engine: engine) }))
        history.append((ts, events))
    }

    @discardableResult
    func open(_ name: String, usd: String = "100000", feeTier: String? = nil) -> AccountID {
        run(.openAccount(name: name, group: nil, feeTier: feeTier))
        let id = engine.accountID(named: name)!
        for c in Onboarding.individual(id, name: name, engine: engine, at: ts) { run(c) }
        if usd != "0" { deposit(id, usd) }
        return id
    }

    func deposit(_ a: AccountID, _ amount: String) { run(.deposit(account: a, asset: "USD", amount: usd(amount))) }
    func withdraw(_ a: AccountID, _ amount: String) { run(.withdraw(account: a, asset: "USD", amount: usd(amount))) }

    func mark(_ price: String, _ i: InstrumentID? = nil) {
        let inst = i ?? btc
        run(.markPrice(instrument: inst, price: px(price, inst)))
    }

    func px(_ s: String, _ i: InstrumentID? = nil) -> Int64 { try! FixedDecimal.parse(s, scale: engine.spec(i ?? btc).priceScale) }
    func qty(_ s: String, _ i: InstrumentID? = nil) -> Int64 { try! FixedDecimal.parse(s, scale: engine.spec(i ?? btc).sizeScale) }
    func usd(_ s: String) -> Int64 { try! FixedDecimal.parse(s, scale: DecimalScale(6)) }
    func money(_ raw: Int64) -> String { FixedDecimal.format(raw, scale: DecimalScale(6)) }

    /// Places an order; returns the engine's order id if accepted.
    @discardableResult
    func place(_ a: AccountID, _ side: Side, _ q: String, at price: String? = nil, type: OrderType = .limit,
               tif: TimeInForce = .gtc, stop: String? = nil, coid: String? = nil, on i: InstrumentID? = nil, advance: Int64 = 1_000) -> Int64? {
        let inst = i ?? btc
        let ev = run(.placeOrder(PlaceOrder(account: a, instrument: inst, side: side, type: type, timeInForce: tif,
                                            price: price.map { px($0, inst) } ?? 0, quantity: qty(q, inst),
                                            stopPrice: stop.map { px($0, inst) } ?? 0, clientOrderId: coid)), advance: advance)
        for e in ev { if case let .accepted(id, _, _, _) = e { return Int64(id) } }
        return nil
    }

    func cancel(_ a: AccountID, _ id: Int64, on i: InstrumentID? = nil) {
        run(.cancelOrder(account: a, instrument: i ?? btc, order: .id(OrderID(id))))
    }

    /// The ledger's own view of an account's cash flows in [from, to): per reason, the
    /// signed amount into the account's cash book (raw units), from the engine's postings.
    func cashFlows(_ a: AccountID, from: Int64, to: Int64) -> [PostingReason: Int64] {
        let book = engine.ledger.existingBook(.clientCash(account: a.index, asset: "USD"))!
        var flows: [PostingReason: Int64] = [:]
        for (t, events) in history where t >= from && t < to {
            for case let .posting(p) in events where p.from != p.to && (p.from == book || p.to == book) {
                flows[p.reason, default: 0] += p.to == book ? p.amount : -p.amount
            }
        }
        return flows
    }

    /// Fees the engine charged an account in [from, to), from its trade events.
    func tradeFees(_ a: AccountID, from: Int64, to: Int64) -> Int64 {
        var fee: Int64 = 0
        for (t, events) in history where t >= from && t < to {
            for case let .trade(tr) in events {
                if tr.makerAccount == a { fee += tr.makerFee }
                if tr.takerAccount == a { fee += tr.takerFee }
            }
        }
        return fee
    }
}
