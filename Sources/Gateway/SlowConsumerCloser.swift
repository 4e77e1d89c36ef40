import HummingbirdWebSocket
import NIOCore
import Synchronization

/// Closes one WebSocket session whose backlog overflowed (`SessionBacklog`): stops its
/// writer (nothing more of the backlog is sent), sends a close frame with code 4000 and
/// reason "slow consumer: resync from REST", and closes the connection after `grace`
/// whether or not the client ever read that far (a client that does not read cannot
/// receive the close frame, and must not hold the socket).
final class SlowConsumerCloser: Sendable {
    private struct State {
        var writer: Task<Void, Never>?
        var fired = false
    }

    /// How long a slow consumer has to read up to the close frame before the socket closes.
    static let grace: TimeAmount = .seconds(5)

    private let state = Mutex(State())
    private let outbound: WebSocketOutboundWriter
    private let channel: (any Channel)?
    private let onClose: @Sendable () -> Void

    init(outbound: WebSocketOutboundWriter, channel: (any Channel)?, onClose: @escaping @Sendable () -> Void = {}) {
        self.outbound = outbound
        self.channel = channel
        self.onClose = onClose
    }

    /// Whether the session has been closed as a slow consumer.
    var fired: Bool { state.withLock { $0.fired } }

    /// The task writing the session's queued messages (cancelled when this fires).
    func setWriter(_ task: Task<Void, Never>) {
        let cancel = state.withLock { s -> Bool in
            s.writer = task
            return s.fired
        }
        if cancel { task.cancel() }
    }

    /// Closes the session as a slow consumer (only the first call does anything).
    func fire() {
        let writer = state.withLock { s -> Task<Void, Never>?? in
            guard !s.fired else { return .none }
            s.fired = true
            return .some(s.writer)
        }
        guard case .some(let task) = writer else { return }
        task?.cancel()
        onClose()
        let outbound = self.outbound
        Task {
            try? await outbound.close(.unknown(SessionBacklog.closeCode), reason: SessionBacklog.closeReason)
        }
        if let channel {
            channel.eventLoop.scheduleTask(in: Self.grace) { channel.close(promise: nil) }
        }
    }
}
