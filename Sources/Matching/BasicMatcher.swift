import HarbourCore

/// A plain price-time matcher over `OrderBook`: no risk, no ledger, no self-trade
/// prevention, every order a GTC limit order. It is the "matching core alone" that the
/// benchmarks compare with Liquibook's insert workload; the venue itself matches in
/// `Engine.match`, which adds risk, settlement and STP around the same book calls.
///
/// Nothing is allocated per order once the book's pool, the owner-head table and the
/// fill buffer have grown: orders are stored by value in the book's slot pool.
public final class BasicMatcher {
    /// One fill of a resting (maker) order, at the maker's price.
    public struct Fill: Sendable, Hashable {
        public var makerOrderId: Int64
        public var makerAccount: UInt32
        public var price: Int64
        public var quantity: Int64

        public init(makerOrderId: Int64, makerAccount: UInt32, price: Int64, quantity: Int64) {
            self.makerOrderId = makerOrderId
            self.makerAccount = makerAccount
            self.price = price
            self.quantity = quantity
        }
    }

    public let book: OrderBook
    /// Head slot of each account's resting orders (the book's owner list), -1 when none.
    @exclusivity(unchecked) private var ownerHeads: ContiguousArray<Int32>
    /// The fills of the last `submit`, in matching order (a reused buffer).
    @exclusivity(unchecked) public private(set) var fills: [Fill] = []
    /// Fills since creation.
    @exclusivity(unchecked) public private(set) var fillCount: Int64 = 0

    /// `accounts` only pre-sizes the owner-head table; larger account numbers grow it.
    public init(instrument: InstrumentID = InstrumentID(0), accounts: Int = 16) {
        book = OrderBook(instrument: instrument)
        ownerHeads = ContiguousArray(repeating: -1, count: max(1, accounts))
        fills.reserveCapacity(64)
    }

    /// Matches a limit order against the opposite side in strict price-time priority
    /// (each fill at the maker's price), then rests what is left (GTC).
    /// Returns the quantity filled; the fills are in `fills`.
    @discardableResult
    public func submit(orderId: Int64, account: UInt32, group: UInt32, side: Side, price: Int64, quantity: Int64) -> Int64 {
        precondition(quantity > 0, "quantity must be positive")
        if !fills.isEmpty { fills.removeAll(keepingCapacity: true) }
        if Int(account) >= ownerHeads.count {
            ownerHeads.append(contentsOf: repeatElement(-1, count: Int(account) + 1 - ownerHeads.count))
        }
        var remaining = quantity
        let makerSide = side.opposite
        let isBuy = side == .buy
        while remaining > 0, let slot = book.bestSlot(of: makerSide) {
            let m = book[slot]
            if isBuy ? m.price > price : m.price < price { break }
            let q = min(remaining, m.remaining)
            remaining -= q
            fills.append(Fill(makerOrderId: m.orderId, makerAccount: m.account, price: m.price, quantity: q))
            if book.fill(slot: slot, quantity: q) {
                book.remove(slot: slot, ownerHead: &ownerHeads[Int(m.account)])
            }
        }
        fillCount &+= Int64(fills.count)
        if remaining > 0 {
            let order = RestingOrder(orderId: orderId, account: account, group: group, side: side, price: price,
                                     quantity: quantity, remaining: remaining, reduceOnly: false)
            book.insert(order, ownerHead: &ownerHeads[Int(account)])
        }
        return quantity - remaining
    }

    /// Cancels a resting order; returns its remaining quantity, or nil when it is not resting.
    @discardableResult
    public func cancel(orderId: Int64) -> Int64? {
        guard let slot = book.slot(of: orderId) else { return nil }
        let a = Int(book[slot].account)
        return book.remove(slot: slot, ownerHead: &ownerHeads[a]).remaining
    }
}
