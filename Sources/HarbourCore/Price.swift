/// A price in raw units of its instrument's price scale (e.g. 0.1 USD per unit for
/// BTC-PERP with a one-decimal price scale). Always positive when it names an order price.
public struct Price: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var raw: Int64
    @inlinable public init(raw: Int64) { self.raw = raw }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public static let zero = Price(raw: 0)

    public init(_ text: String, scale: DecimalScale) throws(FixedDecimal.ParseError) {
        raw = try FixedDecimal.parse(text, scale: scale)
    }

    public func formatted(_ scale: DecimalScale) -> String { FixedDecimal.format(raw, scale: scale) }
    public var description: String { "Price(\(raw))" }
}
