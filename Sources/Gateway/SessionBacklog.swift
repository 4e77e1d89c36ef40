/// The slow-consumer policy of one WebSocket session: how many messages are queued for it
/// and not yet written to its socket, against a bound.
///
/// A session's messages are never thinned out: dropping, say, the oldest would silently
/// lose a client its own fills. Instead, the message that would take the queue past the
/// bound marks the session overflowed; it and everything after it are discarded and the
/// session is closed with `closeCode` and `closeReason`, so the client knows it must
/// reconnect and resynchronise from REST (docs/OPERATOR.md, "WebSocket slow consumers").
struct SessionBacklog: Sendable {
    /// WebSocket close code for a session closed as a slow consumer (application range).
    static let closeCode: UInt16 = 4000
    /// The close frame's reason text.
    static let closeReason = "slow consumer: resync from REST"

    /// What to do with one more message for the session.
    enum Decision: Equatable, Sendable {
        /// Queue it.
        case deliver
        /// The bound is reached: close the session now (this message is not queued).
        case overflow
        /// Already overflowed: discard (the session is being closed).
        case discard
    }

    let limit: Int
    private(set) var queued = 0
    private(set) var overflowed = false

    init(limit: Int) { self.limit = max(1, limit) }

    /// Accounts for one more message.
    mutating func enqueue() -> Decision {
        if overflowed { return .discard }
        guard queued < limit else {
            overflowed = true
            return .overflow
        }
        queued += 1
        return .deliver
    }

    /// One queued message was written to the socket.
    mutating func written() {
        if queued > 0 { queued -= 1 }
    }
}
