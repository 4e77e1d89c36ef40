import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Router answers that used to be wrong (issue 12, item 12): a plain GET of the WebSocket
/// endpoint, methods a path does not have, and identical signed requests in one millisecond.
@Suite("Router errors and request nonces") struct RouterErrorTests {
    @Test("GET /v1/ws without an upgrade is 426 UPGRADE_REQUIRED in the API's error shape")
    func webSocketWithoutUpgrade() async throws {
        try await TestVenue.withLive { v, client in
            let r = try await v.send(client, .get, "/v1/ws")
            #expect(r.status == 426, "\(r.text)")
            #expect(r.code == "UPGRADE_REQUIRED")
            #expect(r.object["message"] is String)
            #expect(r.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(r.header("Upgrade") == "websocket")
        }
    }

    @Test("a method a path does not have is 405 with Allow, on /v1 and on /fapi; unknown paths stay 404")
    func methodNotAllowed() async throws {
        try await TestVenue.withLive { v, client in
            let put = try await v.send(client, .put, "/v1/orders", key: v.alice, body: "{}")
            #expect(put.status == 405, "\(put.text)")
            #expect(put.code == "METHOD_NOT_ALLOWED")
            #expect(put.header("Allow") == "DELETE, PATCH, POST")
            let time = try await v.send(client, .post, "/v1/time", body: "{}")
            #expect(time.status == 405)
            #expect(time.header("Allow") == "GET")
            // A path with a parameter.
            let book = try await v.send(client, .delete, "/v1/book/BTC-PERP")
            #expect(book.status == 405)
            #expect(book.header("Allow") == "GET")
            let ws = try await v.send(client, .post, "/v1/ws")
            #expect(ws.status == 405)
            #expect(ws.header("Allow") == "GET")
            let fapi = try await v.send(client, .put, "/fapi/v1/order")
            #expect(fapi.status == 405, "\(fapi.text)")
            #expect(fapi.object["code"] as? Int == -5000)
            #expect(fapi.object["harbourCode"] as? String == "METHOD_NOT_ALLOWED")
            #expect(fapi.header("Allow") == "DELETE, GET, POST")
            let missing = try await v.send(client, .get, "/v1/nowhere")
            #expect(missing.status == 404)
            #expect(missing.code == "NOT_FOUND")
            #expect(try await v.send(client, .get, "/fapi/v1/nowhere").object["code"] as? Int == -5000)
        }
    }

    @Test("two identical signed requests in one millisecond: the second is a replay unless each carries its own nonce")
    func nonce() async throws {
        try await TestVenue.withLive { v, client in
            let ts = String(v.clock.nowMillis())
            func send(_ clientOrderId: String, nonce: String?, signNonce: String? = nil) async throws -> Reply {
                let body = limitOrder("buy", price: "49000", qty: "0.1", clientOrderId: clientOrderId)
                let sig = RequestAuthenticator.sign(secret: v.alice.secret, timestamp: ts, method: "POST", target: "/v1/orders",
                                                    body: Array(body.utf8), nonce: signNonce ?? nonce)
                var headers = HTTPFieldsBuilder.auth(key: v.alice.key, timestamp: ts, signature: sig)
                headers[.contentType] = "application/json"
                if let nonce { headers[HTTPField.Name("X-Harbour-Nonce")!] = nonce }
                return Reply(response: try await client.execute(uri: "/v1/orders", method: .post, headers: headers, body: .init(string: body)))
            }
            #expect(try await send("a", nonce: nil).status == 200)
            let replay = try await send("a", nonce: nil)
            #expect(replay.status == 401)
            #expect(replay.code == "REPLAYED_REQUEST")
            // Same millisecond, same body, fresh nonces: both accepted.
            #expect(try await send("b", nonce: "n-1").status == 200)
            #expect(try await send("c", nonce: "n-1").status == 200, "the nonce is part of the signed string, not a global id")
            let sameNonce = try await send("b", nonce: "n-1")
            #expect(sameNonce.code == "REPLAYED_REQUEST")
            // The nonce is signed: a header that was not in the signature fails it.
            #expect(try await send("d", nonce: "n-2", signNonce: "n-3").code == "INVALID_SIGNATURE")
            let bad = try await send("e", nonce: "has space")
            #expect(bad.status == 401)
            #expect(bad.code == "INVALID_NONCE")
            let open = try await v.send(client, .get, "/v1/orders/open", key: v.alice)
            #expect(Set(open.array.compactMap { $0["clientOrderId"] as? String }) == ["a", "b", "c"])
        }
    }
}
