/// What a pass over the journal found: how many records were handed out, where the intact
/// journal ends, and whether a torn tail was skipped.
public struct JournalReadSummary: Sendable, Equatable {
    /// Records passed to the caller (those with sequence ≥ the requested start).
    public let recordsDelivered: Int
    /// The sequence of the last intact record in the journal, or nil if it holds none.
    /// A new `JournalWriter` continues after this (or after the snapshot, if newer).
    public let lastSequence: UInt64?
    /// The damaged tail of the last segment that was skipped, if any.
    public let tornTail: JournalTornTail?

    public init(recordsDelivered: Int, lastSequence: UInt64?, tornTail: JournalTornTail?) {
        self.recordsDelivered = recordsDelivered
        self.lastSequence = lastSequence
        self.tornTail = tornTail
    }
}
