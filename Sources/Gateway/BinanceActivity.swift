import Engine
import Foundation
import HarbourCore
import Matching
import Sequencer
import Synchronization

/// What the Binance compat layer must answer about orders and fills that the engine no
/// longer holds once they end (status, executed quantity, average price, fills), followed
/// from the host's durable outcomes since the gateway started. Older history comes from
/// the read model (`HistoryProvider`); this exists because the read model is projected
/// asynchronously, while a client that just placed an order expects `GET /fapi/v1/order`
/// and `userTrades` to show it at once. Bounded: the oldest ended orders and fills go first.
final class BinanceActivity: Sendable {
    struct Order: Sendable {
        let orderId: OrderID
        let account: AccountID
        let instrument: Int
        let side: Side
        let type: OrderType
        let timeInForce: TimeInForce
        var price: Int64
        var quantity: Int64
        let stopPrice: Int64
        let trigger: TriggerSource
        let reduceOnly: Bool
        let stp: SelfTradePrevention
        let clientOrderId: String?
        var executed: Int64 = 0
        /// Σ price × quantity of the fills, raw product units.
        var executedCost: Int128 = 0
        var status: String = "NEW"
        let time: Int64
        var updateTime: Int64
    }

    struct Fill: Sendable {
        let id: Int64
        let sequence: UInt64
        let orderId: OrderID
        let instrument: Int
        let side: Side
        let price: Int64
        let quantity: Int64
        let fee: Int64
        let maker: Bool
        let time: Int64
    }

    private struct State {
        var orders: [OrderID: Order] = [:]
        var byClientId: [String: OrderID] = [:]
        var fills: [AccountID: [Fill]] = [:]
        var firstSequence: UInt64?
        var progress = SequenceProgress()
    }

    static let maxOrders = 100_000
    static let maxFillsPerAccount = 5_000
    /// Trade ids are `sequence × tradeIdFactor + index of the trade in its command`.
    static let tradeIdFactor: Int64 = 100_000

    private let state = Mutex(State())

    /// Starts following `host` (until it shuts down).
    init(host: VenueHost) {
        let stream = host.subscribe()
        Task.detached { [self] in
            // Outcomes sequenced before the subscription never arrive: count them as taken
            // in, or a query right after a (re)start would wait for the next command.
            if let recovered = try? await host.read({ UInt64($0.commandCount) }) {
                let ready = self.state.withLock { $0.progress.advance(to: recovered) }
                for w in ready { w.resume() }
            }
            for await outcome in stream { self.apply(outcome) }
            let waiting = self.state.withLock { $0.progress.stop() }
            for w in waiting { w.resume() }
        }
    }

    /// Returns once every outcome up to `sequence` has been applied (or following stopped).
    func waitUntilProcessed(_ sequence: UInt64) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            if !state.withLock({ $0.progress.wait(for: sequence, c) }) { c.resume() }
        }
    }

    /// The first sequence this tracker saw (rows before it come from the read model).
    var firstSequence: UInt64? { state.withLock { $0.firstSequence } }

    func order(_ id: OrderID, account: AccountID) -> Order? {
        state.withLock { s in s.orders[id].flatMap { $0.account == account ? $0 : nil } }
    }

    func order(clientOrderId: String, account: AccountID) -> Order? {
        state.withLock { s in s.byClientId["\(account.index):\(clientOrderId)"].flatMap { s.orders[$0] } }
    }

    func orders(account: AccountID, instrument: Int) -> [Order] {
        state.withLock { s in s.orders.values.filter { $0.account == account && $0.instrument == instrument } }
            .sorted { $0.orderId < $1.orderId }
    }

    /// The account's most recent fills on an instrument (up to `maxFillsPerAccount` across instruments).
    func fills(account: AccountID, instrument: Int) -> [Fill] {
        state.withLock { s in (s.fills[account] ?? []).suffix(Self.maxFillsPerAccount).filter { $0.instrument == instrument } }
    }

    private func apply(_ outcome: CommandOutcome) {
        let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            if s.firstSequence == nil { s.firstSequence = outcome.sequence }
            let ts = outcome.timestamp
            var placed: PlaceOrder?
            if case .placeOrder(let p) = outcome.command { placed = p }
            var tradeIndex: Int64 = 0
            for e in outcome.events {
                switch e {
                case .accepted(let id, let account, let inst, let coid):
                    guard let p = placed, p.account == account, p.instrument == inst, s.orders[id] == nil else { break }
                    placed = nil
                    s.orders[id] = Order(orderId: id, account: account, instrument: Int(inst.index), side: p.side, type: p.type,
                                         timeInForce: p.timeInForce, price: p.price, quantity: p.quantity, stopPrice: p.stopPrice,
                                         trigger: p.trigger, reduceOnly: p.reduceOnly, stp: p.stp, clientOrderId: coid,
                                         time: ts, updateTime: ts)
                    if let coid { s.byClientId["\(account.index):\(coid)"] = id }
                case .trade(let t):
                    let id = Int64(outcome.sequence) * Self.tradeIdFactor + tradeIndex
                    tradeIndex += 1
                    for (orderId, account, maker) in [(t.makerOrderId, t.makerAccount, true), (t.takerOrderId, t.takerAccount, false)] {
                        if var o = s.orders[orderId] {
                            o.executed += t.quantity
                            o.executedCost += Int128(t.price) * Int128(t.quantity)
                            o.status = o.executed >= o.quantity ? "FILLED" : "PARTIALLY_FILLED"
                            o.updateTime = ts
                            s.orders[orderId] = o
                        }
                        // Appended in place (no copy of the list); trimmed in halves so a busy
                        // account costs amortised O(1) per fill.
                        s.fills[account, default: []].append(
                            Fill(id: id, sequence: outcome.sequence, orderId: orderId, instrument: Int(t.instrument.index),
                                 side: maker ? t.takerSide.opposite : t.takerSide, price: t.price, quantity: t.quantity,
                                 fee: maker ? t.makerFee : t.takerFee, maker: maker, time: ts))
                        if s.fills[account, default: []].count >= 2 * Self.maxFillsPerAccount {
                            s.fills[account, default: []].removeFirst(Self.maxFillsPerAccount)
                        }
                    }
                case .canceled(let end), .expired(let end):
                    if var o = s.orders[end.orderId], o.status != "FILLED" {
                        if case .canceled = e { o.status = "CANCELED" } else { o.status = "EXPIRED" }
                        o.updateTime = ts
                        s.orders[end.orderId] = o
                    }
                case .amended(let id, _, _, let price, let quantity, _):
                    if var o = s.orders[id] {
                        o.price = price
                        o.quantity = quantity
                        o.updateTime = ts
                        s.orders[id] = o
                    }
                default:
                    break
                }
            }
            if s.orders.count > Self.maxOrders { evict(&s) }
            return s.progress.advance(to: outcome.sequence)
        }
        for c in ready { c.resume() }
    }

    /// Drops the oldest ended orders down to 90% of the cap.
    private func evict(_ s: inout State) {
        let ended = s.orders.values.filter { $0.status != "NEW" && $0.status != "PARTIALLY_FILLED" }.map(\.orderId).sorted()
        for id in ended.prefix(s.orders.count - Self.maxOrders * 9 / 10) {
            if let o = s.orders.removeValue(forKey: id), let c = o.clientOrderId { s.byClientId["\(o.account.index):\(c)"] = nil }
        }
    }
}
