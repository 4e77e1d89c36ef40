/// What a projector has done so far.
public struct ProjectionStats: Sendable, Hashable {
    /// Outcomes written to the store.
    public var applied: Int = 0
    /// Outcomes that could not be projected and were skipped (each one logged).
    public var failed: Int = 0
    /// Transactions committed.
    public var batches: Int = 0
    /// The description of the last projection error, if any.
    public var lastError: String?

    public init() {}
}
