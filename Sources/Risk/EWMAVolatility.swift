import HarbourCore

/// Realised volatility per instrument as an EWMA of squared simple returns (RISK-6).
///
/// Each new price p_t gives `r = (p_t − p_{t−1}) / p_{t−1}` in 1e-8 units (rounded away
/// from zero: a larger move, never a smaller one), and
/// `variance_t = (λ · variance_{t−1} + (1 − λ) · r²)` with λ a Rate (e.g. 0.94), divided
/// by 1e8 rounding **up**. Variance is in (1e-8)² units; volatility is its integer square
/// root rounded up, as a Rate per sampling period. Rounding is upward throughout so the
/// margin add-ons it drives are never understated. No allocation.
public struct EWMAVolatility: Sendable, Hashable {
    /// Decay λ, 0 < λ < 1.
    public let lambda: Rate
    /// Current variance in (1e-8)² units per period.
    public private(set) var variance: Int128
    /// The last price seen.
    public private(set) var lastPrice: Price?
    /// Number of returns folded in.
    public private(set) var returnCount: Int64 = 0

    public init(lambda: Rate, initialVariance: Int128 = 0) {
        precondition(lambda.raw > 0 && lambda < Rate.one, "lambda must be in (0, 1)")
        precondition(initialVariance >= 0)
        self.lambda = lambda
        self.variance = initialVariance
    }

    /// Restores a saved state (snapshots): exactly the fields `update` maintains.
    public init(lambda: Rate, variance: Int128, lastPrice: Price?, returnCount: Int64) {
        self.init(lambda: lambda, initialVariance: variance)
        self.lastPrice = lastPrice
        self.returnCount = returnCount
    }

    /// Folds in a new price (sampled at the caller's fixed interval); returns the
    /// volatility afterwards. The first price only sets the reference. Non-positive
    /// prices are ignored.
    @discardableResult
    public mutating func update(price: Price) -> Rate {
        guard price.raw > 0 else { return volatility }
        guard let prev = lastPrice else {
            lastPrice = price
            return volatility
        }
        let one = Int128(Rate.one.raw)
        let r = (Int128(price.raw - prev.raw) * one).divided(by: Int128(prev.raw), rounding: .awayFromZero)
        let l = Int128(lambda.raw)
        variance = (l * variance + (one - l) * r * r).divided(by: one, rounding: .up)
        lastPrice = price
        returnCount += 1
        return volatility
    }

    /// Volatility per period: `⌈√variance⌉` as a Rate.
    public var volatility: Rate { Rate(raw: Self.ceilSqrt(UInt128(variance)).clampedInt64) }

    /// Volatility scaled by `√periodsPerYear` (e.g. 365 for daily samples), rounded up.
    public func annualised(periodsPerYear: Int64) -> Rate {
        precondition(periodsPerYear >= 1)
        return Rate(raw: Self.ceilSqrt(UInt128(variance) * UInt128(periodsPerYear)).clampedInt64)
    }

    /// ⌊√n⌋ by Newton's method on integers.
    public static func floorSqrt(_ n: UInt128) -> UInt128 {
        if n < 2 { return n }
        var x = n
        var y = (x + 1) / 2
        while y < x {
            x = y
            y = (x + n / x) / 2
        }
        return x
    }

    /// ⌈√n⌉.
    public static func ceilSqrt(_ n: UInt128) -> UInt128 {
        let f = floorSqrt(n)
        return f * f == n ? f : f + 1
    }
}

extension UInt128 {
    @usableFromInline var clampedInt64: Int64 { self > UInt128(Int64.max) ? .max : Int64(self) }
}
