/// A signed amount of an asset in its smallest unit (micro-dollars for USD).
///
/// Arithmetic traps on overflow rather than wrapping; inputs are bounded at the edge
/// (`checkedAdding` is for values that come from outside).
public struct Amount: Sendable, Hashable, Comparable, AdditiveArithmetic, CustomStringConvertible {
    public var raw: Int64
    @inlinable public init(raw: Int64) { self.raw = raw }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public static let zero = Amount(raw: 0)
    @inlinable public static func + (a: Self, b: Self) -> Self { Self(raw: a.raw + b.raw) }
    @inlinable public static func - (a: Self, b: Self) -> Self { Self(raw: a.raw - b.raw) }
    @inlinable public static prefix func - (a: Self) -> Self { Self(raw: -a.raw) }

    /// Adds without trapping; nil on overflow.
    @inlinable public func checkedAdding(_ other: Amount) -> Amount? {
        let (v, o) = raw.addingReportingOverflow(other.raw)
        return o ? nil : Amount(raw: v)
    }

    public init(_ text: String, scale: DecimalScale) throws(FixedDecimal.ParseError) {
        raw = try FixedDecimal.parse(text, scale: scale)
    }

    public func formatted(_ scale: DecimalScale) -> String { FixedDecimal.format(raw, scale: scale) }
    public var description: String { "Amount(\(raw))" }
}
