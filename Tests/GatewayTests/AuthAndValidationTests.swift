import Foundation
import Gateway
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Every refusal: the right status and code, and the venue state unchanged.
@Suite("Authentication, roles and validation") struct AuthAndValidationTests {
    static let order = limitOrder("buy", price: "49000", qty: "0.1")

    /// Sends, then checks status, code and that the state hash did not move.
    static func refused(_ v: TestVenue, _ status: Int, _ code: String, _ send: () async throws -> Reply,
                        sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try await v.stateHash()
        let r = try await send()
        #expect(r.status == status, "\(r.text)", sourceLocation: sourceLocation)
        #expect(r.code == code, "\(r.text)", sourceLocation: sourceLocation)
        #expect(r.object["message"] is String, sourceLocation: sourceLocation)
        #expect(r.header("Content-Type")?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        let after = try await v.stateHash()
        #expect(before == after, "state changed on a refused request", sourceLocation: sourceLocation)
    }

    @Test("bad signature, expired timestamp, unknown key and missing headers are 401 and change nothing")
    func authentication() async throws {
        try await TestVenue.withLive { v, client in
            try await Self.refused(v, 401, "INVALID_SIGNATURE") {
                try await v.send(client, .post, "/v1/orders", key: v.alice, body: Self.order, signature: String(repeating: "ab", count: 32))
            }
            try await Self.refused(v, 401, "INVALID_SIGNATURE") {
                // Signed with bob's secret but presented as alice's key.
                let forged = ApiKeyForgery.key(v.alice.key, secretOf: v.bob)
                return try await v.send(client, .post, "/v1/orders", key: forged, body: Self.order)
            }
            try await Self.refused(v, 401, "TIMESTAMP_OUTSIDE_WINDOW") {
                try await v.send(client, .post, "/v1/orders", key: v.alice, body: Self.order, timestampOffset: -10_000)
            }
            try await Self.refused(v, 401, "TIMESTAMP_OUTSIDE_WINDOW") {
                try await v.send(client, .post, "/v1/orders", key: v.alice, body: Self.order, timestampOffset: 6_000)
            }
            try await Self.refused(v, 401, "UNKNOWN_API_KEY") {
                try await v.send(client, .post, "/v1/orders", key: ApiKeyForgery.key("hk_000000000000000000000000", secretOf: v.alice), body: Self.order)
            }
            try await Self.refused(v, 401, "MISSING_AUTH") {
                try await v.send(client, .post, "/v1/orders", body: Self.order)
            }
        }
    }

    @Test("a replayed request is refused and not executed twice")
    func replay() async throws {
        try await TestVenue.withLive { v, client in
            let ts = String(v.clock.nowMillis())
            let body = limitOrder("buy", price: "49000", qty: "0.1", clientOrderId: "once")
            let sig = RequestAuthenticator.sign(secret: v.alice.secret, timestamp: ts, method: "POST", target: "/v1/orders", body: Array(body.utf8))
            func send() async throws -> Reply {
                var headers = HTTPFieldsBuilder.auth(key: v.alice.key, timestamp: ts, signature: sig)
                headers[.contentType] = "application/json"
                let r = try await client.execute(uri: "/v1/orders", method: .post, headers: headers, body: .init(string: body))
                return Reply(response: r)
            }
            let first = try await send()
            #expect(first.status == 200, "\(first.text)")
            try await Self.refused(v, 401, "REPLAYED_REQUEST") { try await send() }
            let open = try await v.send(client, .get, "/v1/orders/open", key: v.alice)
            #expect(open.array.count == 1)
        }
    }

