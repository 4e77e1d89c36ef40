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

    /// The denominator of a raw rate (1e8 = 100%).
    public static let rawDenominator: Int128 = 100_000_000

    /// `amount × rate`, rounded as asked.
    @inlinable public func apply(to amount: Amount, rounding: Rounding) -> Amount {
        Amount(raw: Int64(Rate.scaled(Int128(amount.raw), byRaw: Int128(raw), rounding: rounding)))
    }

    /// `value × rawRate ÷ 10⁸` in 128 bits, rounded as asked: the one place where a raw
    /// rate (or a sum of raw rates, e.g. tier rate + add-on) scales an amount or a price.
    @inlinable public static func scaled(_ value: Int128, byRaw rawRate: Int128, rounding: Rounding) -> Int128 {
        (value * rawRate).divided(by: 100_000_000, rounding: rounding)
    }

    public var formatted: String { FixedDecimal.format(raw, scale: Rate.scale) }
    public var description: String { "Rate(\(formatted))" }
}
