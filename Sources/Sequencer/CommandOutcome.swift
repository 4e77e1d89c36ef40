import Engine

/// What one sequenced command did: its journal sequence number, the timestamp the
/// sequencer gave it, its events, and the same events rendered as replay-format JSON.
public struct CommandOutcome: Sendable {
    public let sequence: UInt64
    public let timestamp: Int64
    public let command: Command
    /// The command in the replay format (names resolved), for read models and audit.
    public let commandLine: String
    public let events: [Event]
    public let json: [String]
}