    @Test("roles and permissions: client on admin route, supervisor placing, read-only key trading")
    func roles() async throws {
        try await TestVenue.withLive { v, client in
            try await Self.refused(v, 403, "FORBIDDEN_ROLE") {
                try await v.send(client, .post, "/v1/admin/deposits", key: v.alice, body: #"{"account":"alice","asset":"USD","amount":"1000"}"#)
            }
            try await Self.refused(v, 403, "INFORMATION_BARRIER") {
                try await v.send(client, .get, "/v1/admin/accounts", key: v.mm)
            }
            try await Self.refused(v, 403, "FORBIDDEN_ROLE") {
                try await v.send(client, .post, "/v1/orders", key: v.supervisor, body: Self.order)
            }
            try await Self.refused(v, 403, "FORBIDDEN_ROLE") {
                try await v.send(client, .post, "/v1/admin/accounts", key: v.supervisor, body: #"{"account":"eve"}"#)
            }
            try await Self.refused(v, 403, "FORBIDDEN_ROLE") {
                try await v.send(client, .post, "/v1/orders", key: v.op, body: Self.order)
            }
            try await Self.refused(v, 403, "MISSING_PERMISSION") {
                try await v.send(client, .post, "/v1/orders", key: v.aliceReadOnly, body: Self.order)
            }
            let readOnly = try await v.send(client, .get, "/v1/balances", key: v.aliceReadOnly)
            #expect(readOnly.status == 200)
        }
    }

    @Test("unknown symbol, malformed JSON, wrong types, unknown fields, oversized body, unknown route")
    func validation() async throws {
        try await TestVenue.withLive { v, client in
            try await Self.refused(v, 404, "UNKNOWN_SYMBOL") {
                try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "1", qty: "1", symbol: "DOGE-PERP"))
            }
            try await Self.refused(v, 404, "UNKNOWN_SYMBOL") { try await v.send(client, .get, "/v1/book/DOGE-PERP") }
            try await Self.refused(v, 400, "MALFORMED_JSON") {
                try await v.send(client, .post, "/v1/orders", key: v.alice, body: #"{"symbol":"BTC-PERP","#)
            }
            try await Self.refused(v, 400, "MALFORMED_JSON") {
                try await v.send(client, .post, "/v1/orders", key: v.alice, body: #"["not","an","object"]"#)
            }
            try await Self.refused(v, 400, "INVALID_FIELD") {
                try await v.send(client, .post, "/v1/orders", key: v.alice,
                                 body: #"{"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":0.1}"#)
            }
            try await Self.refused(v, 400, "INVALID_FIELD") {
                try await v.send(client, .post, "/v1/orders", key: v.alice,
                                 body: #"{"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.1","reduceOnly":"yes"}"#)
            }
            try await Self.refused(v, 400, "INVALID_FIELD") {
                try await v.send(client, .post, "/v1/orders", key: v.alice,
                                 body: #"{"symbol":7,"side":"buy","orderType":"limit","price":"49000","qty":"0.1"}"#)
            }
            try await Self.refused(v, 400, "UNKNOWN_FIELD") {
                try await v.send(client, .post, "/v1/orders", key: v.alice,
                                 body: #"{"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.1","account":"bob"}"#)
            }
            try await Self.refused(v, 400, "MISSING_FIELD") {
                try await v.send(client, .post, "/v1/orders", key: v.alice, body: #"{"symbol":"BTC-PERP","side":"buy","orderType":"limit"}"#)
            }
            try await Self.refused(v, 400, "MALFORMED_COMMAND") {
                try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("sideways", price: "49000", qty: "0.1"))
            }
            try await Self.refused(v, 413, "BODY_TOO_LARGE") {
                let padding = String(repeating: "x", count: 70 * 1024)
                return try await v.send(client, .post, "/v1/orders", key: v.alice,
                                        body: #"{"symbol":"BTC-PERP","clientOrderId":"\#(padding)"}"#)
            }
            try await Self.refused(v, 404, "NOT_FOUND") { try await v.send(client, .get, "/v1/nothing-here") }
            try await Self.refused(v, 400, "INVALID_PARAMETER") { try await v.send(client, .get, "/v1/book/BTC-PERP?depth=abc") }
        }
    }
}

/// Keys made up by a test to present wrong credentials.
enum ApiKeyForgery {
    /// `id` presented with another key's secret.
    static func key(_ id: String, secretOf other: ApiKey) -> ApiKey {
        ApiKey(key: id, secret: other.secret, role: other.role, account: other.account, permissions: other.permissions,
               rateLimit: other.rateLimit, createdAt: 0)
    }
}
