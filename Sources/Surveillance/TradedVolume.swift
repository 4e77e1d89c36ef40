/// Traded volume in one contract (MM-4 activity share, REG-3): how many trades, their total
/// quantity and their total notional (price × quantity), in the contract's raw integer units
/// (quantity at the size scale, notional at price scale + size scale). Exact: no rounding.
public struct TradedVolume: Sendable, Hashable, Codable {
    public private(set) var trades: Int64 = 0
    public private(set) var quantity: Int64 = 0
    public private(set) var notional: Int128 = 0

    public init() {}

    /// Adds one trade.
    public mutating func add(price: Int64, quantity traded: Int64) {
        trades += 1
        quantity += traded
        notional += Int128(price) * Int128(traded)
    }
}
