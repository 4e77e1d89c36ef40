import HarbourCore

/// Daily interest on a loan (FIN-4), actual/365, at the client's annual rate, charged in
/// whole settlement units and rounded up — in the broker's favour — without the error
/// growing with the number of days.
///
/// The exact interest of one day is `base × rate / (365 × 1e8)` units. Rather than round
/// each day up (which over 400 days could over-charge by up to 400 units), the accrual
/// carries a residue: the part of a unit already charged but not yet earned. Each day
/// charges `⌈(exact − residue)⌉` and keeps the new residue, so after any number of days
/// the total charged is exactly `⌈Σ exact⌉`: never less than earned, never a whole unit
/// more. The residue (< 1 unit, in units of 1/(365 × 1e8)) is part of the loan's state.
public struct InterestAccrual: Sendable, Hashable {
    /// Days in the interest year.
    public static let daysPerYear: Int64 = 365
    /// Denominator of the exact daily interest and of `residue`.
    public static let denominator = Int128(daysPerYear) * Int128(Rate.one.raw)

    /// The last epoch day (UTC) accrued; interest runs from the day after.
    public internal(set) var lastAccruedDay: Int64
    /// Charged ahead of the exact interest, in 1/`denominator` units: 0 ≤ residue < denominator.
    public internal(set) var residue: Int128 = 0

    public init(startDay: Int64) { lastAccruedDay = startDay }

    /// Accrues every whole day after `lastAccruedDay` up to and including `day` on `base`
    /// at `rate`; returns the units to charge.
    public mutating func accrue(base: Amount, rate: Rate, through day: Int64) -> Amount {
        guard day > lastAccruedDay else { return .zero }
        let days = Int128(day - lastAccruedDay)
        lastAccruedDay = day
        let exact = Int128(max(0, base.raw)) * Int128(max(0, rate.raw)) * days
        if exact <= residue {
            residue -= exact
            return .zero
        }
        let charge = (exact - residue).divided(by: Self.denominator, rounding: .up)
        residue = charge * Self.denominator - (exact - residue)
        return Amount(raw: Int64(charge))
    }
}
