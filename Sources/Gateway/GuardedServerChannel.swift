import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's child channel (HTTP/1.1 with WebSocket upgrade) with the gateway's
/// connection policing around it: in front of the HTTP decoder an `IdleStateHandler` and
/// the `ConnectionGuardHandler` (per-IP cap, idle close, answer-then-close), after the
/// decoder the `HTTPParseErrorResponder` (malformed requests get 400/431/505). Hummingbird
/// installs its own idle handler only once a first request has been parsed, so a socket
/// that never sends a byte was never timed out; these handlers run from the moment the
/// connection is accepted.
struct GuardedServerChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    let inner: Inner
    let limiter: ConnectionLimiter
    let idleTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let connection = ConnectionGuardHandler(limiter: limiter)
        do {
            try channel.pipeline.syncOperations.addHandler(connection, position: .first)
            try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idleTimeout), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger).assumeIsolated().flatMapThrowing { value in
            try channel.pipeline.syncOperations.addHandler(HTTPParseErrorResponder(connection: connection))
            return value
        }.nonisolated()
    }

    func handle(value: Value, logger: Logger) async {
        var quiet = logger
        quiet.handler = ClosedBeforeRequestLogFilter(base: logger.handler)
        await inner.handle(value: value, logger: quiet)
    }
}

extension TimeAmount {
    /// The same span as a Swift `Duration` (whole nanoseconds).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
