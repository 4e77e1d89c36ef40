import HarbourCore

/// An open margin call (FIN-5): when it was made, the deadline (default two business
/// days), and the figures at the time. While it is open the loan gets no further advance.
public struct MarginCall: Sendable, Hashable {
    public let openedAt: Int64
    public let deadline: Int64
    /// Margin value and loan (principal + accrued interest) when the call was made.
    public let marginValue: Amount
    public let loanAmount: Amount
}

/// Where a loan stands against the margin levels (FIN-5), from the best to the worst.
public enum MarginZone: Int, Sendable, Hashable, Comparable, CaseIterable {
    /// Margin value ≥ loan × early-warning level.
    case healthy = 0
    /// Below the early-warning level, at or above the loan.
    case earlyWarning = 1
    /// Below the loan (the call level), at or above the force-sale level.
    case call = 2
    /// Below the force-sale level.
    case forceSale = 3

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// An instruction to sell pledged collateral (FIN-5): virtual assets through the spot book
/// with a price-protection limit, securities through the broker's securities desk. The
/// fill is fed back with `LoanBook.recordForcedSaleFill`.
public struct ForcedSaleInstruction: Sendable, Hashable {
    public enum Venue: String, Sendable, Hashable {
        case spotBook = "SPOT_BOOK"
        case securitiesDesk = "SECURITIES_DESK"
    }

    public enum Cause: String, Sendable, Hashable {
        /// The margin value fell below the force-sale level.
        case belowForceSaleLevel = "BELOW_FORCE_SALE_LEVEL"
        /// The call's deadline passed with the loan still below the call level.
        case callDeadlineMissed = "CALL_DEADLINE_MISSED"
    }

    public let id: Int64
    public let loan: LoanID
    public let asset: String
    public let quantity: Quantity
    public let venue: Venue
    /// The lowest price the sale may fill at (spot book: index × (1 − band), rounded up).
    public let limitPrice: Price
    /// The index / reference price the quantity was computed at.
    public let referencePrice: Price
    public let cause: Cause
    public let issuedAt: Int64
}

/// A notice to the client's private stream and an event for the reports (FIN-5).
public struct MarginNotice: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case earlyWarning = "EARLY_WARNING"
        case marginCall = "MARGIN_CALL"
        case callMet = "CALL_MET"
        case forcedSale = "FORCED_SALE"
        case forcedSaleFilled = "FORCED_SALE_FILLED"
        /// No collateral is left to sell and the loan is still under-margined.
        case unsecuredShortfall = "UNSECURED_SHORTFALL"
    }

    public let kind: Kind
    public let loan: LoanID
    public let account: AccountID
    public let at: Int64
    public let marginValue: Amount
    public let loanAmount: Amount
    /// Call deadline, for `marginCall`.
    public let deadline: Int64?
    /// Instructions, for `forcedSale`.
    public let instructions: [ForcedSaleInstruction]
}
