/// A dimensionless rate (fee, funding, haircut) in units of 1e-8: 0.01% is 10_000.
public struct Rate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var raw: Int64
    @inlinable public init(raw: Int64) { self.raw = raw }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public static let scale = DecimalScale(8)
    public static let zero = Rate(raw: 0)
    /// 100%.
    public static let one = Rate(raw: 100_000_000)

    public init(_ text: String) throws(FixedDecimal.ParseError) {
        raw = try FixedDecimal.parse(text, scale: Rate.scale)
    }

    /// `amount × rate`, rounded as asked.
    @inlinable public func apply(to amount: Amount, rounding: Rounding) -> Amount {
        let p = Int128(amount.raw) * Int128(raw)
        return Amount(raw: Int64(p.divided(by: 100_000_000, rounding: rounding)))
    }

    public var formatted: String { FixedDecimal.format(raw, scale: Rate.scale) }
    public var description: String { "Rate(\(formatted))" }
}
