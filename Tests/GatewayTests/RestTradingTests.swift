import Foundation
import Gateway
import HarbourCore
import Synchronization
import Testing

@Suite("REST trading") struct RestTradingTests {
    @Test("signed place, fill, cancel, then positions and balances reflect the fill")
    func placeFillCancel() async throws {
        try await TestVenue.withLive { v, client in
            let ask = try await v.send(client, .post, "/v1/orders", key: v.bob, body: limitOrder("sell", price: "50000", qty: "0.1", clientOrderId: "b1"))
            #expect(ask.status == 200, "\(ask.text)")
            #expect(ask.object["status"] as? String == "new")
            let askId = try #require(ask.object["orderId"] as? Int)

            let take = try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "50000", qty: "0.1"))
            #expect(take.status == 200, "\(take.text)")
            #expect(take.object["status"] as? String == "filled")
            #expect(take.object["filledQty"] as? String == "0.1")
            let events = take.object["events"] as? [[String: Any]] ?? []
            let fill = try #require(events.first { $0["type"] as? String == "fill" })
            #expect(fill["liquidity"] as? String == "taker")
            #expect(fill["price"] as? String == "50000")
            // The taker never learns who the maker was.
            #expect(!take.text.contains("bob"))
            #expect(events.allSatisfy { ($0["orderId"] as? Int) != askId })

