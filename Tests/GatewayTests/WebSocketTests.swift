import Engine
import Foundation
import Gateway
import HummingbirdWSTesting
import Sequencer
import Testing

/// Reads text frames as JSON objects until one satisfies `match`.
func waitFor(_ iterator: inout WebSocketInboundMessageStream.AsyncIterator, _ match: ([String: Any]) -> Bool,
             seen: inout [String]) async throws -> [String: Any] {
    while let message = try await iterator.next() {
        guard case .text(let text) = message else { continue }
        seen.append(text)
        if let obj = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], match(obj) { return obj }
    }
    throw WSTestError(description: "socket closed before the expected message; saw \(seen)")
}

struct WSTestError: Error, CustomStringConvertible {
    let description: String
}

func wsAuth(_ key: ApiKey, _ clock: ManualClock) -> String {
    clock.advance(millis: 1)
    let ts = String(clock.nowMillis())
    let sig = RequestAuthenticator.sign(secret: key.secret, timestamp: ts, method: "GET", target: "/v1/ws", body: [])
    return #"{"op":"auth","key":"\#(key.key)","timestamp":\#(ts),"signature":"\#(sig)"}"#
}

@Suite("WebSocket", .timeLimit(.minutes(1))) struct WebSocketTests {
    @Test("a book subscription gets a snapshot, then an update with a later journal sequence after an order")
    func publicBook() async throws {
        try await TestVenue.withLive { v, client in
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var it = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                var seen: [String] = []
                try await outbound.write(.text(#"{"op":"subscribe","channels":["book.BTC-PERP","trades.BTC-PERP"]}"#))
                let snapshot = try await waitFor(&it, { $0["type"] as? String == "snapshot" }, seen: &seen)
                let s0 = try #require(snapshot["sequence"] as? Int)
                #expect((snapshot["asks"] as? [Any])?.isEmpty == true)
                let placed = try await v.send(client, .post, "/v1/orders", key: v.bob, body: limitOrder("sell", price: "50100", qty: "0.2"))
                #expect(placed.status == 200)
                let update = try await waitFor(&it, { $0["type"] as? String == "update" }, seen: &seen)
                #expect(update["channel"] as? String == "book.BTC-PERP")
                #expect((update["sequence"] as? Int ?? 0) > s0)
                #expect(update["sequence"] as? Int == placed.object["sequence"] as? Int)
                #expect(update["asks"] as? [[String]] == [["50100", "0.2"]])
                // A fill: the trades channel carries it without accounts, the book drops the level.
                _ = try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "50100", qty: "0.2"))
                let trade = try await waitFor(&it, { $0["channel"] as? String == "trades.BTC-PERP" }, seen: &seen)
                let data = trade["data"] as? [[String: Any]]
                #expect(data?.first?["qty"] as? String == "0.2")
                let removal = try await waitFor(&it, { $0["type"] as? String == "update" }, seen: &seen)
                #expect(removal["asks"] as? [[String]] == [["50100", "0"]])
                #expect(!seen.joined().contains("alice") && !seen.joined().contains("bob"))
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test("the private stream carries the account's own fill from a WebSocket order, answered with its id")
    func privateFill() async throws {
        try await TestVenue.withLive { v, client in
            _ = try await v.send(client, .post, "/v1/orders", key: v.bob, body: limitOrder("sell", price: "50000", qty: "0.3"))
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var it = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                var seen: [String] = []
                try await outbound.write(.text(#"{"op":"subscribe","channels":["private"]}"#))
                let early = try await waitFor(&it, { $0["op"] as? String == "error" }, seen: &seen)
                #expect(early["code"] as? String == "MISSING_AUTH")
                try await outbound.write(.text(wsAuth(v.alice, v.clock)))
                let ok = try await waitFor(&it, { $0["op"] as? String == "auth" }, seen: &seen)
                #expect(ok["success"] as? Bool == true)
                try await outbound.write(.text(#"{"op":"subscribe","channels":["private"]}"#))
                _ = try await waitFor(&it, { $0["op"] as? String == "subscribed" }, seen: &seen)
                try await outbound.write(.text(#"{"op":"order","id":42,"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"50000","qty":"0.1"}"#))
                let answer = try await waitFor(&it, { $0["op"] as? String == "order" }, seen: &seen)
                #expect(answer["id"] as? Int == 42)
                #expect((answer["result"] as? [String: Any])?["status"] as? String == "filled")
                let fill = try await waitFor(&it, { ($0["data"] as? [String: Any])?["type"] as? String == "fill" }, seen: &seen)
                let d = try #require(fill["data"] as? [String: Any])
                #expect(d["qty"] as? String == "0.1")
                #expect(d["side"] as? String == "buy")
                _ = try await waitFor(&it, { ($0["data"] as? [String: Any])?["type"] as? String == "position" }, seen: &seen)
                // Bad input on the socket is an error message, not a crash.
                try await outbound.write(.text(#"{"op":"order","id":"x","symbol":"BTC-PERP","side":"buy","orderType":"limit","price":50000,"qty":"0.1"}"#))
                let bad = try await waitFor(&it, { $0["op"] as? String == "error" }, seen: &seen)
                #expect(bad["id"] as? String == "x")
                #expect(bad["code"] as? String == "INVALID_FIELD")
                #expect(!seen.joined().contains("bob"))
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test("cancel-on-disconnect cancels the account's resting orders when the socket closes")
    func cancelOnDisconnect() async throws {
        try await TestVenue.withLive { v, client in
            let outcomes = v.host.subscribe()
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var it = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                var seen: [String] = []
                try await outbound.write(.text(wsAuth(v.alice, v.clock)))
                _ = try await waitFor(&it, { $0["op"] as? String == "auth" }, seen: &seen)
                try await outbound.write(.text(#"{"op":"cancelOnDisconnect","enabled":true}"#))
                let ack = try await waitFor(&it, { $0["op"] as? String == "cancelOnDisconnect" }, seen: &seen)
                #expect(ack["enabled"] as? Bool == true)
                for (i, price) in ["49000", "48000"].enumerated() {
                    try await outbound.write(.text(#"{"op":"order","id":\#(i),"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"\#(price)","qty":"0.1"}"#))
                    let a = try await waitFor(&it, { $0["op"] as? String == "order" }, seen: &seen)
                    #expect((a["result"] as? [String: Any])?["status"] as? String == "new")
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let alice = try await v.host.read { $0.accountID(named: "alice")! }
            var canceled = 0
            for await outcome in outcomes {
                if case .cancelAll(let account, nil) = outcome.command, account == alice {
                    for e in outcome.events { if case .canceled = e { canceled += 1 } }
                    break
                }
            }
            #expect(canceled == 2)
            let resting = try await v.host.read { $0.restingOrders(account: alice, instrument: InstrumentID(0)).count }
            #expect(resting == 0)
        }
    }
}
