/// An order resting in the book, stored by value in the book's slot pool.
///
/// Links (`prev`/`next` within its price level, `ownerPrev`/`ownerNext` within its
/// account's orders on this instrument) are slot indices, so the book allocates no
/// object per order.
public struct RestingOrder: Sendable {
    public var orderId: Int64
    public var account: UInt32
    public var group: UInt32
    public var price: Int64
    /// Open quantity still resting.
    public var remaining: Int64
    /// Original quantity (filled = quantity − remaining).
    public var quantity: Int64
    public var side: Side
    public var reduceOnly: Bool
    @usableFromInline var prev: Int32
    @usableFromInline var next: Int32
    @usableFromInline var ownerPrev: Int32
    @usableFromInline var ownerNext: Int32

    public init(orderId: Int64, account: UInt32, group: UInt32, side: Side, price: Int64,
                quantity: Int64, remaining: Int64, reduceOnly: Bool) {
        self.orderId = orderId
        self.account = account
        self.group = group
        self.side = side
        self.price = price
        self.quantity = quantity
        self.remaining = remaining
        self.reduceOnly = reduceOnly
        prev = -1; next = -1; ownerPrev = -1; ownerNext = -1
    }
}

import HarbourCore
