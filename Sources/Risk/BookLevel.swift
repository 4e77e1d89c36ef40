import HarbourCore

/// One aggregated price level of an order book side: price and total resting quantity.
public struct BookLevel: Sendable, Hashable {
    public let price: Price
    public let quantity: Quantity
    @inlinable public init(price: Price, quantity: Quantity) {
        self.price = price
        self.quantity = quantity
    }
}
