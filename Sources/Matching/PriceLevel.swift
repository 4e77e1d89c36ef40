/// One price level of one side of the book: a FIFO queue of order slots and its total.
public struct PriceLevel: Sendable {
    public var price: Int64
    /// Sum of the remaining quantity of the orders at this level.
    public var total: Int64
    public var count: Int32
    @usableFromInline var head: Int32
    @usableFromInline var tail: Int32

    @inlinable init(price: Int64) {
        self.price = price
        total = 0
        count = 0
        head = -1
        tail = -1
    }
}
