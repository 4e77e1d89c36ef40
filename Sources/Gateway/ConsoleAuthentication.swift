import Hummingbird
import HTTPTypes

/// How a console session cookie stands in for a signed request (OPS-2, DECISIONS 37).
/// `GatewayCore.admit` asks here first on every signed route: a request without
/// `X-Harbour-Key` that carries the `harbour_console` cookie is the staff key the session
/// was opened with, and then meets exactly the API's checks (rate limit, role,
/// permission). A state change (anything but GET and HEAD) must also carry the session's
/// CSRF token in `X-CSRF-Token`, and an `Origin`, when the browser sends one, must be this
/// server's own.
extension GatewayCore {
    /// The key behind the request's console session; nil when the request is not a
    /// session request (it has an API key header, or no console cookie).
    func consoleSession(_ request: Request) throws(ApiError) -> ApiKey? {
        guard request.headers[.harbourKey] == nil,
              let id = ConsoleSessionStore.cookieValue(request.headers[values: .cookie].joined(separator: "; ")) else { return nil }
        let session: ConsoleSessionStore.Session
        do { session = try consoleSessions.resolve(id) } catch { throw error.apiError }
        guard let key = keys.key(session.keyId), key.role.isStaff else {
            consoleSessions.close(id)
            throw ConsoleSessionStore.Refusal.unknown.apiError
        }
        if request.method != .get && request.method != .head {
            if let origin = request.headers[.origin], !Self.sameOrigin(origin, host: request.head.authority) {
                throw ApiError(.forbidden, "CROSS_ORIGIN", "a console request from \(origin) is refused: it must come from this server's own pages")
            }
            guard let token = request.headers[.csrfToken], !token.isEmpty else {
                throw ApiError(.forbidden, "CSRF_TOKEN_MISSING", "a console state change must carry the session's X-CSRF-Token header")
            }
            guard ConsoleSessionStore.csrfMatches(session, token) else {
                throw ApiError(.forbidden, "CSRF_TOKEN_INVALID", "X-CSRF-Token does not match the console session")
            }
        }
        return key
    }

    /// The session behind the request's cookie, if it is live (the console's pages).
    func liveConsoleSession(_ request: Request) -> ConsoleSessionStore.Session? {
        guard let id = ConsoleSessionStore.cookieValue(request.headers[values: .cookie].joined(separator: "; ")),
              let session = try? consoleSessions.resolve(id), keys.key(session.keyId)?.role.isStaff == true else { return nil }
        return session
    }

    /// The staff key of a console session on a WebSocket upgrade, for the roles that have a
    /// stream (risk, supervisor: the `risk` channel); nil otherwise. The browser always sends
    /// `Origin` on a WebSocket handshake: it must be this server's own, so a page elsewhere
    /// cannot ride the cookie (SameSite=Strict already keeps it off cross-site requests).
    func consoleWebSocketKey(_ request: Request) -> ApiKey? {
        guard let origin = request.headers[.origin], Self.sameOrigin(origin, host: request.head.authority),
              let session = liveConsoleSession(request), let key = keys.key(session.keyId),
              WebSocketSession.oversightRoles.contains(key.role), key.permissions.contains(.read) else { return nil }
        return key
    }

    /// Whether an `Origin` header (`scheme://host[:port]`) names the `Host` the request was sent to.
    static func sameOrigin(_ origin: String, host: String?) -> Bool {
        guard let host, let range = origin.range(of: "://") else { return false }
        return origin[range.upperBound...].lowercased() == host.lowercased()
    }
}

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}
