import HarbourCore

/// Funding rate of one interval and the payment it implies (PRICE-3).
///
/// `rate = P + clamp(I − P, −clampBound, +clampBound)`, then clamped to `[floor, cap]`
/// per contract, where P is the interval's average premium and I the interest rate of
/// the interval (default 0.01% per 8 hours, scaled linearly for other lengths). A
/// positive rate means longs pay shorts.
public struct FundingRate: Sendable, Hashable {
    /// Interest component per interval.
    public let interest: Rate
    /// Bound of the interest-minus-premium clamp (0.05% by default).
    public let clampBound: Rate
    /// Per-contract overall cap (≥ 0) and floor (≤ 0).
    public let cap: Rate
    public let floor: Rate

    /// 0.01% per 8 hours.
    public static let defaultInterestPer8h = Rate(raw: 10_000)
    /// ±0.05%.
    public static let defaultClampBound = Rate(raw: 50_000)
    /// Eight hours in milliseconds.
    public static let eightHoursMs: Int64 = 8 * 3_600_000

    public init(interest: Rate, clampBound: Rate = defaultClampBound, cap: Rate, floor: Rate) {
        precondition(clampBound.raw >= 0 && cap.raw >= 0 && floor.raw <= 0)
        self.interest = interest
        self.clampBound = clampBound
        self.cap = cap
        self.floor = floor
    }

    /// Interest for an interval of `intervalMs`, from a rate quoted per 8 hours
    /// (1 h → per8h / 8), rounded toward zero.
    @inlinable
    public static func interest(per8h: Rate, intervalMs: Int64) -> Rate {
        precondition(intervalMs > 0)
        let r = (Int128(per8h.raw) * Int128(intervalMs)).divided(by: Int128(eightHoursMs), rounding: .towardZero)
        return Rate(raw: Int64(r))
    }

    /// The funding rate for an average premium.
    @inlinable
    public func rate(averagePremium p: Rate) -> Rate {
        let diff = min(max(interest.raw - p.raw, -clampBound.raw), clampBound.raw)
        let raw = min(max(p.raw + diff, floor.raw), cap.raw)
        return Rate(raw: raw)
    }

    /// The exact funding payment of one position, `size × mark × rate`, as a signed
    /// amount the position **pays** (negative = receives), rounded **up** (toward +∞):
    /// a payer pays at least the exact amount, a receiver receives at most it.
    @inlinable
    public static func payment(position: Quantity, mark: Price, rate: Rate, notional: Notional) -> Amount {
        let product = Int128(position.raw) * Int128(mark.raw) * Int128(rate.raw)
        // Rescale price×qty decimals to asset decimals and remove the 1e8 of the rate in
        // one division so that there is exactly one rounding.
        let p = notional.assetDecimals >= notional.productDecimals
            ? product * DecimalScale.pow10(notional.assetDecimals - notional.productDecimals)
            : product
        let divisor = notional.assetDecimals >= notional.productDecimals
            ? Int128(Rate.one.raw)
            : Int128(Rate.one.raw) * DecimalScale.pow10(notional.productDecimals - notional.assetDecimals)
        return Amount(raw: Int64(p.divided(by: divisor, rounding: .up)))
    }
}
