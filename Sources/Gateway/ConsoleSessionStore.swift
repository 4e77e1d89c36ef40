import Crypto
import Foundation
import Synchronization

/// The operator console's sign-in sessions (OPS-2, DECISIONS 37), held in memory only.
///
/// A staff member signs in once with an API key; the key is exchanged for a random session
/// id (256 bits, the `harbour_console` cookie: HttpOnly, SameSite=Strict) and a random CSRF
/// token (256 bits, sent back in `X-CSRF-Token` on every state change). The browser never
/// holds the key again: a request with the cookie resolves to the key id here, and the key
/// itself is looked up in the `ApiKeyStore` at each request, so a revoked key ends its
/// sessions. A session ends when idle for `idleMillis`, `lifetimeMillis` after sign-in
/// whatever its use, or at sign-out. An expired session is kept as a tombstone (for one more
/// `lifetimeMillis`, within `capacity`) so every later use of its cookie is answered
/// `SESSION_EXPIRED`, not `SESSION_UNKNOWN`: the page can say why the staff member must sign
/// in again however many requests were in flight. The clock is injected: tests move time by hand.
public final class ConsoleSessionStore: Sendable {
    /// One signed-in staff member.
    public struct Session: Sendable, Equatable {
        public let id: String
        public let csrfToken: String
        public let keyId: String
        public let createdAt: Int64
        public var lastSeenAt: Int64
    }

    /// Why a cookie does not resolve to a session; each has a stable code.
    public enum Refusal: Error, Sendable, Equatable {
        case unknown
        case expired

        var apiError: ApiError {
            switch self {
            case .unknown: ApiError(.unauthorized, "SESSION_UNKNOWN", "no console session with this id: sign in again at /console")
            case .expired: ApiError(.unauthorized, "SESSION_EXPIRED", "the console session expired: sign in again at /console")
            }
        }
    }

    /// The cookie's name.
    public static let cookieName = "harbour_console"
    /// Default idle timeout: 15 minutes.
    public static let defaultIdleMillis: Int64 = 15 * 60 * 1000
    /// Default absolute lifetime: 8 hours (one shift).
    public static let defaultLifetimeMillis: Int64 = 8 * 3600 * 1000
    /// Most sessions held at once; past it the least recently used one is dropped.
    public static let capacity = 1000

    public let idleMillis: Int64
    public let lifetimeMillis: Int64
    private let clock: any GatewayClock
    private let sessions = Mutex<[String: Session]>([:])

    public init(clock: any GatewayClock, idleMillis: Int64 = defaultIdleMillis, lifetimeMillis: Int64 = defaultLifetimeMillis) {
        precondition(idleMillis > 0 && lifetimeMillis > 0, "session timeouts must be positive")
        self.clock = clock
        self.idleMillis = idleMillis
        self.lifetimeMillis = lifetimeMillis
    }

    /// 32 random bytes as 64 lowercase hex digits.
    static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return Hex.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &g) })
    }

    /// Opens a session for `keyId` (the caller has checked the key and its role).
    public func open(keyId: String) -> Session {
        let now = clock.nowMillis()
        let session = Session(id: Self.randomToken(), csrfToken: Self.randomToken(), keyId: keyId, createdAt: now, lastSeenAt: now)
        sessions.withLock { all in
            all = all.filter { !Self.isStale($0.value, now, idleMillis, lifetimeMillis) }
            if all.count >= Self.capacity, let oldest = all.values.min(by: { $0.lastSeenAt < $1.lastSeenAt }) {
                all[oldest.id] = nil
            }
            all[session.id] = session
        }
        return session
    }

    /// The live session with `id`, its idle timer restarted. An expired one stays refused
    /// `expired` (it is never revived: its idle timer is not restarted) until it is stale.
    public func resolve(_ id: String) throws(Refusal) -> Session {
        let now = clock.nowMillis()
        let result: Result<Session, Refusal> = sessions.withLock { all in
            guard var s = all[id] else { return .failure(.unknown) }
            if Self.isExpired(s, now, idleMillis, lifetimeMillis) {
                guard !Self.isStale(s, now, idleMillis, lifetimeMillis) else {
                    all[id] = nil
                    return .failure(.unknown)
                }
                return .failure(.expired)
            }
            s.lastSeenAt = now
            all[id] = s
            return .success(s)
        }
        return try result.get()
    }

    /// Ends a session (sign-out); unknown ids are ignored.
    public func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// Whether `token` is the session's CSRF token (compared without early exit).
    public static func csrfMatches(_ session: Session, _ token: String?) -> Bool {
        guard let token else { return false }
        return RequestAuthenticator.constantTimeEquals(Array(session.csrfToken.utf8), Array(token.utf8))
    }

    /// Sessions currently held (expired ones included until next touched).
    public var count: Int { sessions.withLock { $0.count } }

    static func isExpired(_ s: Session, _ now: Int64, _ idle: Int64, _ lifetime: Int64) -> Bool {
        now >= expiry(s, idle, lifetime)
    }

    /// When `s` expires: idle since its last use, or at the end of its lifetime.
    static func expiry(_ s: Session, _ idle: Int64, _ lifetime: Int64) -> Int64 {
        min(s.lastSeenAt + idle, s.createdAt + lifetime)
    }

    /// Whether an expired session's tombstone may go: one lifetime after it expired.
    static func isStale(_ s: Session, _ now: Int64, _ idle: Int64, _ lifetime: Int64) -> Bool {
        now >= expiry(s, idle, lifetime) + lifetime
    }

    /// The session id in a `Cookie` header value, if any (`a=b; harbour_console=ID`).
    public static func cookieValue(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            guard let eq = pair.firstIndex(of: "=") else { continue }
            if pair[..<eq] == cookieName {
                let value = String(pair[pair.index(after: eq)...])
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }
}
