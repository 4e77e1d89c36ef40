import Logging

/// Wraps the connection logger handed to Hummingbird's WebSocket-upgrade channel so that a
/// connection closed before its first request — idle past the timeout, refused at the
/// per-IP cap, or answered as malformed by `HTTPParseErrorResponder` — is logged at debug
/// level instead of as an error. Hummingbird reports each of those as "Error handling
/// upgrade result" (the upgrade handler is removed before it saw a request), which would
/// let anyone opening sockets fill the error log; every other message passes unchanged.
struct ClosedBeforeRequestLogFilter: LogHandler {
    var base: any LogHandler

    init(base: any LogHandler) { self.base = base }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard Self.isClosedBeforeRequest(event) else { return base.log(event: event) }
        guard base.logLevel <= .debug else { return }
        var quiet = event
        quiet.level = .debug
        base.log(event: quiet)
    }

    /// Hummingbird's report of an upgrade handler removed before any request arrived.
    static func isClosedBeforeRequest(_ event: LogEvent) -> Bool {
        guard event.level == .error, event.message.description == "Error handling upgrade result" else { return false }
        if case .string(let type)? = event.metadata?["error.type"] { return type == "Inappropriate operation for state" }
        return false
    }
}
