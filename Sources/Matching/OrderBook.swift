import HarbourCore

/// The central limit order book of one instrument, with strict price-time priority (PERP-2).
///
/// Orders live by value in a slot pool (`orders`), recycled through a free list, so
/// placing and cancelling allocate nothing once the pool has grown. Each price level is
/// an intrusive FIFO of slots; each account's orders on this instrument form a second
/// intrusive list whose head the caller keeps (`ownerHead`), so mass cancel and
/// reduce-only upkeep touch only that account's orders.
///
/// The book only stores and orders; deciding what may trade (risk, self-trade
/// prevention, reduce-only) is the engine's job, which drives matching through
/// `bestSlot(of:)`, `fill(slot:quantity:)` and `remove(slot:ownerHead:)`.
public final class OrderBook {
    public let instrument: InstrumentID
    @exclusivity(unchecked) public private(set) var orders: ContiguousArray<RestingOrder> = []
    @exclusivity(unchecked) private var free: [Int32] = []
    @exclusivity(unchecked) public private(set) var bids = BookSide(side: .buy)
    @exclusivity(unchecked) public private(set) var asks = BookSide(side: .sell)
    @exclusivity(unchecked) private var slotById = SlotIndex(minimumCapacity: 1024)

    public init(instrument: InstrumentID) {
        self.instrument = instrument
        orders.reserveCapacity(1024)
    }

    /// Number of resting orders.
    @inlinable public var orderCount: Int { slotCount }
    @usableFromInline var slotCount: Int { slotById.count }

    /// The resting order in `slot`.
    @inlinable public subscript(slot: Int32) -> RestingOrder { orders[Int(slot)] }

    /// The slot of a resting order, by engine order id.
    public func slot(of orderId: Int64) -> Int32? { slotById.find(orderId) }

    /// The side of the book that holds orders of `side`.
    @inlinable public func bookSide(_ side: Side) -> BookSide { side == .buy ? bids : asks }

    /// The best (oldest at best price) resting order on `side`, or nil.
    @inline(__always)
    public func bestSlot(of side: Side) -> Int32? {
        if side == .buy {
            guard let l = bids.levels.last else { return nil }
            return l.head
        } else {
            guard let l = asks.levels.last else { return nil }
            return l.head
        }
    }

    /// Adds an order at the back of its price level; returns its slot.
    @discardableResult
    public func insert(_ order: RestingOrder, ownerHead: inout Int32) -> Int32 {
        precondition(order.remaining > 0, "resting orders have a positive quantity")
        let slot: Int32
        if let s = free.popLast() {
            slot = s
            orders[Int(s)] = order
        } else {
            slot = Int32(orders.count)
            orders.append(order)
        }
        // Owner list: push front.
        orders[Int(slot)].ownerNext = ownerHead
        orders[Int(slot)].ownerPrev = -1
        if ownerHead >= 0 { orders[Int(ownerHead)].ownerPrev = slot }
        ownerHead = slot
        slotById.set(order.orderId, slot)
        if order.side == .buy {
            Self.link(slot, into: &bids, orders: &orders)
        } else {
            Self.link(slot, into: &asks, orders: &orders)
        }
        return slot
    }

    private static func link(_ slot: Int32, into side: inout BookSide, orders: inout ContiguousArray<RestingOrder>) {
        let price = orders[Int(slot)].price
        let (idx, found) = side.locate(price)
        if !found { side.levels.insert(PriceLevel(price: price), at: idx) }
        let tail = side.levels[idx].tail
        orders[Int(slot)].prev = tail
        orders[Int(slot)].next = -1
        if tail >= 0 { orders[Int(tail)].next = slot } else { side.levels[idx].head = slot }
        side.levels[idx].tail = slot
        side.levels[idx].total += orders[Int(slot)].remaining
        side.levels[idx].count += 1
    }

    private static func unlink(_ slot: Int32, from side: inout BookSide, orders: inout ContiguousArray<RestingOrder>) {
        let o = orders[Int(slot)]
        let (idx, found) = side.locate(o.price)
        precondition(found, "resting order's level must exist")
        if o.prev >= 0 { orders[Int(o.prev)].next = o.next } else { side.levels[idx].head = o.next }
        if o.next >= 0 { orders[Int(o.next)].prev = o.prev } else { side.levels[idx].tail = o.prev }
        side.levels[idx].total -= o.remaining
        side.levels[idx].count -= 1
        if side.levels[idx].count == 0 {
            if idx == side.levels.count - 1 { side.levels.removeLast() } else { side.levels.remove(at: idx) }
        }
    }

