import Engine
import Foundation
import Gateway
import HarbourCore
import HummingbirdWSTesting
import WSCore
import Sequencer
import Testing

/// The messages a test socket received, taken out in any order: `next` returns the
/// first message (already received or still to come) that satisfies `match`, so a
/// message that arrives before the one a test waits for is kept, not lost.
struct Inbox {
    var iterator: WebSocketInboundMessageStream.AsyncIterator
    var pending: [[String: Any]] = []
    var all: [String] = []

    init(_ inbound: WebSocketInboundStream) { iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator() }

    mutating func next(_ match: ([String: Any]) -> Bool) async throws -> [String: Any] {
        if let i = pending.firstIndex(where: match) { return pending.remove(at: i) }
        while let message = try await iterator.next() {
            guard case .text(let text) = message else { continue }
            all.append(text)
            guard let obj = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
            if match(obj) { return obj }
            pending.append(obj)
        }
        throw WSTestError(description: "socket closed before the expected message; saw \(all)")
    }
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
                var inbox = Inbox(inbound)
                try await outbound.write(.text(#"{"op":"subscribe","channels":["book.BTC-PERP","trades.BTC-PERP"]}"#))
                let snapshot = try await inbox.next({ $0["type"] as? String == "snapshot" })
                let s0 = try #require(snapshot["sequence"] as? Int)
                #expect((snapshot["asks"] as? [Any])?.isEmpty == true)
                let placed = try await v.send(client, .post, "/v1/orders", key: v.bob, body: limitOrder("sell", price: "50100", qty: "0.2"))
                #expect(placed.status == 200)
                let update = try await inbox.next({ $0["type"] as? String == "update" })
                #expect(update["channel"] as? String == "book.BTC-PERP")
                #expect((update["sequence"] as? Int ?? 0) > s0)
                #expect(update["sequence"] as? Int == placed.object["sequence"] as? Int)
                #expect(update["asks"] as? [[String]] == [["50100", "0.2"]])
                // A fill: the trades channel carries it without accounts, the book drops the level.
                _ = try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "50100", qty: "0.2"))
                let trade = try await inbox.next({ $0["channel"] as? String == "trades.BTC-PERP" })
                let data = trade["data"] as? [[String: Any]]
                #expect(data?.first?["qty"] as? String == "0.2")
                let removal = try await inbox.next({ $0["type"] as? String == "update" })
                #expect(removal["asks"] as? [[String]] == [["50100", "0"]])
                #expect(!inbox.all.joined().contains("alice") && !inbox.all.joined().contains("bob"))
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test("the private stream carries the account's own fill from a WebSocket order, answered with its id")
    func privateFill() async throws {
        try await TestVenue.withLive { v, client in
            _ = try await v.send(client, .post, "/v1/orders", key: v.bob, body: limitOrder("sell", price: "50000", qty: "0.3"))
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var inbox = Inbox(inbound)
                try await outbound.write(.text(#"{"op":"subscribe","channels":["private"]}"#))
                let early = try await inbox.next({ $0["op"] as? String == "error" })
                #expect(early["code"] as? String == "MISSING_AUTH")
                try await outbound.write(.text(wsAuth(v.alice, v.clock)))
                let ok = try await inbox.next({ $0["op"] as? String == "auth" })
                #expect(ok["success"] as? Bool == true)
                try await outbound.write(.text(#"{"op":"subscribe","channels":["private"]}"#))
                _ = try await inbox.next({ $0["op"] as? String == "subscribed" })
                try await outbound.write(.text(#"{"op":"order","id":42,"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"50000","qty":"0.1"}"#))
                let answer = try await inbox.next({ $0["op"] as? String == "order" })
                #expect(answer["id"] as? Int == 42)
                #expect((answer["result"] as? [String: Any])?["status"] as? String == "filled")
                let fill = try await inbox.next({ ($0["data"] as? [String: Any])?["type"] as? String == "fill" })
                let d = try #require(fill["data"] as? [String: Any])
                #expect(d["qty"] as? String == "0.1")
                #expect(d["side"] as? String == "buy")
                _ = try await inbox.next({ ($0["data"] as? [String: Any])?["type"] as? String == "position" })
                // Bad input on the socket is an error message, not a crash.
                try await outbound.write(.text(#"{"op":"order","id":"x","symbol":"BTC-PERP","side":"buy","orderType":"limit","price":50000,"qty":"0.1"}"#))
                let bad = try await inbox.next({ $0["op"] as? String == "error" })
                #expect(bad["id"] as? String == "x")
                #expect(bad["code"] as? String == "INVALID_FIELD")
                #expect(!inbox.all.joined().contains("bob"))
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test("cancel-on-disconnect cancels the account's resting orders when the socket closes")
    func cancelOnDisconnect() async throws {
        try await TestVenue.withLive { v, client in
            let outcomes = v.host.subscribe()
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var inbox = Inbox(inbound)
                try await outbound.write(.text(wsAuth(v.alice, v.clock)))
                _ = try await inbox.next({ $0["op"] as? String == "auth" })
                try await outbound.write(.text(#"{"op":"cancelOnDisconnect","enabled":true}"#))
                let ack = try await inbox.next({ $0["op"] as? String == "cancelOnDisconnect" })
                #expect(ack["enabled"] as? Bool == true)
                for (i, price) in ["49000", "48000"].enumerated() {
                    try await outbound.write(.text(#"{"op":"order","id":\#(i),"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"\#(price)","qty":"0.1"}"#))
                    let a = try await inbox.next({ $0["op"] as? String == "order" })
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
