import Foundation
@testable import Gateway
import HummingbirdWSTesting
import Testing

/// WebSocket order entry goes through `GatewayCore.authorize` and `GatewayCore.enqueue`,
/// exactly like `POST /v1/orders` (issue 12, item 7).
@Suite("WebSocket order authorization", .timeLimit(.minutes(1))) struct WebSocketOrderAuthorizationTests {
    static let order = #"{"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.1"}"#

    static func wsOrder(_ id: Int) -> String {
        #"{"op":"order","id":\#(id),"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.1"}"#
    }

    @Test("a WebSocket order past the key's rate limit is refused with REST's code and message, from the same bucket")
    func rateLimitShared() async throws {
        try await TestVenue.withLive { v, client in
            let tight = try v.keys.create(role: .client, account: "alice", permissions: [.read, .trade],
                                          rateLimit: RateLimitPolicy(requests: 2, perSeconds: 60))
            // One token spent over REST, one over WebSocket: the third request, on either API, is refused.
            #expect(try await v.send(client, .post, "/v1/orders", key: tight, body: Self.order).status == 200)
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var inbox = Inbox(inbound)
                try await outbound.write(.text(wsAuth(tight, v.clock)))
                _ = try await inbox.next({ $0["op"] as? String == "auth" })
                try await outbound.write(.text(Self.wsOrder(1)))
                let first = try await inbox.next({ $0["id"] as? Int == 1 })
                #expect(first["op"] as? String == "order", "\(first)")
                let before = try await v.stateHash()
                try await outbound.write(.text(Self.wsOrder(2)))
                let refusedWS = try await inbox.next({ $0["id"] as? Int == 2 })
                let refusedREST = try await v.send(client, .post, "/v1/orders", key: tight, body: Self.order)
                #expect(refusedREST.status == 429)
                #expect(refusedWS["op"] as? String == "error")
                #expect(refusedWS["code"] as? String == "RATE_LIMITED")
                #expect(refusedWS["code"] as? String == refusedREST.code)
                #expect(refusedWS["message"] as? String == refusedREST.object["message"] as? String)
                #expect(try await v.stateHash() == before, "a refused order changed state")
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test("the checks run in REST's order: a read-only key over its limit is told RATE_LIMITED on both APIs, not MISSING_PERMISSION")
    func checkOrder() async throws {
        try await TestVenue.withLive { v, client in
            let tight = try v.keys.create(role: .client, account: "alice", permissions: [.read],
                                          rateLimit: RateLimitPolicy(requests: 1, perSeconds: 60))
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var inbox = Inbox(inbound)
                try await outbound.write(.text(wsAuth(tight, v.clock)))
                _ = try await inbox.next({ $0["op"] as? String == "auth" })
                #expect(try await v.send(client, .get, "/v1/balances", key: tight).status == 200)
                let rest = try await v.send(client, .post, "/v1/orders", key: tight, body: Self.order)
                #expect(rest.status == 429)
                try await outbound.write(.text(Self.wsOrder(9)))
                let refused = try await inbox.next({ $0["id"] as? Int == 9 })
                #expect(refused["code"] as? String == "RATE_LIMITED", "\(refused)")
                #expect(refused["message"] as? String == rest.object["message"] as? String)
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test("a WebSocket order without the trade permission, or from a role that may not trade, is refused as REST refuses it")
    func permissionAndRole() async throws {
        try await TestVenue.withLive { v, client in
            for key in [v.aliceReadOnly, v.supervisor] {
                let rest = try await v.send(client, .post, "/v1/orders", key: key, body: Self.order)
                #expect(rest.status == 403)
                try await client.ws("/v1/ws") { inbound, outbound, _ in
                    var inbox = Inbox(inbound)
                    try await outbound.write(.text(wsAuth(key, v.clock)))
                    _ = try await inbox.next({ $0["op"] as? String == "auth" })
                    let before = try await v.stateHash()
                    try await outbound.write(.text(Self.wsOrder(7)))
                    let refused = try await inbox.next({ $0["id"] as? Int == 7 })
                    #expect(refused["op"] as? String == "error")
                    #expect(refused["code"] as? String == rest.code, "\(refused) vs \(rest.text)")
                    #expect(refused["message"] as? String == rest.object["message"] as? String)
                    #expect(try await v.stateHash() == before)
                    try await outbound.close(.normalClosure, reason: nil)
                }
            }
            #expect(try await v.send(client, .post, "/v1/orders", key: v.aliceReadOnly, body: Self.order).code == "MISSING_PERMISSION")
            #expect(try await v.send(client, .post, "/v1/orders", key: v.supervisor, body: Self.order).code == "FORBIDDEN_ROLE")
        }
    }

    @Test("a WebSocket order is timed by the submit-latency metric, like a REST order")
    func submitMetric() async throws {
        try await TestVenue.withLive { v, client in
            func submits() async throws -> Int {
                let text = try await v.send(client, .get, "/metrics").text
                let line = text.split(separator: "\n").first { $0.hasPrefix("harbour_engine_submit_seconds_count") }
                return Int(line?.split(separator: " ").last ?? "0") ?? 0
            }
            let before = try await submits()
            #expect(try await v.send(client, .post, "/v1/orders", key: v.alice, body: Self.order).status == 200)
            let afterREST = try await submits()
            #expect(afterREST == before + 1)
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var inbox = Inbox(inbound)
                try await outbound.write(.text(wsAuth(v.alice, v.clock)))
                _ = try await inbox.next({ $0["op"] as? String == "auth" })
                try await outbound.write(.text(Self.wsOrder(3)))
                let answer = try await inbox.next({ $0["id"] as? Int == 3 })
                #expect(answer["op"] as? String == "order")
                try await outbound.close(.normalClosure, reason: nil)
            }
            #expect(try await submits() == afterREST + 1)
        }
    }
}
