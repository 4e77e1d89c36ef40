import Foundation
import Gateway
import Testing

@Suite("Rate limits and the market-maker information barrier") struct RateLimitAndIsolationTests {
    @Test("a key over its limit gets 429 with Retry-After; every response carries RateLimit headers")
    func rateLimit() async throws {
        try await TestVenue.withLive { v, client in
            let tight = try v.keys.create(role: .client, account: "alice", permissions: [.read],
                                          rateLimit: RateLimitPolicy(requests: 3, perSeconds: 60))
            var remaining: [String?] = []
            for _ in 0..<3 {
                let r = try await v.send(client, .get, "/v1/balances", key: tight)
                #expect(r.status == 200)
                #expect(r.header("RateLimit-Limit") == "3")
                remaining.append(r.header("RateLimit-Remaining"))
            }
            #expect(remaining == ["2", "1", "0"])
            let before = try await v.stateHash()
            let refused = try await v.send(client, .get, "/v1/balances", key: tight)
            #expect(refused.status == 429)
            #expect(refused.code == "RATE_LIMITED")
            #expect(refused.header("Retry-After") != nil)
            #expect(Int(refused.header("Retry-After") ?? "0")! >= 1)
            #expect(refused.header("RateLimit-Remaining") == "0")
            #expect(try await v.stateHash() == before)
            // Other keys have their own buckets.
            #expect(try await v.send(client, .get, "/v1/balances", key: v.alice).status == 200)
            // 20 s later one token (3 per 60 s) is back.
            v.clock.advance(millis: 20_000)
            #expect(try await v.send(client, .get, "/v1/balances", key: tight).status == 200)
            // Public routes are limited per IP and say so too.
            let pub = try await v.send(client, .get, "/v1/time")
            #expect(pub.header("RateLimit-Limit") == "50")
            let missing = try await v.send(client, .get, "/v1/nowhere")
            #expect(missing.header("RateLimit-Remaining") != nil)
        }
    }

    @Test("a market-maker credential sees only its own orders, never another account's (MM-3)")
    func marketMakerBarrier() async throws {
        try await TestVenue.withLive { v, client in
            let aliceOrder = try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "49000", qty: "0.1", clientOrderId: "alice-secret"))
            let aliceId = try #require(aliceOrder.object["orderId"] as? Int)
            let mmOrder = try await v.send(client, .post, "/v1/orders", key: v.mm, body: limitOrder("sell", price: "50500", qty: "0.2", clientOrderId: "mm-1"))
            #expect(mmOrder.status == 200)

            let open = try await v.send(client, .get, "/v1/orders/open", key: v.mm)
            #expect(open.status == 200)
            #expect(open.array.map { $0["clientOrderId"] as? String } == ["mm-1"])
            #expect(!open.text.contains("alice"))
            #expect(!open.array.contains { $0["orderId"] as? Int == aliceId })

            // Naming another account is an attempt at the barrier: refused and logged (InformationBarrierTests).
            let snoop = try await v.send(client, .get, "/v1/orders/open?account=alice", key: v.mm)
            #expect(snoop.status == 403)
            #expect(snoop.code == "INFORMATION_BARRIER")

            let positions = try await v.send(client, .get, "/v1/positions?account=alice", key: v.mm)
            #expect(positions.status == 403)

            let before = try await v.stateHash()
            let cancel = try await v.send(client, .delete, "/v1/orders?symbol=BTC-PERP&orderId=\(aliceId)", key: v.mm)
            // MM-3: naming another account's order is an attempt at the barrier, refused and logged.
            #expect(cancel.status == 403)
            #expect(cancel.code == "INFORMATION_BARRIER")
            #expect(try await v.stateHash() == before)
            let stillOpen = try await v.send(client, .get, "/v1/orders/open", key: v.alice)
            #expect(stillOpen.array.contains { $0["orderId"] as? Int == aliceId })

            let admin = try await v.send(client, .get, "/v1/admin/accounts", key: v.mm)
            #expect(admin.status == 403)

            // When alice's order fills against mm, mm's view names neither alice nor her order id.
            let take = try await v.send(client, .post, "/v1/orders", key: v.mm, body: limitOrder("sell", price: "49000", qty: "0.1"))
            #expect(take.object["status"] as? String == "filled")
            #expect(!take.text.contains("alice"))
        }
    }
}
