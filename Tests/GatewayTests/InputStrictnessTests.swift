import Foundation
import Gateway
import HTTPTypes
import HummingbirdTesting
import HummingbirdWSTesting
import Testing

/// Issue 12 items 8-11 at the API: the /fapi order query finds old orders, the ledger's
/// running balance, and the strict reading of bodies, decimals, sides and client order ids.
@Suite("Input strictness and history lookups") struct InputStrictnessTests {
    /// A refusal on /v1: `status`, `code`, and the venue unchanged.
    static func refused(_ v: TestVenue, _ status: Int, _ code: String, contains: String? = nil, _ send: () async throws -> Reply,
                        sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try await v.stateHash()
        let r = try await send()
        #expect(r.status == status && r.code == code, "\(r.text)", sourceLocation: sourceLocation)
        if let contains { #expect(r.text.contains(contains), "\(r.text)", sourceLocation: sourceLocation) }
        #expect(try await v.stateHash() == before, "a refused request changed venue state", sourceLocation: sourceLocation)
    }

    @Test func fapiOrderQueryFindsAnOrderOlderThanTheLastThousand() async throws {
        try await TestVenue.withLiveReadModel { v, client, feed in
            let last = try await v.lastSequence()
            try await feed.catchUp(through: last)
            // 1,005 of alice's orders that only the read model knows (placed before this
            // gateway started), the oldest with a client order id, and one of bob's.
            var lines: [String] = [#"{"type":"accepted","seq":\#(last + 1),"orderId":899999,"clientOrderId":"bobs","account":"bob","symbol":"BTC-PERP"}"#]
            for n in 0..<1_005 {
                let id = 900_000 + n
                lines.append(#"{"type":"accepted","seq":\#(last + 1),"orderId":\#(id),"clientOrderId":"\#(n == 0 ? "old-1" : "o-\(n)")","account":"alice","symbol":"BTC-PERP"}"#)
                lines.append(#"{"type":"canceled","seq":\#(last + 1),"orderId":\#(id),"account":"alice","symbol":"BTC-PERP","reason":"USER","remainingQty":"0.001"}"#)
            }
            try feed.inject(lines, after: last)
            let byId = try await v.binance(client, .get, "/fapi/v1/order", key: v.alice, [("symbol", "BTCUSDT"), ("orderId", "900000")])
            #expect(byId.status == 200, "\(byId.text)")
            #expect(byId.object["orderId"] as? Int == 900_000 && byId.object["status"] as? String == "CANCELED")
            #expect(byId.object["clientOrderId"] as? String == "old-1")
            let byClientId = try await v.binance(client, .get, "/fapi/v1/order", key: v.alice,
                                                 [("symbol", "BTCUSDT"), ("origClientOrderId", "old-1")])
            #expect(byClientId.status == 200 && byClientId.object["orderId"] as? Int == 900_000, "\(byClientId.text)")
            let newest = try await v.binance(client, .get, "/fapi/v1/order", key: v.alice, [("symbol", "BTCUSDT"), ("orderId", "901004")])
            #expect(newest.object["clientOrderId"] as? String == "o-1004", "\(newest.text)")
            // Never another account's order (MM-3), nor one on another symbol.
            let other = try await v.binance(client, .get, "/fapi/v1/order", key: v.alice, [("symbol", "BTCUSDT"), ("orderId", "899999")])
            #expect(other.status == 400 && other.binanceCode == -2013, "\(other.text)")
            let otherCoid = try await v.binance(client, .get, "/fapi/v1/order", key: v.alice, [("symbol", "BTCUSDT"), ("origClientOrderId", "bobs")])
            #expect(otherCoid.binanceCode == -2013, "\(otherCoid.text)")
            let eth = try await v.binance(client, .get, "/fapi/v1/order", key: v.alice, [("symbol", "ETHUSDT"), ("orderId", "900000")])
            #expect(eth.binanceCode == -2013, "\(eth.text)")
        }
    }

    @Test func ledgerRowsCarryTheCashBalanceAfterEachPosting() async throws {
        try await TestVenue.withLiveReadModel { v, client, feed in
            // An account opened while the read model follows the venue, so it sees all its cash.
            #expect(try await v.send(client, .post, "/v1/admin/accounts", key: v.op, body: #"{"account":"carol"}"#).status == 200)
            try await v.host.onboardIndividual("carol")
            #expect(try await v.send(client, .post, "/v1/admin/deposits", key: v.op,
                                     body: #"{"account":"carol","asset":"USD","amount":"100000.5"}"#).status == 200)
            let carol = try v.keys.create(role: .client, account: "carol", permissions: [.read, .trade])
            _ = try await v.send(client, .post, "/v1/orders", key: v.bob, body: limitOrder("sell", price: "50000", qty: "0.1"))
            let take = try await v.send(client, .post, "/v1/orders", key: carol, body: limitOrder("buy", price: "50000", qty: "0.1"))
            #expect(take.object["status"] as? String == "filled", "\(take.text)")
            try await feed.catchUp(through: try await v.lastSequence())
            let ledger = try await v.send(client, .get, "/v1/ledger", key: carol)
            #expect(ledger.status == 200, "\(ledger.text)")
            let rows = ledger.array
            #expect(rows.count >= 2, "\(ledger.text)")
            // Oldest first: each balanceAfter is the previous one plus the row's amount.
            var running = Decimal(0)
            for row in rows.reversed() {
                let amount = try #require((row["amount"] as? String).flatMap { Decimal(string: $0) })
                running += amount
                #expect(row["balanceAfter"] as? String == "\(running)", "\(row)")
            }
            #expect(rows.last?["balanceAfter"] as? String == "100000.5" && rows.last?["reason"] as? String == "deposit")
            let cash = try await v.send(client, .get, "/v1/balances", key: carol).object["cash"] as? String
            #expect(rows.first?["balanceAfter"] as? String == cash, "the newest row's balance is the account's cash")
        }
    }

    @Test func clientOrderIdsAreLimitedToThePrintableSet() async throws {
        try await TestVenue.withLive { v, client in
            for bad in ["a\\u0000b", "tab\\there", "x\\u001f", "é", "has space", "quote'", String(repeating: "a", count: 37), ""] {
                try await Self.refused(v, 400, "INVALID_CLIENT_ORDER_ID", contains: "1 to 36 characters") {
                    try await v.send(client, .post, "/v1/orders", key: v.alice,
                                     body: limitOrder("buy", price: "49000", qty: "0.01", clientOrderId: bad))
                }
            }
            let longest = "A.Z:/az09_-" + String(repeating: "x", count: 25)
            let ok = try await v.send(client, .post, "/v1/orders", key: v.alice,
                                      body: limitOrder("buy", price: "49000", qty: "0.01", clientOrderId: longest))
            #expect(ok.status == 200 && ok.object["clientOrderId"] as? String == longest, "\(ok.text)")
            try await Self.refused(v, 400, "INVALID_CLIENT_ORDER_ID") {
                try await v.send(client, .delete, "/v1/orders?symbol=BTC-PERP&clientOrderId=a%00b", key: v.alice)
            }
            // /fapi: the same rule, Binance's -1100 with the native code.
            try await BinanceCompatTests.refused(v, 400, -1100, harbour: "INVALID_CLIENT_ORDER_ID") {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice,
                                    BinanceCompatTests.order("BUY", "LIMIT", qty: "0.01", price: "49000", extra: [("newClientOrderId", "a\u{0}b")]))
            }
            try await BinanceCompatTests.refused(v, 400, -1100, harbour: "INVALID_CLIENT_ORDER_ID") {
                try await v.binance(client, .get, "/fapi/v1/order", key: v.alice, [("symbol", "BTCUSDT"), ("origClientOrderId", "a\u{1}")])
            }
        }
    }

    @Test func decimalsFollowTheOpenAPIPatternExactly() async throws {
        try await TestVenue.withLive { v, client in
            for qty in [".5", "5.", "+1", "1e-2", " 1", "0x1", "-.5", "1.2.3"] {
                try await Self.refused(v, 400, "INVALID_FIELD", contains: "decimal string") {
                    try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "49000", qty: qty))
                }
            }
            try await Self.refused(v, 400, "INVALID_FIELD") {
                try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "49000.", qty: "0.01"))
            }
            try await Self.refused(v, 400, "INVALID_FIELD") {
                try await v.send(client, .post, "/v1/admin/deposits", key: v.op, body: #"{"account":"alice","asset":"USD","amount":".5"}"#)
            }
            let fine = try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "49000.0", qty: "0.010"))
            #expect(fine.status == 200, "\(fine.text)")
        }
    }

    @Test func sideIsExactlyBuyOrSellOnV1ButBinanceCaseOnFapi() async throws {
        try await TestVenue.withLive { v, client in
            for side in ["BUY", "Buy", "SELL", "sell "] {
                try await Self.refused(v, 400, "MALFORMED_COMMAND", contains: "side must be") {
                    try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder(side, price: "49000", qty: "0.01"))
                }
            }
            let fapi = try await v.binance(client, .post, "/fapi/v1/order", key: v.alice,
                                           BinanceCompatTests.order("BUY", "LIMIT", qty: "0.01", price: "49000"))
            #expect(fapi.status == 200 && fapi.object["side"] as? String == "BUY", "\(fapi.text)")
            try await BinanceCompatTests.refused(v, 400, -1117) {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, BinanceCompatTests.order("buy", "LIMIT", qty: "0.01", price: "49000"))
            }
            let gtx = try await v.binance(client, .post, "/fapi/v1/order", key: v.alice,
                                          [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("quantity", "0.01"),
                                           ("price", "49000"), ("timeInForce", "GTX")])
            #expect(gtx.status == 200 && gtx.object["timeInForce"] as? String == "GTX", "\(gtx.text)")
        }
    }

    @Test func bodiesWithAByteOrderMarkOrDuplicateKeysAreRefused() async throws {
        try await TestVenue.withLive { v, client in
            try await Self.refused(v, 400, "MALFORMED_JSON", contains: "byte-order mark") {
                try await v.send(client, .post, "/v1/orders", key: v.alice, body: "\u{FEFF}" + limitOrder("buy", price: "49000", qty: "0.01"))
            }
            try await Self.refused(v, 400, "MALFORMED_JSON", contains: "'qty' more than once") {
                try await v.send(client, .post, "/v1/orders", key: v.alice,
                                 body: #"{"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.01","qty":"5"}"#)
            }
            // The same key spelled with an escape is the same key.
            try await Self.refused(v, 400, "MALFORMED_JSON", contains: "more than once") {
                try await v.send(client, .post, "/v1/orders", key: v.alice,
                                 body: #"{"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.01","\u0071ty":"5"}"#)
            }
            try await Self.refused(v, 400, "MALFORMED_JSON") {
                try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "49000", qty: "0.01") + " {}")
            }
            try await Self.refused(v, 400, "MALFORMED_JSON", contains: "more than once") {
                try await v.send(client, .post, "/v1/admin/deposits", key: v.op,
                                 body: #"{"account":"alice","asset":"USD","amount":"1","amount":"1000000"}"#)
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func webSocketMessagesAreReadAsStrictlyAsBodies() async throws {
        try await TestVenue.withLive { v, client in
            let before = try await v.stateHash()
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var inbox = Inbox(inbound)
                try await outbound.write(.text(wsAuth(v.alice, v.clock)))
                _ = try await inbox.next({ $0["op"] as? String == "auth" })
                try await outbound.write(.text(#"{"op":"order","id":1,"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.01","qty":"5"}"#))
                let dup = try await inbox.next({ $0["op"] as? String == "error" })
                #expect(dup["code"] as? String == "MALFORMED_JSON" && (dup["message"] as? String ?? "").contains("'qty' more than once"), "\(dup)")
                try await outbound.write(.text("\u{FEFF}" + #"{"op":"ping"}"#))
                let bom = try await inbox.next({ $0["op"] as? String == "error" })
                #expect(bom["code"] as? String == "MALFORMED_JSON" && (bom["message"] as? String ?? "").contains("byte-order mark"), "\(bom)")
                try await outbound.write(.text(#"{"op":"order","id":2,"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.01","clientOrderId":"a\u0000b"}"#))
                let coid = try await inbox.next({ $0["op"] as? String == "error" })
                #expect(coid["code"] as? String == "INVALID_CLIENT_ORDER_ID" && coid["id"] as? Int == 2, "\(coid)")
                try await outbound.write(.text(#"{"op":"order","id":3,"symbol":"BTC-PERP","side":"BUY","orderType":"limit","price":"49000","qty":".5"}"#))
                let loose = try await inbox.next({ $0["op"] as? String == "error" })
                #expect(loose["id"] as? Int == 3 && (loose["code"] as? String == "INVALID_FIELD" || loose["code"] as? String == "MALFORMED_COMMAND"), "\(loose)")
                try await outbound.close(.normalClosure, reason: nil)
            }
            #expect(try await v.stateHash() == before, "refused socket messages changed venue state")
        }
    }
}
