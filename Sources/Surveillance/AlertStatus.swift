/// Where a surveillance alert stands in compliance's review (MM-5). Raw values are stable codes.
public enum AlertStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Raised, nobody on it yet.
    case open
    /// A reviewer has it.
    case assigned
    /// Its reviewer is examining the evidence.
    case underReview
    /// Decided, with a comment. Final: a closed alert is never re-opened (a new finding is a new alert).
    case closed
}
