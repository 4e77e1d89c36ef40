/// One command outcome as the read models see it: the sequence number and timestamp the
/// sequencer gave the command, the command itself as a replay-format JSON line (optional:
/// it fills in what events do not carry, such as an order's side, price and quantity), and
/// the events it caused as replay-format JSON lines (shared/REPLAY-FORMAT.md).
public struct ProjectedOutcome: Sendable, Hashable {
    public let sequence: UInt64
    /// Milliseconds since the Unix epoch.
    public let timestamp: Int64
    public let commandLine: String?
    public let eventLines: [String]

    public init(sequence: UInt64, timestamp: Int64, commandLine: String?, eventLines: [String]) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.commandLine = commandLine
        self.eventLines = eventLines
    }
}
