import HarbourCore

/// How much of one FIN-3 limit a subject uses: the measured figure, the limit it may reach
/// (both in settlement raw units) and their ratio — the daily control report the risk team
/// and the REG-3 `margin-financing` report read (`LoanBook.controlUtilisation`).
public struct ControlUtilisation: Sendable, Hashable {
    /// The five FIN-3 limits that have a figure and a ceiling (the per-loan gates — no
    /// advance while a call is open, margin at the initial level — are judged per loan and
    /// reported with the loans). Raw values are stable codes.
    public enum Control: String, Sendable, Hashable, CaseIterable {
        /// Total loans vs lending multiple × the broker's capital figure (virtual assets count nothing).
        case lendingCapacity
        /// A client's securities margin loans + financing vs its approved credit limit.
        case creditLimit
        /// A client or related group's loans vs its share of the broker's capital.
        case clientShareOfCapital
        /// A client or related group's loans vs its share of the loan book.
        case clientShareOfLoanBook
        /// A collateral group's market value vs its share of all pledged collateral.
        case collateralGroupShare
    }

    public let control: Control
    /// "book", "client:3", a related group or a collateral group.
    public let subject: String
    /// The measured figure (settlement raw units).
    public let value: Int64
    /// What the figure may reach (settlement raw units; a share limit applied to its base, rounded down).
    public let limit: Int64
    /// False while the book or pool is below the configured minimum from which a share limit applies.
    public let applies: Bool

    public init(control: Control, subject: String, value: Int64, limit: Int64, applies: Bool = true) {
        self.control = control; self.subject = subject; self.value = value; self.limit = limit; self.applies = applies
    }

    /// value ÷ limit in 1e-8 units, rounded up (risk is never understated); a positive
    /// figure against a zero limit is `Rate(raw: .max)`, nothing against nothing is zero.
    public var utilisation: Rate {
        guard limit > 0 else { return value > 0 ? Rate(raw: .max) : .zero }
        return Rate(raw: (Int128(value) * Int128(Rate.one.raw)).divided(by: Int128(limit), rounding: .up).clampedInt64)
    }
}
