/// One thing a reconciliation found wrong (issue 16 item 4): which check, what it is about
/// (a book, an asset, a table row named by its key), what the reference says and what was
/// found. A run with any finding fails; each finding is an alert for risk and compliance.
public struct ReconciliationFinding: Sendable, Hashable, Codable {
    /// The check that failed: "ledgerZero", "engineInvariant", "clientBooks", "houseBooks",
    /// "custody", "readModelLag", "stateHash", "rowCount", "row".
    public let check: String
    /// What differs: an asset code, a book name, or "table(key=value, ...)" for a row.
    public let subject: String
    /// The reference figure (the engine replayed from the journal, or custody as recorded).
    public let expected: String
    /// The figure found (the read model, or the books).
    public let actual: String

    public init(check: String, subject: String, expected: String, actual: String) {
        self.check = check
        self.subject = subject
        self.expected = expected
        self.actual = actual
    }

    /// One line for people: `check subject: expected X, found Y`.
    public var line: String { "\(check) \(subject): expected \(expected), found \(actual)" }
}
