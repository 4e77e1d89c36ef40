import HarbourCore

/// Price band around the mark price (PRICE-4): an order priced further than `width`
/// (relative) from the mark is rejected.
///
/// The bounds are rounded inward (lower bound up, upper bound down, to the tick), so the
/// band never admits a price outside the exact band.
public struct PriceBand: Sendable, Hashable {
    /// Relative half-width, e.g. 5% = Rate(raw: 5_000_000); 0 ≤ width < 100%.
    public let width: Rate

    public init(width: Rate) {
        precondition(width.raw >= 0 && width < Rate.one, "band width must be in [0, 100%)")
        self.width = width
    }

    /// Inclusive bounds `[mark × (1 − w), mark × (1 + w)]`, rounded inward to `tickSize`.
    @inlinable
    public func bounds(mark: Price, tickSize: Int64 = 1) -> (low: Price, high: Price) {
        precondition(tickSize >= 1)
        let one = Int128(Rate.one.raw)
        let t = Int128(tickSize)
        let lowTicks = (Int128(mark.raw) * (one - Int128(width.raw))).divided(by: one * t, rounding: .up)
        let highTicks = (Int128(mark.raw) * (one + Int128(width.raw))).divided(by: one * t, rounding: .down)
        return (Price(raw: Int64(lowTicks * t)), Price(raw: Int64(highTicks * t)))
    }

    /// Whether an order at `price` is within the band around `mark`.
    @inlinable
    public func admits(_ price: Price, mark: Price, tickSize: Int64 = 1) -> Bool {
        let b = bounds(mark: mark, tickSize: tickSize)
        return price >= b.low && price <= b.high
    }
}