            let rest = try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "49000", qty: "0.05", clientOrderId: "a2"))
            #expect(rest.object["status"] as? String == "new")
            let open = try await v.send(client, .get, "/v1/orders/open?symbol=BTC-PERP", key: v.alice)
            #expect(open.status == 200)
            #expect(open.array.map { $0["clientOrderId"] as? String } == ["a2"])
            #expect(open.array.first?["price"] as? String == "49000")

            let cancel = try await v.send(client, .delete, "/v1/orders?symbol=BTC-PERP&clientOrderId=a2", key: v.alice)
            #expect(cancel.status == 200, "\(cancel.text)")
            #expect(cancel.object["status"] as? String == "canceled")
            let after = try await v.send(client, .get, "/v1/orders/open", key: v.alice)
            #expect(after.array.isEmpty)
            let again = try await v.send(client, .delete, "/v1/orders?symbol=BTC-PERP&clientOrderId=a2", key: v.alice)
            #expect(again.status == 404)
            #expect(again.code == "UNKNOWN_ORDER")

            let pos = try await v.send(client, .get, "/v1/positions", key: v.alice)
            #expect(pos.status == 200)
            let btc = try #require(pos.array.first { $0["symbol"] as? String == "BTC-PERP" })
            #expect(btc["size"] as? String == "0.1")
            #expect(btc["side"] as? String == "long")
            let bobPos = try await v.send(client, .get, "/v1/positions?symbol=BTC-PERP", key: v.bob)
            #expect(bobPos.array.first?["size"] as? String == "-0.1")

            // Taker fee 0.05% of 5000 USD notional = 2.5 USD.
            let bal = try await v.send(client, .get, "/v1/balances", key: v.alice)
            #expect(bal.status == 200)
            #expect(bal.object["cash"] as? String == "999997.5")
            #expect(bal.object["asset"] as? String == "USD")
            let initial = try #require(bal.object["initialMargin"] as? String)
            #expect(initial != "0")

            // Public data saw the trade.
            let trades = try await v.send(client, .get, "/v1/trades/BTC-PERP?limit=10")
            #expect(trades.array.count == 1)
            #expect(trades.array.first?["qty"] as? String == "0.1")
            #expect(!trades.text.contains("alice") && !trades.text.contains("bob"))
            let ticker = try await v.send(client, .get, "/v1/ticker/BTC-PERP")
            #expect(ticker.object["lastPrice"] as? String == "50000")
            #expect(ticker.object["volume24h"] as? String == "0.1")
        }
    }

    @Test("engine refusals are 422 with the engine's reject code")
    func engineRejection() async throws {
        try await TestVenue.withLive { v, client in
            let offTick = try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "50000.05", qty: "0.1"))
            #expect(offTick.status == 422)
            #expect(offTick.code == "PRICE_OFF_TICK")
            let band = try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "70000", qty: "0.1"))
            #expect(band.status == 422)
            #expect(band.code == "PRICE_OUTSIDE_BAND")
        }
    }

    @Test("public routes: instruments with decimal strings, book with journal sequence, health, ready, mark/index and funding from the engine")
    func publicRoutes() async throws {
        try await TestVenue.withLive { v, client in
            let inst = try await v.send(client, .get, "/v1/instruments")
            let btc = try #require(inst.array.first { $0["symbol"] as? String == "BTC-PERP" })
            #expect(btc["tickSize"] as? String == "0.1")
            #expect(btc["status"] as? String == "enabled")
            #expect(btc["markPrice"] as? String == "50000")
            _ = try await v.send(client, .post, "/v1/orders", key: v.bob, body: limitOrder("sell", price: "50100", qty: "0.2"))
            let book = try await v.send(client, .get, "/v1/book/BTC-PERP?depth=5")
            let asks = book.object["asks"] as? [[String]]
            #expect(asks == [["50100", "0.2"]])
            let seq = try await v.host.read { $0.commandCount }
            #expect(book.object["sequence"] as? Int == Int(seq))
            #expect(try await v.send(client, .get, "/v1/health").status == 200)
            let ready = try await v.send(client, .get, "/v1/ready")
            #expect(ready.object["status"] as? String == "ready")
            // Before any index the mark is the commanded one and nothing is index-priced.
            let before = try await v.send(client, .get, "/v1/mark/BTC-PERP")
            #expect(before.object["markPrice"] as? String == "50000")
            #expect(before.object["indexPrice"] is NSNull)
            // Two index sources make the instrument index-priced: index, mark and funding appear.
            for source in ["binance", "okx"] {
                _ = try await v.host.submit(.indexPrice(instrument: InstrumentID(0), source: source, price: 500_100))
            }
            let mark = try await v.send(client, .get, "/v1/mark/BTC-PERP")
            #expect(mark.object["indexPrice"] as? String == "50010")
            let funding = try await v.send(client, .get, "/v1/funding/BTC-PERP")
            #expect(funding.object["predictedFundingRate"] is String)
            #expect((funding.object["nextFundingTime"] as? Int ?? 0) > 0)
            let metrics = try await v.send(client, .get, "/metrics")
            #expect(metrics.text.contains("harbour_http_request_seconds"))
            #expect(metrics.text.contains("harbour_engine_submit_seconds"))
            #expect(metrics.text.contains("harbour_orders_total"))
            #expect(!metrics.text.contains(v.bob.secret))
        }
    }

    @Test("operations opens an account, funds it and issues keys that work (staff keys named); supervisor reads only")
    func operatorFlow() async throws {
        try await TestVenue.withLive { v, client in
            let open = try await v.send(client, .post, "/v1/admin/accounts", key: v.op, body: #"{"account":"carol"}"#)
            #expect(open.status == 200, "\(open.text)")
            let dep = try await v.send(client, .post, "/v1/admin/deposits", key: v.op, body: #"{"account":"carol","asset":"USD","amount":"1000.5"}"#)
            #expect(dep.status == 200, "\(dep.text)")
            let issued = try await v.send(client, .post, "/v1/admin/api-keys", key: v.op,
                                          body: #"{"account":"carol","role":"client","permissions":["read","trade"]}"#)
            #expect(issued.status == 200, "\(issued.text)")
            let keyId = try #require(issued.object["key"] as? String)
            let secret = try #require(issued.object["secret"] as? String)
            #expect(secret.count == 64)
            let carol = try #require(v.keys.key(keyId))
            #expect(carol.secret == secret)
            let bal = try await v.send(client, .get, "/v1/balances", key: carol)
            #expect(bal.object["cash"] as? String == "1000.5")
            // Staff keys name their person; client keys may not; the old operator role is gone.
            let chen = try await v.send(client, .post, "/v1/admin/api-keys", key: v.op,
                                        body: #"{"role":"compliance","staff":"chen","permissions":["read","trade"]}"#)
            #expect(chen.status == 200 && chen.object["staff"] as? String == "chen", "\(chen.text)")
            #expect(v.keys.key(chen.object["key"] as? String ?? "")?.staff == "chen")
            typealias A = AuthAndValidationTests
            try await A.refused(v, 400, "MISSING_FIELD") {
                try await v.send(client, .post, "/v1/admin/api-keys", key: v.op, body: #"{"role":"risk","permissions":["read"]}"#)
            }
            try await A.refused(v, 400, "INVALID_FIELD") {
                try await v.send(client, .post, "/v1/admin/api-keys", key: v.op, body: #"{"role":"risk","staff":"r a j","permissions":["read"]}"#)
            }
            try await A.refused(v, 400, "INVALID_FIELD") {
                try await v.send(client, .post, "/v1/admin/api-keys", key: v.op,
                                 body: #"{"role":"client","account":"carol","staff":"chen","permissions":["read"]}"#)
            }
            try await A.refused(v, 400, "INVALID_FIELD") {
                try await v.send(client, .post, "/v1/admin/api-keys", key: v.op, body: #"{"role":"operator","staff":"olivia","permissions":["read"]}"#)
            }
            #expect(v.keys.all.count == 10, "refused keys are not stored")
            let list = try await v.send(client, .get, "/v1/admin/accounts", key: v.supervisor)
            #expect(list.status == 200)
            #expect(list.array.contains { $0["account"] as? String == "carol" })
            let status = try await v.send(client, .post, "/v1/admin/instruments/BTC-PERP/status", key: v.op, body: #"{"status":"disabled"}"#)
            #expect(status.status == 200, "\(status.text)")
            let refused = try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "50000", qty: "0.1"))
            #expect(refused.status == 422)
            #expect(refused.code == "INSTRUMENT_DISABLED")
        }
    }

    @Test("history routes read the account's own rows from the history provider")
    func history() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let fake = FakeHistory()
        let app = try await GatewayServer.makeApplication(host: venue.host, keys: venue.keys, history: fake,
                                                          configuration: GatewayConfiguration(port: 0), clock: venue.clock)
        try await app.test(.live) { client in
            let orders = try await venue.send(client, .get, "/v1/orders/history?symbol=BTC-PERP&limit=5", key: venue.alice)
            #expect(orders.status == 200, "\(orders.text)")
            #expect(orders.array.first?["orderId"] as? String == "7")
            #expect(orders.array.first?["clientOrderId"] as? String == "alice-order")
            let trades = try await venue.send(client, .get, "/v1/trades/history", key: venue.alice)
            #expect(trades.array.first?["price"] as? String == "50000")
            let ledger = try await venue.send(client, .get, "/v1/ledger", key: venue.alice)
            #expect(ledger.array.first?["amount"] as? String == "-2.5")
            let bad = try await venue.send(client, .get, "/v1/ledger?from=yesterday", key: venue.alice)
            #expect(bad.status == 400)
        }
        #expect(fake.accountsAsked() == ["alice", "alice", "alice"])
        #expect(fake.lastQuery()?.limit == 100)
    }
}

/// A history provider that answers with one row per kind, named after the account.
final class FakeHistory: HistoryProvider {
    private let calls = Mutex<([String], HistoryQuery?)>(([], nil))

    func accountsAsked() -> [String] { calls.withLock { $0.0 } }
    func lastQuery() -> HistoryQuery? { calls.withLock { $0.1 } }
    private func note(_ a: String, _ q: HistoryQuery) { calls.withLock { $0.0.append(a); $0.1 = q } }

    func orders(account: String, query: HistoryQuery) async throws -> [OrderHistoryRecord] {
        note(account, query)
        return [OrderHistoryRecord(orderId: "7", clientOrderId: "\(account)-order", symbol: "BTC-PERP", side: "buy", orderType: "limit",
                                   price: "50000", qty: "0.1", filledQty: "0.1", status: "filled", createdAt: "1", updatedAt: "2")]
    }
    func trades(account: String, query: HistoryQuery) async throws -> [TradeHistoryRecord] {
        note(account, query)
        return [TradeHistoryRecord(sequence: "9", orderId: "7", symbol: "BTC-PERP", side: "buy", price: "50000", qty: "0.1",
                                   fee: "2.5", liquidity: "taker", timestamp: "2")]
    }
    func ledger(account: String, query: HistoryQuery) async throws -> [LedgerRecord] {
        note(account, query)
        return [LedgerRecord(sequence: "9", asset: "USD", amount: "-2.5", reason: "fee", balanceAfter: "999997.5", timestamp: "2")]
    }
}

@Suite("REST spot trading") struct RestSpotTradingTests {
    @Test("a spot trade over /v1 delivers BTC against USD at once; balances show free and locked per asset (SPOT-1)")
    func spotTradeOverREST() async throws {
        try await TestVenue.withLive { v, client in
            let bob = try await v.host.read { $0.accountID(named: "bob")! }
            _ = try await v.host.submit(.deposit(account: bob, asset: "BTC", amount: 100_000_000))   // 1 BTC
            let markets = try await v.send(client, .get, "/v1/spot/markets")
            #expect(markets.status == 200)
            #expect(markets.array.map { $0["symbol"] as? String } == ["BTC-USD", "ETH-USD"])
            #expect(markets.array.first?["baseAsset"] as? String == "BTC")

            let ask = try await v.send(client, .post, "/v1/orders", key: v.bob,
                                       body: limitOrder("sell", price: "60000", qty: "0.25", clientOrderId: "s1", symbol: "BTC-USD"))
            #expect(ask.status == 200, "\(ask.text)")
            let locked = try await v.send(client, .get, "/v1/balances", key: v.bob)
            let bobBTC = (locked.object["assets"] as? [[String: Any]])?.first { $0["asset"] as? String == "BTC" }
            #expect(bobBTC?["free"] as? String == "0.75" && bobBTC?["locked"] as? String == "0.25")
            let book = try await v.send(client, .get, "/v1/book/BTC-USD")
            #expect((book.object["asks"] as? [[Any]])?.first?.first as? String == "60000")

            let buy = try await v.send(client, .post, "/v1/orders", key: v.alice,
                                       body: limitOrder("buy", price: "60000", qty: "0.25", symbol: "BTC-USD"))
            #expect(buy.status == 200, "\(buy.text)")
            #expect(buy.object["status"] as? String == "filled")
            // 15,000 USD notional; taker fee 0.05% = 7.5.
            let alice = try await v.send(client, .get, "/v1/balances", key: v.alice)
            #expect(alice.object["cash"] as? String == "984992.5")
            let aliceBTC = (alice.object["assets"] as? [[String: Any]])?.first { $0["asset"] as? String == "BTC" }
            #expect(aliceBTC?["free"] as? String == "0.25" && aliceBTC?["locked"] as? String == "0")
            let ticker = try await v.send(client, .get, "/v1/ticker/BTC-USD")
            #expect(ticker.object["lastPrice"] as? String == "60000")
            #expect(ticker.object["markPrice"] is NSNull)
            // A perpetual-only route refuses the spot symbol by name.
            let lev = try await v.send(client, .post, "/v1/leverage", key: v.alice, body: #"{"symbol":"BTC-USD","leverage":"5"}"#)
            #expect(lev.code == "NOT_A_PERPETUAL" || lev.code == "UNKNOWN_SYMBOL", "\(lev.text)")
        }
    }

    @Test("a spot stop over /v1 waits unlocked on the last trade, is listed as untriggered and cancels (SPOT-1)")
    func spotStopOverREST() async throws {
        try await TestVenue.withLive { v, client in
            let bob = try await v.host.read { $0.accountID(named: "bob")! }
            _ = try await v.host.submit(.deposit(account: bob, asset: "BTC", amount: 100_000_000))   // 1 BTC
            // No trigger given: a spot stop triggers on the last trade.
            let body = #"{"symbol":"BTC-USD","side":"sell","orderType":"stopLimit","price":"55000","stopPrice":"55500","qty":"0.5","clientOrderId":"guard"}"#
            let placed = try await v.send(client, .post, "/v1/orders", key: v.bob, body: body)
            #expect(placed.status == 200, "\(placed.text)")
            let balances = try await v.send(client, .get, "/v1/balances", key: v.bob)
            let btc = (balances.object["assets"] as? [[String: Any]])?.first { $0["asset"] as? String == "BTC" }
            #expect(btc?["free"] as? String == "1" && btc?["locked"] as? String == "0")
            let open = try await v.send(client, .get, "/v1/orders/open?symbol=BTC-USD", key: v.bob)
            #expect(open.status == 200, "\(open.text)")
            let row = open.array.first
            #expect(open.array.count == 1 && row?["status"] as? String == "untriggered" && row?["trigger"] as? String == "last")
            #expect(row?["stopPrice"] as? String == "55500" && row?["clientOrderId"] as? String == "guard")
            let mark = #"{"symbol":"BTC-USD","side":"sell","orderType":"stopMarket","stopPrice":"55500","qty":"0.1","trigger":"mark"}"#
            let refused = try await v.send(client, .post, "/v1/orders", key: v.bob, body: mark)
            #expect(refused.status != 200 && refused.code == "INVALID_ORDER_TYPE", "\(refused.text)")
            let canceled = try await v.send(client, .delete, "/v1/orders?symbol=BTC-USD&clientOrderId=guard", key: v.bob)
            #expect(canceled.status == 200, "\(canceled.text)")
            #expect(try await v.send(client, .get, "/v1/orders/open?symbol=BTC-USD", key: v.bob).array.isEmpty)
        }
    }
}
