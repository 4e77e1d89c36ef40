import Foundation
import HarbourCore
import Hummingbird
import HTTPTypes
import NIOCore

/// The operator console's routes (OPS-2, DECISIONS 37), all in the route registry:
/// - `GET /console` (open): the sign-in page (a live session is sent on to the dashboard);
/// - `POST /console/session` (open): a form with `key` and `secret`; a staff key opens a
///   session (cookie `harbour_console`, HttpOnly, SameSite=Strict) and is sent to
///   `/console/home`; client and market-maker keys are refused (`FORBIDDEN_ROLE`; a
///   market maker's attempt is a barrier event); wrong credentials `INVALID_CREDENTIALS`;
///   a form posted from another origin `CROSS_ORIGIN`;
/// - `GET /console/home` (staff, read): the dashboard with the views the role may see;
///   without a live session it sends the browser back to sign in;
/// - `POST /console/session/end` (staff, read; CSRF token): sign-out;
/// - `GET /console/assets/{name}` (open): the script and the style sheet.
/// The data on the dashboard comes from the API's own routes, called with the cookie.
extension GatewayCore {
    /// Who may open the dashboard and sign out: every staff role.
    static let consoleAccess = AccessPolicy.staffRead
    /// Sign-in attempts allowed per client IP: 30 a minute (secrets are not guessable, but
    /// the form should not be a free oracle either).
    static let consoleSignInLimit = RateLimitPolicy(requests: 30, perSeconds: 60)

