/// A contract size in raw units of its instrument's size scale (e.g. 0.001 BTC).
/// Signed where it names a position (long > 0, short < 0); positive for order sizes.
public struct Quantity: Sendable, Hashable, Comparable, AdditiveArithmetic, CustomStringConvertible {
    public var raw: Int64
    @inlinable public init(raw: Int64) { self.raw = raw }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public static let zero = Quantity(raw: 0)
    @inlinable public static func + (a: Self, b: Self) -> Self { Self(raw: a.raw + b.raw) }
    @inlinable public static func - (a: Self, b: Self) -> Self { Self(raw: a.raw - b.raw) }
    @inlinable public var magnitude: Quantity { Quantity(raw: raw < 0 ? -raw : raw) }

    public init(_ text: String, scale: DecimalScale) throws(FixedDecimal.ParseError) {
        raw = try FixedDecimal.parse(text, scale: scale)
    }

    public func formatted(_ scale: DecimalScale) -> String { FixedDecimal.format(raw, scale: scale) }
    public var description: String { "Quantity(\(raw))" }
}
