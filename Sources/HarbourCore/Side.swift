/// Which side of the book an order is on.
public enum Side: UInt8, Sendable, Hashable, Codable, CustomStringConvertible {
    case buy = 0
    case sell = 1

    /// The other side.
    @inlinable public var opposite: Side { self == .buy ? .sell : .buy }

    /// +1 for buy, -1 for sell: the sign a fill of this side adds to a position.
    @inlinable public var sign: Int64 { self == .buy ? 1 : -1 }

    public var description: String { self == .buy ? "buy" : "sell" }

    /// Exactly "buy" or "sell" (the native API and replay spelling; the Binance-compatible
    /// /fapi routes translate their "BUY"/"SELL" before they get here).
    public init?(text: String) {
        switch text {
        case "buy": self = .buy
        case "sell": self = .sell
        default: return nil
        }
    }
}