    func addConsoleRoutes(_ router: Router<GatewayRequestContext>) {
        register(.get, "/console", .open)
        router.get("/console") { [self] request, context in
            let caller = try await admit(request, context, .open)
            try Self.allowOnly(["reason"], caller)
            var notice: String?
            if let reason = caller.query["reason"] {
                guard let text = ConsolePage.reasons[reason] else {
                    throw ApiError.invalidParameter("'reason' must be one of \(ConsolePage.reasons.keys.sorted().joined(separator: ", "))")
                }
                notice = text
            }
            if liveConsoleSession(request) != nil { return Self.redirect("/console/home") }
            return Self.html(.ok, ConsolePage.signIn(notice: notice))
        }

        register(.post, "/console/session", .open)
        router.post("/console/session") { [self] request, context in
            let caller = try await admit(request, context, .open)
            try Self.allowOnly([], caller)
            let d = limiter.check("console-signin:" + context.remoteIP, policy: Self.consoleSignInLimit)
            guard d.allowed else { throw Self.rateLimited(Self.consoleSignInLimit) }
            // A sign-in form posted from another site would sign the browser in to someone else's session.
            if let origin = request.headers[.origin], !Self.sameOrigin(origin, host: request.head.authority) {
                metrics.consoleSignInRefusals.increment()
                return Self.html(.forbidden, ConsolePage.signIn(error: ApiError(.forbidden, "CROSS_ORIGIN",
                                                                                "sign in from this server's own /console page")))
            }
            let key: ApiKey
            do throws(ApiError) { key = try signIn(caller.body) } catch {
                metrics.consoleSignInRefusals.increment()
                logger.notice("console sign-in refused", metadata: ["code": "\(error.code)", "ip": "\(context.remoteIP)"])
                return Self.html(error.status, ConsolePage.signIn(error: error))
            }
            let session = consoleSessions.open(keyId: key.key)
            metrics.consoleSignIns.increment()
            logger.notice("console sign-in", metadata: ["staff": "\(key.staff ?? "-")", "role": "\(key.role.rawValue)", "key": "\(key.key)"])
            var response = Self.redirect("/console/home")
            response.headers[.setCookie] = Self.cookie(session.id, maxAge: consoleSessions.lifetimeMillis / 1000, request)
            return response
        }

        register(.get, "/console/home", Self.consoleAccess)
        router.get("/console/home") { [self] request, context in
            let caller: Caller
            do { caller = try await admit(request, context, Self.consoleAccess) } catch let e as ApiError
                where e.status == .unauthorized && request.headers[.harbourKey] == nil {
                return Self.redirect("/console?reason=" + (e.code == "SESSION_EXPIRED" ? e.code : "SESSION_UNKNOWN"))
            }
            try Self.allowOnly([], caller)
            guard let key = caller.key else { throw ApiError.missingAuth("sign in at /console") }
            let csrf = liveConsoleSession(request)?.csrfToken ?? ""
            let reports = ConsoleSection.reports.filter { routeAdmits($0.route, key.role) }.map { (title: $0.title, href: $0.href) }
            let page = ConsolePage.dashboard(staff: key.staff ?? key.key, role: key.role, csrf: csrf,
                                             sections: consoleSections(for: key.role), reports: reports,
                                             symbols: specs.map(\.symbol), idleMillis: consoleSessions.idleMillis)
            return Self.html(.ok, page)
        }

        register(.post, "/console/session/end", Self.consoleAccess)
        router.post("/console/session/end") { [self] request, context in
            let caller = try await admit(request, context, Self.consoleAccess)
            try Self.allowOnly([], caller)
            if let id = ConsoleSessionStore.cookieValue(request.headers[values: .cookie].joined(separator: "; ")) {
                consoleSessions.close(id)
            }
            var response = Self.redirect("/console?reason=SIGNED_OUT")
            response.headers[.setCookie] = Self.cookie("", maxAge: 0, request)
            return response
        }

        register(.get, "/console/assets/{name}", .open)
        router.get("/console/assets/{name}") { [self] request, context in
            let caller = try await admit(request, context, .open)
            try Self.allowOnly([], caller)
            let name = context.parameters.get("name") ?? ""
            let (text, type): (String, String) = switch name {
            case "console.js": (ConsoleScript.source, "text/javascript; charset=utf-8")
            case "console.css": (ConsoleScript.style, "text/css; charset=utf-8")
            default: throw ApiError.notFound("no console asset '\(name)'")
            }
            return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// Checks a sign-in form (`key=…&secret=…`, URL-encoded) and returns the staff key.
    func signIn(_ body: [UInt8]) throws(ApiError) -> ApiKey {
        let form = try Self.formFields(body)
        for name in form.keys where name != "key" && name != "secret" { throw ApiError.unknownField(name) }
        guard let id = form["key"], !id.isEmpty else { throw ApiError.missingField("key") }
        guard let secret = form["secret"], !secret.isEmpty else { throw ApiError.missingField("secret") }
        // Unknown keys still cost a comparison, so timing does not say which keys exist.
        let key = keys.key(id)
        let expected = key?.secret ?? String(repeating: "0", count: 64)
        let matches = RequestAuthenticator.constantTimeEquals(Array(expected.utf8), Array(secret.utf8))
        guard let key, matches else {
            throw ApiError(.unauthorized, "INVALID_CREDENTIALS", "the key and secret do not match a known API key")
        }
        guard key.role.isStaff else {
            if key.role == .marketMaker { throw barrierRefusal(key, action: "POST /console/session", kind: .staffRoute, "the operator console") }
            throw ApiError.forbiddenRole("the console is for staff keys (operations, risk, compliance, supervisor), not \(key.role.rawValue) keys")
        }
        return key
    }

    /// The fields of an `application/x-www-form-urlencoded` body; a field twice is refused.
    static func formFields(_ body: [UInt8]) throws(ApiError) -> [String: String] {
        guard let text = String(validating: body, as: UTF8.self) else { throw ApiError.invalidField("the form is not UTF-8") }
        var out: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) throws(ApiError) -> String {
                guard let d = s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw ApiError.invalidField("the form has a malformed percent-encoding")
                }
                return d
            }
            let name = try decode(parts[0])
            guard out[name] == nil else { throw ApiError.invalidField("field '\(name)' is sent twice") }
            out[name] = try parts.count > 1 ? decode(parts[1]) : ""
        }
        return out
    }

    /// The session cookie (`Secure` when the request came through a TLS proxy).
    static func cookie(_ value: String, maxAge: Int64, _ request: Request) -> String {
        let secure = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" ? "; Secure" : ""
        return "\(ConsoleSessionStore.cookieName)=\(value); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)\(secure)"
    }

    /// What every console page sends: no caching, no framing, scripts and connections only
    /// from this server.
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
        // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on a form post.
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ]

    static func html(_ status: HTTPResponse.Status, _ page: String) -> Response {
        Response(status: status, headers: pageHeaders, body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    static func redirect(_ location: String) -> Response {
        var headers = pageHeaders
        headers[.location] = location
        return Response(status: .seeOther, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "")))
    }
}
