import HarbourCore

/// The open orders of the venue, rebuilt from commands and events alone (no read of the
/// engine), so the projection can run on a journal replay or behind the live sequencer
/// where the engine has already moved on.
///
/// An order enters when it is `accepted` (side, price and size come from the `placeOrder`
/// command that produced it), a conditional one waits until `triggered`; trades reduce both
/// sides, an amend sets price and total size, a cancel or expiry removes it, and a fully
/// filled order leaves. The engine rests whatever of a limit GTC / post-only order is left
/// and expires any other remainder in the same command, so after each command the live
/// orders with a price are exactly the resting book (checked against `Engine.book` in the
/// tests). Liquidation orders carry no command and never rest: they are not tracked.
///
/// Levels are kept per contract and side as price → total size; the touch is the best key,
/// found by a scan of the levels (not of the orders).
public struct ProjectedOrderBook: Sendable {
    private struct Levels: Sendable {
        var bids: [Int64: Int64] = [:]
        var asks: [Int64: Int64] = [:]
    }
    private var live: [OrderID: ProjectedOrder] = [:]
    private var conditionals: [OrderID: ProjectedOrder] = [:]
    private var levels: [InstrumentID: Levels] = [:]

    public init() {}

    /// A live order by id (nil when unknown, ended or still a waiting conditional).
    public func order(_ id: OrderID) -> ProjectedOrder? { live[id] }

    /// A conditional order waiting for its trigger, by id.
    public func waiting(_ id: OrderID) -> ProjectedOrder? { conditionals[id] }

    /// The best bid and ask of a contract with the size at each.
    public func top(_ instrument: InstrumentID) -> BookTop {
        guard let sides = levels[instrument] else { return .empty }
        let bid = sides.bids.keys.max() ?? 0
        let ask = sides.asks.keys.min() ?? 0
        return BookTop(bid: bid, bidSize: bid > 0 ? sides.bids[bid]! : 0, ask: ask, askSize: ask > 0 ? sides.asks[ask]! : 0)
    }

    /// The best bid and ask of a contract as they would be without order `id` (the touch an
    /// amended order is judged against).
    public func top(_ instrument: InstrumentID, without id: OrderID) -> BookTop {
        guard let order = live[id], order.onBook, order.instrument == instrument, let sides = levels[instrument] else {
            return top(instrument)
        }
        var own = order.side == .buy ? sides.bids : sides.asks   // a copy of one side's levels, not of the orders
        let left = own[order.price, default: 0] - order.remaining
        own[order.price] = left > 0 ? left : nil
        let bids = order.side == .buy ? own : sides.bids, asks = order.side == .sell ? own : sides.asks
        let bid = bids.keys.max() ?? 0, ask = asks.keys.min() ?? 0
        return BookTop(bid: bid, bidSize: bid > 0 ? bids[bid]! : 0, ask: ask, askSize: ask > 0 ? asks[ask]! : 0)
    }

    /// A new live order.
    mutating func arrive(_ order: ProjectedOrder) {
        live[order.orderId] = order
        adjust(order, by: order.remaining)
    }

    /// A conditional order waiting for its trigger.
    mutating func park(_ order: ProjectedOrder) { conditionals[order.orderId] = order }

    /// A waiting conditional order became live; returns it.
    mutating func trigger(_ id: OrderID) -> ProjectedOrder? {
        guard let order = conditionals.removeValue(forKey: id) else { return nil }
        arrive(order)
        return order
    }

    /// `quantity` of a live order filled; returns the order after the fill (it has left the
    /// book when its remaining size is 0).
    mutating func fill(_ id: OrderID, quantity: Int64) -> ProjectedOrder? {
        guard var order = live[id] else { return nil }
        adjust(order, by: -min(quantity, order.remaining))
        order.filled += quantity
        live[id] = order.remaining > 0 ? order : nil
        return order
    }

    /// New price and total size of a live order.
    mutating func amend(_ id: OrderID, price: Int64, quantity: Int64) -> ProjectedOrder? {
        guard var order = live[id] else { return nil }
        adjust(order, by: -order.remaining)
        order.price = price
        order.quantity = quantity
        live[id] = order.remaining > 0 ? order : nil
        adjust(order, by: order.remaining)
        return order
    }

    /// The order ended (cancelled, expired, refused after its trigger); returns it.
    mutating func remove(_ id: OrderID) -> ProjectedOrder? {
        if let order = conditionals.removeValue(forKey: id) { return order }
        guard let order = live.removeValue(forKey: id) else { return nil }
        adjust(order, by: -order.remaining)
        return order
    }

    private mutating func adjust(_ order: ProjectedOrder, by delta: Int64) {
        guard order.price > 0, delta != 0 else { return }
        var sides = levels[order.instrument] ?? Levels()
        if order.side == .buy {
            let size = sides.bids[order.price, default: 0] + delta
            sides.bids[order.price] = size > 0 ? size : nil
        } else {
            let size = sides.asks[order.price, default: 0] + delta
            sides.asks[order.price] = size > 0 ? size : nil
        }
        levels[order.instrument] = sides
    }
}
