import HarbourCore

/// The waiting conditional orders of one instrument, for one trigger source, kept sorted
/// so that a price update pops exactly the orders it triggers (cost grows with the
/// orders triggered, not with the orders waiting). Ties fire in order-id order.
public struct ConditionalOrderBook: Sendable {
    /// Orders that fire as the price rises, sorted by descending stop price (and
    /// descending id), so the next to fire is at the end.
    public private(set) var rising: [ConditionalOrder] = []
    /// Orders that fire as the price falls, sorted ascending, next to fire at the end.
    public private(set) var falling: [ConditionalOrder] = []

    public init() {}

    public var count: Int { rising.count + falling.count }
    public var isEmpty: Bool { rising.isEmpty && falling.isEmpty }

    public mutating func add(_ order: ConditionalOrder) {
        if order.firesOnRise {
            // Lowest stop fires first, ties by lowest id: those sit at the end.
            let i = rising.partitionPoint { a in
                a.stopPrice > order.stopPrice || (a.stopPrice == order.stopPrice && a.orderId > order.orderId)
            }
            rising.insert(order, at: i)
        } else {
            // Highest stop fires first, ties by lowest id: those sit at the end.
            let i = falling.partitionPoint { a in
                a.stopPrice < order.stopPrice || (a.stopPrice == order.stopPrice && a.orderId > order.orderId)
            }
            falling.insert(order, at: i)
        }
    }

    /// Removes and returns the orders `price` triggers, in firing order.
    public mutating func popTriggered(by price: Int64) -> [ConditionalOrder] {
        var fired: [ConditionalOrder] = []
        while let o = rising.last, price >= o.stopPrice { fired.append(rising.removeLast()) }
        while let o = falling.last, price <= o.stopPrice { fired.append(falling.removeLast()) }
        if fired.count > 1 { fired.sort { $0.orderId < $1.orderId } }
        return fired
    }

    /// Removes an order by id; returns it if it was waiting.
    public mutating func remove(orderId: Int64) -> ConditionalOrder? {
        if let i = rising.firstIndex(where: { $0.orderId == orderId }) { return rising.remove(at: i) }
        if let i = falling.firstIndex(where: { $0.orderId == orderId }) { return falling.remove(at: i) }
        return nil
    }

    public func find(orderId: Int64) -> ConditionalOrder? {
        rising.first(where: { $0.orderId == orderId }) ?? falling.first(where: { $0.orderId == orderId })
    }

    /// All waiting orders, in id order.
    public var all: [ConditionalOrder] { (rising + falling).sorted { $0.orderId < $1.orderId } }
}

extension Array {
    /// The first index whose element does NOT satisfy `belongsBefore` (binary search on
    /// an array partitioned by the predicate).
    @inlinable func partitionPoint(_ belongsBefore: (Element) -> Bool) -> Int {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if belongsBefore(self[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
