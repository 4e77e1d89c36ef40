import Compliance
import Engine
import HarbourCore
import Matching
import Surveillance
import Testing

/// 2026-01-01 00:00:00 UTC.
let day0: Int64 = 1_767_225_600_000
let hour: Int64 = 3_600_000
let minute: Int64 = 60_000
let usd: Int64 = 1_000_000
let btc = InstrumentID(0)
let eth = InstrumentID(1)

/// A bare engine with the projection behind it: every command goes to the engine, its
/// events to the projection, and the pair into `log` for replays.
final class SurveillanceVenue {
    let engine = Engine()
    let context: SurveillanceContext
    var projection: SurveillanceProjection
    private(set) var log: [(timestamp: Int64, command: Command, events: [Event])] = []
    /// When set, after every command the projected book top must equal the engine's.
    var checksBookTops = true

    init(owners: [String: String] = [:], marketMakers: [String: [MarketMakerTerms]] = [:],
         policy: SurveillancePolicy = SurveillancePolicy()) {
        context = SurveillanceContext(markets: engine.config.markets, owners: owners,
                                      marketMakers: marketMakers, policy: policy)
        projection = SurveillanceProjection(context: context)
    }

    @discardableResult
    func apply(_ command: Command, at timestamp: Int64) -> [Event] {
        let events = engine.apply(command, timestamp: timestamp)
        log.append((timestamp, command, events))
        projection.observe(timestamp: timestamp, command: command, events: events)
        if checksBookTops {
            for index in engine.config.markets.indices {
                let instrument = InstrumentID(UInt16(index))
                let projected = projection.book.top(instrument), actual = engineTop(instrument)
                #expect(projected == actual, "book top of \(instrument) after \(command) at \(timestamp)")
            }
        }
        return events
    }

    func engineTop(_ instrument: InstrumentID) -> BookTop {
        let book = engine.book(instrument)
        let bid = book.depth(.buy, limit: 1).first, ask = book.depth(.sell, limit: 1).first
        return BookTop(bid: bid?.price ?? 0, bidSize: bid?.quantity ?? 0, ask: ask?.price ?? 0, askSize: ask?.quantity ?? 0)
    }

    /// Places a BTC-PERP order; returns its id (the test fails if it was not accepted).
    @discardableResult
    func place(_ account: AccountID, _ side: Side, price: Int64, quantity: Int64,
               type: OrderType = .limit, tif: TimeInForce = .gtc, at timestamp: Int64) -> OrderID {
        place(account, btc, side, price: price, quantity: quantity, type: type, tif: tif, at: timestamp)
    }

    /// Places an order; returns its id (the test fails if it was not accepted).
    @discardableResult
    func place(_ account: AccountID, _ instrument: InstrumentID, _ side: Side, price: Int64, quantity: Int64,
               type: OrderType = .limit, tif: TimeInForce = .gtc, at timestamp: Int64) -> OrderID {
        let events = apply(.placeOrder(PlaceOrder(account: account, instrument: instrument, side: side, type: type,
                                                  timeInForce: tif, price: price, quantity: quantity)), at: timestamp)
        for event in events { if case .accepted(let id, _, _, _) = event { return id } }
        Issue.record("order not accepted: \(events)")
        return -1
    }

    func cancel(_ account: AccountID, _ order: OrderID, _ instrument: InstrumentID = btc, at timestamp: Int64) {
        apply(.cancelOrder(account: account, instrument: instrument, order: .id(order)), at: timestamp)
    }

    /// Two index sources at `price` (enough for the index: the instrument becomes index-driven).
    func feedIndex(_ price: Int64, instrument: InstrumentID = btc, at timestamp: Int64) {
        apply(.indexPrice(instrument: instrument, source: "binance", price: price), at: timestamp)
        apply(.indexPrice(instrument: instrument, source: "okx", price: price), at: timestamp)
    }

    var alerts: [RaisedAlert] { projection.alerts }
    func alerts(_ rule: SurveillanceAlert.Rule) -> [SurveillanceAlert] { projection.alerts.map(\.alert).filter { $0.rule == rule } }

    /// A fresh projection fed the same log.
    func replayed() -> SurveillanceProjection {
        var fresh = SurveillanceProjection(context: context)
        for entry in log { fresh.observe(timestamp: entry.timestamp, command: entry.command, events: entry.events) }
        return fresh
    }
}

/// The ONE way tests open an account: today `openAccount` and a deposit. When
/// professional-investor gating lands, the onboarding commands are added here.
@discardableResult
func openTradingAccount(_ venue: SurveillanceVenue, _ name: String, group: String? = nil, ts: Int64,
                        deposit: Int64 = 50_000_000 * usd) -> AccountID {
    venue.apply(.openAccount(name: name, group: group, feeTier: nil), at: ts)
    guard let id = venue.engine.accountID(named: name) else {
        Issue.record("account \(name) was not opened")
        return AccountID(0)
    }
    for command in Onboarding.individual(id, name: name, engine: venue.engine, at: ts) { venue.apply(command, at: ts) }
    venue.apply(.deposit(account: id, asset: "USD", amount: deposit), at: ts)
    return id
}

func terms(_ symbol: String = "BTC-PERP", maxSpreadBps: Int64 = 50, minSize: Int64 = 1_000) -> MarketMakerTerms {
    try! MarketMakerTerms(symbol: symbol, maxSpreadBps: maxSpreadBps, minSize: minSize)
}
