import Synchronization

/// What a route learned about a request that the outer middleware needs afterwards,
/// whether the route succeeded or threw: who signed it (for the log line; never the
/// secret or signature) and the rate-limit headers to put on the response.
public final class RequestAnnotations: Sendable {
    struct Values {
        var keyId: String?
        var rateLimitHeaders: [(String, String)] = []
    }

    let values = Mutex(Values())

    init() {}

    var keyId: String? {
        get { values.withLock { $0.keyId } }
        set { values.withLock { $0.keyId = newValue } }
    }

    var rateLimitHeaders: [(String, String)] {
        get { values.withLock { $0.rateLimitHeaders } }
        set { values.withLock { $0.rateLimitHeaders = newValue } }
    }
}
