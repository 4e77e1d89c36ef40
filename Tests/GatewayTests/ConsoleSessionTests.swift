import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The operator console's sessions (OPS-2, DECISIONS 37): the store on an injected clock
/// (idle timeout, absolute lifetime, sign-out, CSRF comparison, cookie parsing), and over
/// HTTP sign-in by role, the cookie's attributes, the same role checks as the API, CSRF on
/// state changes, expiry and sign-out. No sleeps: time moves by hand.
@Suite("Console sessions", .timeLimit(.minutes(2))) struct ConsoleSessionTests {
    @Test("a session lives while used, ends when idle or too old, and at sign-out")
    func storeExpiry() throws {
        let clock = ManualClock(millis: 1_000_000)
        let store = ConsoleSessionStore(clock: clock, idleMillis: 1000, lifetimeMillis: 5000)
        let s = store.open(keyId: "hk_1")
        #expect(s.id.count == 64 && s.csrfToken.count == 64 && s.id != s.csrfToken)
        #expect(store.open(keyId: "hk_1").id != s.id, "each sign-in gets a fresh id")
        clock.advance(millis: 999)
        #expect(try store.resolve(s.id).keyId == "hk_1")        // used: the idle timer restarts
        clock.advance(millis: 999)
        #expect(try store.resolve(s.id).keyId == "hk_1")
        clock.advance(millis: 1000)
        #expect(throws: ConsoleSessionStore.Refusal.expired) { try store.resolve(s.id) }
        // Every later use of the expired cookie says why (a tombstone), and never revives it.
        #expect(throws: ConsoleSessionStore.Refusal.expired) { try store.resolve(s.id) }
        clock.advance(millis: 3000)
        #expect(throws: ConsoleSessionStore.Refusal.expired) { try store.resolve(s.id) }
        // One lifetime after it expired the tombstone goes: then the id is unknown.
        clock.advance(millis: 2000)
        #expect(throws: ConsoleSessionStore.Refusal.unknown) { try store.resolve(s.id) }
        // The absolute lifetime holds however busy the session is.
        let busy = store.open(keyId: "hk_2")
        for _ in 0..<4 { clock.advance(millis: 999); _ = try store.resolve(busy.id) }
        clock.advance(millis: 999)
        #expect(try store.resolve(busy.id).keyId == "hk_2")
        clock.advance(millis: 5)
        #expect(throws: ConsoleSessionStore.Refusal.expired) { try store.resolve(busy.id) }
        let ended = store.open(keyId: "hk_3")
        store.close(ended.id)
        #expect(throws: ConsoleSessionStore.Refusal.unknown) { try store.resolve(ended.id) }
        #expect(throws: ConsoleSessionStore.Refusal.unknown) { try store.resolve("") }
    }

    @Test("CSRF tokens compare exactly; the cookie is found among others")
    func csrfAndCookie() {
        let store = ConsoleSessionStore(clock: ManualClock(millis: 0))
        let s = store.open(keyId: "k")
        #expect(ConsoleSessionStore.csrfMatches(s, s.csrfToken))
        #expect(!ConsoleSessionStore.csrfMatches(s, nil))
        #expect(!ConsoleSessionStore.csrfMatches(s, ""))
        #expect(!ConsoleSessionStore.csrfMatches(s, String(s.csrfToken.dropLast())))
        #expect(!ConsoleSessionStore.csrfMatches(s, s.id))
        #expect(ConsoleSessionStore.cookieValue("a=1; harbour_console=abc; b=2") == "abc")
        #expect(ConsoleSessionStore.cookieValue("xharbour_console=abc") == nil)
        #expect(ConsoleSessionStore.cookieValue("harbour_console=") == nil)
        #expect(ConsoleSessionStore.cookieValue(nil) == nil)
        #expect(GatewayCore.sameOrigin("http://127.0.0.1:8080", host: "127.0.0.1:8080"))
        #expect(!GatewayCore.sameOrigin("http://evil.example", host: "127.0.0.1:8080"))
        #expect(!GatewayCore.sameOrigin("null", host: "127.0.0.1:8080"))
    }

    // MARK: - Over HTTP

    static func signIn(_ venue: TestVenue, _ client: any TestClientProtocol, _ key: ApiKey, secret: String? = nil) async throws -> Reply {
        let form = "key=\(key.key)&secret=\(secret ?? key.secret)"
        let r = try await client.execute(uri: "/console/session", method: .post,
                                         headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form))
        return Reply(response: r)
    }

    /// The session id in a sign-in answer's Set-Cookie.
    static func sessionId(_ reply: Reply) -> String? {
        guard let c = reply.header("Set-Cookie") else { return nil }
        return ConsoleSessionStore.cookieValue(String(c.split(separator: ";").first ?? ""))
    }

    static func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, session: String,
                     csrf: String? = nil, origin: String? = nil, body: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [.cookie: "\(ConsoleSessionStore.cookieName)=\(session)"]
        if let csrf { headers[.csrfToken] = csrf }
        if let origin { headers[.origin] = origin }
        if body != nil { headers[.contentType] = "application/json" }
        let r = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return Reply(response: r)
    }

    static func csrf(in page: String) -> String? {
        guard let r = page.range(of: #"<meta name="csrf-token" content=""#) else { return nil }
        return String(page[r.upperBound...].prefix { $0 != "\"" })
    }

    @Test("staff sign in to a cookie session; client keys are refused, market makers at the barrier; wrong secrets say nothing more")
    func signInByRole() async throws {
        try await TestVenue.withLive { v, client in
            let reply = try await Self.signIn(v, client, v.risk)
            #expect(reply.status == 303 && reply.header("Location") == "/console/home", "\(reply.status) \(reply.text)")
            let cookie = reply.header("Set-Cookie") ?? ""
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), "\(cookie)")
            #expect(!cookie.contains(v.risk.secret) && !cookie.contains(v.risk.key))
            let client1 = try await Self.signIn(v, client, v.alice)
            #expect(client1.status == 403 && client1.text.contains("FORBIDDEN_ROLE") && client1.header("Set-Cookie") == nil, "\(client1.text)")
            let mm = try await Self.signIn(v, client, v.mm)
            #expect(mm.status == 403 && mm.text.contains("INFORMATION_BARRIER") && mm.header("Set-Cookie") == nil, "\(mm.text)")
            let wrong = try await Self.signIn(v, client, v.risk, secret: String(repeating: "a", count: 64))
            #expect(wrong.status == 401 && wrong.text.contains("INVALID_CREDENTIALS") && wrong.header("Set-Cookie") == nil)
            let unknown = try await client.execute(uri: "/console/session", method: .post, headers: [:],
                                                   body: ByteBuffer(string: "key=hk_nobody&secret=x"))
            #expect(unknown.status == .unauthorized && String(buffer: unknown.body).contains("INVALID_CREDENTIALS"))
            let extra = try await client.execute(uri: "/console/session", method: .post, headers: [:],
                                                 body: ByteBuffer(string: "key=a&secret=b&role=risk"))
            #expect(extra.status == .badRequest && String(buffer: extra.body).contains("UNKNOWN_FIELD"))
            let foreign = try await client.execute(uri: "/console/session", method: .post, headers: [.origin: "http://evil.example"],
                                                   body: ByteBuffer(string: "key=\(v.risk.key)&secret=\(v.risk.secret)"))
            #expect(foreign.status == .forbidden && String(buffer: foreign.body).contains("CROSS_ORIGIN") && foreign.headers[.setCookie] == nil)
            let missing = try await client.execute(uri: "/console/session", method: .post, headers: [:], body: ByteBuffer(string: "key=a"))
            #expect(missing.status == .badRequest && String(buffer: missing.body).contains("MISSING_FIELD"))
        }
    }

    @Test("the dashboard holds each role's views and actions only, never the key; the API refuses other roles' routes through the cookie")
    func viewsByRole() async throws {
        try await TestVenue.withLive { v, client in
            let expected: [(ApiKey, Set<String>)] = [
                (v.op, ["health", "book", "mark", "oi", "fund", "financing", "accounts", "approvals"]),
                (v.risk, ["health", "book", "mark", "oi", "fund", "financing", "accounts", "atrisk", "alerts", "stress", "approvals"]),
                (v.compliance, ["health", "book", "mark", "oi", "fund", "financing", "accounts", "surveillance", "obligations", "pi", "approvals"]),
                (v.supervisor, ["health", "book", "mark", "oi", "fund", "financing", "accounts", "atrisk", "alerts", "stress", "surveillance",
                                "obligations", "pi", "approvals"]),
            ]
            let all = Set(ConsoleSection.all.map(\.id))
            for (key, views) in expected {
                let id = try #require(Self.sessionId(try await Self.signIn(v, client, key)))
                let page = try await Self.call(client, .get, "/console/home", session: id)
                #expect(page.status == 200, "\(key.role): \(page.text)")
                for view in all {
                    #expect(page.text.contains("data-view=\"\(view)\"") == views.contains(view), "\(key.role) and view \(view)")
                }
                #expect(!page.text.contains(key.secret) && !page.text.contains(key.key), "the page holds the key")
                #expect(page.text.contains("id=\"staff-role\">\(key.role.rawValue)<"))
                // Actions: compliance reviews, closes, approves; the supervisor reads only.
                if key.role == .compliance {
                    #expect(page.text.contains(#"data-view="surveillance" data-actions="assign review close""#))
                    #expect(page.text.contains(#"data-view="approvals" data-actions="approve reject""#))
                }
                if key.role == .supervisor { #expect(!page.text.contains(#"data-actions="assign"#) && !page.text.contains(#"data-actions="approve"#)) }
                // The same API rule through the cookie.
                let alerts = try await Self.call(client, .get, "/v1/risk/alerts", session: id)
                #expect((alerts.status == 403) == ![.risk, .supervisor].contains(key.role), "\(key.role): \(alerts.text)")
                let requests = try await Self.call(client, .get, "/v1/compliance/surveillance/alerts", session: id)
                #expect((requests.status == 403) == ![.compliance, .supervisor].contains(key.role), "\(key.role): \(requests.text)")
                if requests.status == 403 { #expect(requests.code == "FORBIDDEN_ROLE") }
                let accounts = try await Self.call(client, .get, "/v1/admin/accounts", session: id)
                #expect(accounts.status == 200 && accounts.array.count == 3)
            }
            // No session: the dashboard sends the browser to sign in; the API says why.
            let none = try await client.execute(uri: "/console/home", method: .get)
            #expect(none.status == .seeOther && none.headers[.location] == "/console?reason=SESSION_UNKNOWN")
            let bogus = try await Self.call(client, .get, "/v1/admin/accounts", session: String(repeating: "0", count: 64))
            #expect(bogus.status == 401 && bogus.code == "SESSION_UNKNOWN")
        }
    }

    @Test("a state change through the cookie needs the session's CSRF token and this server's origin")
    func csrf() async throws {
        try await TestVenue.withLive { v, client in
            let id = try #require(Self.sessionId(try await Self.signIn(v, client, v.compliance)))
            let page = try await Self.call(client, .get, "/console/home", session: id)
            let token = try #require(Self.csrf(in: page.text))
            #expect(token.count == 64)
            let before = try await v.stateHash()
            let propose = #"{"requestId":"lc-1","account":"alice","symbol":"BTC-PERP","leverage":5,"reason":"console test"}"#
            let noToken = try await Self.call(client, .post, "/v1/compliance/leverage-caps", session: id, body: propose)
            #expect(noToken.status == 403 && noToken.code == "CSRF_TOKEN_MISSING", "\(noToken.text)")
            let wrong = try await Self.call(client, .post, "/v1/compliance/leverage-caps", session: id, csrf: String(repeating: "f", count: 64), body: propose)
            #expect(wrong.status == 403 && wrong.code == "CSRF_TOKEN_INVALID", "\(wrong.text)")
            let foreign = try await Self.call(client, .post, "/v1/compliance/leverage-caps", session: id, csrf: token,
                                              origin: "http://evil.example", body: propose)
            #expect(foreign.status == 403 && foreign.code == "CROSS_ORIGIN", "\(foreign.text)")
            #expect(try await v.stateHash() == before, "a refused console request changed the venue")
            let ok = try await Self.call(client, .post, "/v1/compliance/leverage-caps", session: id, csrf: token, body: propose)
            #expect(ok.status == 200, "\(ok.text)")
            let pending = try await Self.call(client, .get, "/v1/compliance/requests", session: id)
            #expect(pending.array.first?["maker"] as? String == "maya", "the maker is the session's staff name: \(pending.text)")
            // Sign-out is a state change too.
            let out = try await Self.call(client, .post, "/console/session/end", session: id)
            #expect(out.status == 403 && out.code == "CSRF_TOKEN_MISSING")
        }
    }

    @Test("a session expires when idle and at sign-out; the dashboard then asks to sign in again")
    func expiryAndSignOut() async throws {
        try await TestVenue.withLive { v, client in
            let id = try #require(Self.sessionId(try await Self.signIn(v, client, v.op)))
            #expect(try await Self.call(client, .get, "/v1/admin/accounts", session: id).status == 200)
            v.clock.advance(millis: ConsoleSessionStore.defaultIdleMillis - 1)
            #expect(try await Self.call(client, .get, "/v1/admin/accounts", session: id).status == 200)
            v.clock.advance(millis: ConsoleSessionStore.defaultIdleMillis)
            let expired = try await Self.call(client, .get, "/v1/admin/accounts", session: id)
            #expect(expired.status == 401 && expired.code == "SESSION_EXPIRED", "\(expired.text)")
            // A second use of the expired cookie (another poll in flight) still says why.
            let again = try await Self.call(client, .get, "/v1/admin/accounts", session: id)
            #expect(again.status == 401 && again.code == "SESSION_EXPIRED", "\(again.text)")
            let id2 = try #require(Self.sessionId(try await Self.signIn(v, client, v.op)))
            v.clock.advance(millis: ConsoleSessionStore.defaultIdleMillis)
            let page = try await Self.call(client, .get, "/console/home", session: id2)
            #expect(page.status == 303 && page.header("Location") == "/console?reason=SESSION_EXPIRED")
            let id3 = try #require(Self.sessionId(try await Self.signIn(v, client, v.op)))
            let token = try #require(Self.csrf(in: try await Self.call(client, .get, "/console/home", session: id3).text))
            let out = try await Self.call(client, .post, "/console/session/end", session: id3, csrf: token)
            #expect(out.status == 303 && out.header("Set-Cookie")?.contains("Max-Age=0") == true)
            let after = try await Self.call(client, .get, "/v1/admin/accounts", session: id3)
            #expect(after.status == 401 && after.code == "SESSION_UNKNOWN")
            // The sign-in page shows the reason; an unknown one is refused with a code.
            let signin = try await client.execute(uri: "/console?reason=SESSION_EXPIRED", method: .get)
            #expect(signin.status == .ok && String(buffer: signin.body).contains("Your session expired"))
            let odd = try await client.execute(uri: "/console?reason=whatever", method: .get)
            #expect(odd.status == .badRequest && String(buffer: odd.body).contains("INVALID_PARAMETER"))
            let asset = try await client.execute(uri: "/console/assets/console.js", method: .get)
            #expect(asset.status == .ok && asset.headers[.contentType]?.hasPrefix("text/javascript") == true)
            let missingAsset = try await client.execute(uri: "/console/assets/nope.js", method: .get)
            #expect(missingAsset.status == .notFound)
        }
    }

    @Test("the liquidation watch lists positions nearest their trigger from the index, with ADL queue sizes")
    func liquidationWatch() async throws {
        try await TestVenue.withLive { v, client in
            #expect(try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("sell", price: "50000", qty: "1")).status == 200)
            #expect(try await v.send(client, .post, "/v1/orders", key: v.bob, body: #"{"symbol":"BTC-PERP","side":"buy","orderType":"market","qty":"1"}"#).status == 200)
            let watch = try await v.send(client, .get, "/v1/risk/liquidation-watch?limit=5", key: v.risk)
            #expect(watch.status == 200, "\(watch.text)")
            let rows = watch.object["accounts"] as? [[String: Any]] ?? []
            // The short (alice) has a trigger above the mark; bob's long is backed so well that it has none.
            #expect(rows.contains { $0["account"] as? String == "alice" && $0["side"] as? String == "short" }, "\(watch.text)")
            #expect(Set(rows.compactMap { $0["account"] as? String }).isSubset(of: ["alice", "bob"]), "\(watch.text)")
            #expect(rows.allSatisfy { $0["triggerPrice"] is String && $0["markPrice"] is String && $0["distanceBps"] is Int }, "\(watch.text)")
            let queues = watch.object["adlQueues"] as? [[String: Any]] ?? []
            #expect(queues.first?["symbol"] as? String == "BTC-PERP" && queues.first?["longs"] as? Int == 1 && queues.first?["shorts"] as? Int == 1, "\(watch.text)")
            #expect(try await v.send(client, .get, "/v1/risk/liquidation-watch", key: v.compliance).status == 403)
            #expect(try await v.send(client, .get, "/v1/risk/liquidation-watch?limit=0", key: v.risk).code == "INVALID_PARAMETER")
        }
    }

    @Test("a console session's cookie on a same-origin WebSocket upgrade stands for a risk or supervisor key, nobody else's")
    func webSocketUpgradeKey() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let (core, _) = RouteRoleMatrixTests.core(venue)
        func upgrade(_ key: ApiKey?, origin: String?, host: String = "127.0.0.1:8080") -> ApiKey? {
            var fields = HTTPFields()
            if let key { fields[.cookie] = "\(ConsoleSessionStore.cookieName)=\(core.consoleSessions.open(keyId: key.key).id)" }
            if let origin { fields[.origin] = origin }
            let head = HTTPRequest(method: .get, scheme: "http", authority: host, path: "/v1/ws", headerFields: fields)
            return core.consoleWebSocketKey(Request(head: head, body: RequestBody(buffer: ByteBuffer())))
        }
        #expect(upgrade(venue.risk, origin: "http://127.0.0.1:8080")?.key == venue.risk.key)
        #expect(upgrade(venue.supervisor, origin: "http://127.0.0.1:8080")?.key == venue.supervisor.key)
        #expect(upgrade(venue.risk, origin: "http://evil.example") == nil, "another site's page rides the cookie")
        #expect(upgrade(venue.risk, origin: "http://127.0.0.1:9999") == nil)
        #expect(upgrade(venue.risk, origin: nil) == nil, "no Origin: not a browser page of this server")
        #expect(upgrade(venue.compliance, origin: "http://127.0.0.1:8080") == nil, "compliance has no stream")
        #expect(upgrade(venue.op, origin: "http://127.0.0.1:8080") == nil, "operations has no stream")
        #expect(upgrade(nil, origin: "http://127.0.0.1:8080") == nil)
    }
}