    /// Removes a resting order (cancel, expiry, full fill) and returns it.
    @discardableResult
    public func remove(slot: Int32, ownerHead: inout Int32) -> RestingOrder {
        let o = orders[Int(slot)]
        if o.side == .buy {
            Self.unlink(slot, from: &bids, orders: &orders)
        } else {
            Self.unlink(slot, from: &asks, orders: &orders)
        }
        if o.ownerPrev >= 0 { orders[Int(o.ownerPrev)].ownerNext = o.ownerNext } else { ownerHead = o.ownerNext }
        if o.ownerNext >= 0 { orders[Int(o.ownerNext)].ownerPrev = o.ownerPrev }
        slotById.remove(o.orderId)
        orders[Int(slot)].remaining = 0
        free.append(slot)
        return o
    }

    /// Takes `quantity` off the resting order in `slot` (a fill, or a size decrease that
    /// keeps priority). Returns true when nothing remains; the caller then `remove`s it.
    @inline(__always)
    public func fill(slot: Int32, quantity: Int64) -> Bool {
        let s = Int(slot)
        precondition(quantity > 0 && quantity <= orders[s].remaining, "fill within remaining")
        orders[s].remaining -= quantity
        let isBuy = orders[s].side == .buy
        let price = orders[s].price
        if isBuy {
            let i = bids.levels.count - 1
            if i >= 0 && bids.levels[i].price == price { bids.levels[i].total -= quantity }
            else { let (idx, _) = bids.locate(price); bids.levels[idx].total -= quantity }
        } else {
            let i = asks.levels.count - 1
            if i >= 0 && asks.levels[i].price == price { asks.levels[i].total -= quantity }
            else { let (idx, _) = asks.locate(price); asks.levels[idx].total -= quantity }
        }
        return orders[s].remaining == 0
    }

    /// The oldest order of a level.
    @inlinable public func bestSlotOfLevel(_ level: PriceLevel) -> Int32? { level.head >= 0 ? level.head : nil }

    /// Records a new original quantity after a size decrease (remaining changed via `fill`).
    public func setQuantity(slot: Int32, quantity: Int64) { orders[Int(slot)].quantity = quantity }

    /// Moves a resting order to another self-trade-prevention group (its account's group
    /// was merged, PERP-3); price, time and quantity are untouched.
    public func setGroup(slot: Int32, group: UInt32) { orders[Int(slot)].group = group }

    /// The next order of the same price level after `slot` (time priority), or nil.
    @inlinable public func nextInLevel(_ slot: Int32) -> Int32? {
        let n = orders[Int(slot)].next
        return n >= 0 ? n : nil
    }

    /// The slots of one account's orders on this book, newest first.
    public func ownerSlots(head: Int32) -> [Int32] {
        var out: [Int32] = []
        var s = head
        while s >= 0 {
            out.append(s)
            s = orders[Int(s)].ownerNext
        }
        return out
    }

    /// Relinks one owner's list so that it runs through `slots` in exactly this order
    /// (first = head = newest) and returns the new head. For restoring a snapshot, where
    /// orders are inserted level by level (keeping FIFO) and the owner order is then set
    /// apart: the slots must be resting, distinct and all of one owner; their old owner
    /// links are overwritten.
    package func relinkOwnerList(_ slots: [Int32]) -> Int32 {
        for (k, s) in slots.enumerated() {
            orders[Int(s)].ownerPrev = k == 0 ? -1 : slots[k - 1]
            orders[Int(s)].ownerNext = k + 1 < slots.count ? slots[k + 1] : -1
        }
        return slots.first ?? -1
    }

    /// Aggregated depth: up to `limit` levels of `side`, best first.
    public func depth(_ side: Side, limit: Int) -> [(price: Int64, quantity: Int64)] {
        let levels = side == .buy ? bids.levels : asks.levels
        var out: [(Int64, Int64)] = []
        out.reserveCapacity(Swift.min(limit, levels.count))
        var i = levels.count - 1
        while i >= 0 && out.count < limit {
            out.append((levels[i].price, levels[i].total))
            i -= 1
        }
        return out
    }

    /// Every resting order of `side` in priority order (best price first, then time).
    public func ordersInPriority(_ side: Side) -> [RestingOrder] {
        let levels = side == .buy ? bids.levels : asks.levels
        var out: [RestingOrder] = []
        var i = levels.count - 1
        while i >= 0 {
            var s = levels[i].head
            while s >= 0 {
                out.append(orders[Int(s)])
                s = orders[Int(s)].next
            }
            i -= 1
        }
        return out
    }
}
