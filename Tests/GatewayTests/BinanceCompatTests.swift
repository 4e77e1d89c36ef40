import Foundation
import Gateway
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// A Binance-style request: parameters form-encoded in the query (GET/DELETE) or the body
/// (POST), signed with `timestamp` + `recvWindow` + `signature` like ccxt does.
struct BinanceRequest {
    let method: HTTPRequest.Method
    let target: String
    let body: String?
    let headers: HTTPFields

    static func encode(_ params: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return params.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
    }
}

extension TestVenue {
    /// Builds a request; `key` nil sends it unsigned. Each call moves the clock by 1 ms.
    func binanceRequest(_ method: HTTPRequest.Method, _ path: String, key: ApiKey? = nil, _ params: [(String, String)] = [],
                        timestampOffset: Int64 = 0, recvWindow: String? = "5000", secret: String? = nil,
                        sendKey: Bool = true) -> BinanceRequest {
        clock.advance(millis: 1)
        var params = params
        var headers = HTTPFields()
        if let key {
            params.append(("timestamp", String(clock.nowMillis() + timestampOffset)))
            if let recvWindow { params.append(("recvWindow", recvWindow)) }
            let payload = BinanceRequest.encode(params)
            params.append(("signature", BinanceSignature.sign(secret: secret ?? key.secret, payload: payload)))
            if sendKey { headers[HTTPField.Name("X-MBX-APIKEY")!] = key.key }
        }
        let encoded = BinanceRequest.encode(params)
        if method == .post {
            headers[.contentType] = "application/x-www-form-urlencoded"
            return BinanceRequest(method: method, target: path, body: encoded, headers: headers)
        }
        return BinanceRequest(method: method, target: encoded.isEmpty ? path : path + "?" + encoded, body: nil, headers: headers)
    }

    func execute(_ client: any TestClientProtocol, _ r: BinanceRequest) async throws -> Reply {
        Reply(response: try await client.execute(uri: r.target, method: r.method, headers: r.headers, body: r.body.map { ByteBuffer(string: $0) }))
    }

    @discardableResult
    func binance(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, key: ApiKey? = nil,
                 _ params: [(String, String)] = [], timestampOffset: Int64 = 0, secret: String? = nil, sendKey: Bool = true) async throws -> Reply {
        try await execute(client, binanceRequest(method, path, key: key, params, timestampOffset: timestampOffset, secret: secret, sendKey: sendKey))
    }
}

extension Reply {
    /// Binance's numeric error code.
    var binanceCode: Int? { object["code"] as? Int }
}

@Suite("Binance-compatible /fapi") struct BinanceCompatTests {
    static func order(_ side: String, _ type: String, qty: String, price: String? = nil, extra: [(String, String)] = []) -> [(String, String)] {
        var p = [("symbol", "BTCUSDT"), ("side", side), ("type", type), ("quantity", qty)]
        if let price { p += [("price", price), ("timeInForce", "GTC")] }
        return p + extra
    }

    /// A refusal: Binance error JSON with `code`, HTTP `status`, and the venue unchanged.
    static func refused(_ v: TestVenue, _ status: Int, _ code: Int, contains: String? = nil, harbour: String? = nil,
                        _ send: () async throws -> Reply, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try await v.stateHash()
        let r = try await send()
        #expect(r.status == status, "\(r.text)", sourceLocation: sourceLocation)
        #expect(r.binanceCode == code, "\(r.text)", sourceLocation: sourceLocation)
        #expect(r.object["msg"] is String, sourceLocation: sourceLocation)
        if let contains { #expect(r.text.contains(contains), "\(r.text)", sourceLocation: sourceLocation) }
        if let harbour { #expect(r.object["harbourCode"] as? String == harbour, "\(r.text)", sourceLocation: sourceLocation) }
        let after = try await v.stateHash()
        #expect(before == after, "a refused request changed venue state", sourceLocation: sourceLocation)
    }

    @Test("the signature is Binance's: hex HMAC-SHA256 of the query string (Binance's documented example)")
    func signatureVector() {
        let secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
        let query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
        #expect(BinanceSignature.sign(secret: secret, payload: query) == "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
    }

    @Test("exchangeInfo, depth, ticker and premiumIndex in Binance's shape, symbols as BTCUSDT")
    func marketData() async throws {
        try await TestVenue.withLive { v, client in
            let info = try await v.binance(client, .get, "/fapi/v1/exchangeInfo")
            #expect(info.status == 200, "\(info.text)")
            let symbols = info.object["symbols"] as? [[String: Any]] ?? []
            let btc = try #require(symbols.first { $0["symbol"] as? String == "BTCUSDT" })
            #expect(btc["contractType"] as? String == "PERPETUAL")
            #expect(btc["quoteAsset"] as? String == "USDT" && btc["marginAsset"] as? String == "USDT" && btc["baseAsset"] as? String == "BTC")
            #expect(btc["status"] as? String == "TRADING")
            let filters = btc["filters"] as? [[String: Any]] ?? []
            #expect(filters.first { $0["filterType"] as? String == "PRICE_FILTER" }?["tickSize"] as? String == "0.1")
            #expect(filters.first { $0["filterType"] as? String == "LOT_SIZE" }?["stepSize"] as? String == "0.001")

            let ask = try await v.binance(client, .post, "/fapi/v1/order", key: v.bob, Self.order("SELL", "LIMIT", qty: "0.5", price: "50010"))
            #expect(ask.status == 200, "\(ask.text)")
            let depth = try await v.binance(client, .get, "/fapi/v1/depth", [("symbol", "BTCUSDT"), ("limit", "5")])
            #expect(depth.status == 200, "\(depth.text)")
            #expect(depth.object["asks"] as? [[String]] == [["50010", "0.5"]])
            #expect(depth.object["bids"] as? [[String]] == [])
            #expect(depth.object["lastUpdateId"] is Int)
            let ticker = try await v.binance(client, .get, "/fapi/v1/ticker/24hr", [("symbol", "BTCUSDT")])
            #expect(ticker.object["askPrice"] as? String == "50010")
            let premium = try await v.binance(client, .get, "/fapi/v1/premiumIndex", [("symbol", "BTCUSDT")])
            #expect(premium.object["markPrice"] as? String == "50000")
            // Paths the layer does not serve answer in Binance's shape (ccxt parses the code).
            let klines = try await v.binance(client, .get, "/fapi/v1/klines", [("symbol", "BTCUSDT")])
            #expect(klines.status == 404 && klines.binanceCode == -5000, "\(klines.text)")
            #expect(klines.text.contains("GET /fapi/v1/klines is not supported"))
            let native = try await v.send(client, .get, "/v1/no-such-route")
            #expect(native.code == "NOT_FOUND")
            let time = try await v.binance(client, .get, "/fapi/v1/time")
            #expect(time.object["serverTime"] as? Int == Int(v.clock.nowMillis()))
        }
    }

    @Test("signed place, fill, query, cancel; then account, balance, positionRisk and userTrades show the fill")
    func tradingRoundTrip() async throws {
        try await TestVenue.withLive { v, client in
            let ask = try await v.binance(client, .post, "/fapi/v1/order", key: v.bob,
                                          Self.order("SELL", "LIMIT", qty: "0.1", price: "50000", extra: [("newClientOrderId", "b1")]))
            #expect(ask.status == 200, "\(ask.text)")
            #expect(ask.object["status"] as? String == "NEW")
            #expect(ask.object["clientOrderId"] as? String == "b1")
            #expect(ask.object["price"] as? String == "50000" && ask.object["origQty"] as? String == "0.1")
            #expect(ask.object["symbol"] as? String == "BTCUSDT" && ask.object["side"] as? String == "SELL")

            let take = try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("BUY", "MARKET", qty: "0.1"))
            #expect(take.status == 200, "\(take.text)")
            #expect(take.object["status"] as? String == "FILLED")
            #expect(take.object["executedQty"] as? String == "0.1")
            #expect(take.object["avgPrice"] as? String == "50000")
            #expect(take.object["cumQuote"] as? String == "5000")
            #expect(take.object["type"] as? String == "MARKET")

            let bobsOrder = try await v.binance(client, .get, "/fapi/v1/order", key: v.bob, [("symbol", "BTCUSDT"), ("origClientOrderId", "b1")])
            #expect(bobsOrder.object["status"] as? String == "FILLED", "\(bobsOrder.text)")
            // Another account's order is not found by its id.
            let foreign = try await v.binance(client, .get, "/fapi/v1/order", key: v.alice,
                                              [("symbol", "BTCUSDT"), ("orderId", String(bobsOrder.object["orderId"] as? Int ?? 0))])
            #expect(foreign.binanceCode == -2013, "\(foreign.text)")

            let rest = try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("BUY", "LIMIT", qty: "0.05", price: "49000"))
            let restId = try #require(rest.object["orderId"] as? Int)
            let open = try await v.binance(client, .get, "/fapi/v1/openOrders", key: v.alice, [("symbol", "BTCUSDT")])
            #expect(open.array.map { $0["orderId"] as? Int } == [restId])
            #expect(open.array.first?["price"] as? String == "49000" && open.array.first?["status"] as? String == "NEW")
            let cancel = try await v.binance(client, .delete, "/fapi/v1/order", key: v.alice, [("symbol", "BTCUSDT"), ("orderId", String(restId))])
            #expect(cancel.status == 200, "\(cancel.text)")
            #expect(cancel.object["status"] as? String == "CANCELED")
            let none = try await v.binance(client, .get, "/fapi/v1/openOrders", key: v.alice, [("symbol", "BTCUSDT")])
            #expect(none.status == 200 && none.array.isEmpty)
            try await Self.refused(v, 400, -2011, harbour: "UNKNOWN_ORDER") {
                try await v.binance(client, .delete, "/fapi/v1/order", key: v.alice, [("symbol", "BTCUSDT"), ("orderId", String(restId))])
            }
            let history = try await v.binance(client, .get, "/fapi/v1/allOrders", key: v.alice, [("symbol", "BTCUSDT")])
            #expect(history.array.map { $0["status"] as? String } == ["FILLED", "CANCELED"], "\(history.text)")

            // Taker fee 0.05% of 5000 = 2.5.
            let account = try await v.binance(client, .get, "/fapi/v3/account", key: v.alice)
            #expect(account.status == 200, "\(account.text)")
            let asset = try #require((account.object["assets"] as? [[String: Any]])?.first)
            #expect(asset["asset"] as? String == "USDT")
            #expect(asset["walletBalance"] as? String == "999997.5")
            #expect((asset["updateTime"] as? Int ?? 0) > 0)
            #expect(asset["initialMargin"] as? String != "0")
            let balance = try await v.binance(client, .get, "/fapi/v2/balance", key: v.alice)
            #expect(balance.array.first?["balance"] as? String == "999997.5")

            let pos = try await v.binance(client, .get, "/fapi/v3/positionRisk", key: v.alice)
            #expect(pos.status == 200, "\(pos.text)")
            let btc = try #require(pos.array.first { $0["symbol"] as? String == "BTCUSDT" })
            #expect(btc["positionAmt"] as? String == "0.1")
            #expect(btc["entryPrice"] as? String == "50000")
            #expect(btc["positionSide"] as? String == "BOTH")
            let bobPos = try await v.binance(client, .get, "/fapi/v2/positionRisk", key: v.bob, [("symbol", "BTCUSDT")])
            #expect(bobPos.array.first?["positionAmt"] as? String == "-0.1")

            let fills = try await v.binance(client, .get, "/fapi/v1/userTrades", key: v.alice, [("symbol", "BTCUSDT")])
            #expect(fills.array.count == 1, "\(fills.text)")
            let fill = try #require(fills.array.first)
            #expect(fill["qty"] as? String == "0.1" && fill["price"] as? String == "50000")
            #expect(fill["buyer"] as? Bool == true && fill["maker"] as? Bool == false)
            #expect(fill["commission"] as? String == "2.5" && fill["commissionAsset"] as? String == "USDT")
            #expect(fill["orderId"] as? Int == take.object["orderId"] as? Int)
            #expect(!fills.text.contains("bob"))

            let lev = try await v.binance(client, .post, "/fapi/v1/leverage", key: v.alice, [("symbol", "BTCUSDT"), ("leverage", "5")])
            #expect(lev.status == 200 && lev.object["leverage"] as? Int == 5, "\(lev.text)")
            let after = try await v.binance(client, .get, "/fapi/v2/positionRisk", key: v.alice, [("symbol", "BTCUSDT")])
            #expect(after.array.first?["leverage"] as? String == "5")
        }
    }

    @Test("bad signature, stale or future timestamp, replay, missing or unknown key, wrong role → Binance auth errors, nothing changes")
    func authRefusals() async throws {
        try await TestVenue.withLive { v, client in
            let body = Self.order("BUY", "LIMIT", qty: "0.1", price: "49000")
            try await Self.refused(v, 400, -1022, harbour: "INVALID_SIGNATURE") {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, body, secret: v.bob.secret)
            }
            try await Self.refused(v, 400, -1021, harbour: "TIMESTAMP_OUTSIDE_WINDOW") {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, body, timestampOffset: -5_001)
            }
            try await Self.refused(v, 400, -1021) {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, body, timestampOffset: 1_001)
            }
            try await Self.refused(v, 401, -2014) {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, body, sendKey: false)
            }
            try await Self.refused(v, 401, -2015, harbour: "UNKNOWN_API_KEY") {
                try await v.binance(client, .post, "/fapi/v1/order", key: ApiKeyForgery.key("hk_nope", secretOf: v.alice), body)
            }
            try await Self.refused(v, 401, -2015, harbour: "FORBIDDEN_ROLE") {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.op, body)
            }
            try await Self.refused(v, 401, -2015, harbour: "FORBIDDEN_ROLE") {
                try await v.binance(client, .get, "/fapi/v3/account", key: v.supervisor)
            }
            try await Self.refused(v, 401, -2015, harbour: "MISSING_PERMISSION") {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.aliceReadOnly, body)
            }
            // The body is signed: changing a parameter after signing breaks the signature.
            let signed = v.binanceRequest(.post, "/fapi/v1/order", key: v.alice, body)
            let tampered = BinanceRequest(method: .post, target: signed.target,
                                          body: signed.body!.replacingOccurrences(of: "quantity=0.1", with: "quantity=9.9"), headers: signed.headers)
            try await Self.refused(v, 400, -1022) { try await v.execute(client, tampered) }
            // The same signed request twice: the second is a replay.
            let once = v.binanceRequest(.post, "/fapi/v1/order", key: v.alice, body)
            let first = try await v.execute(client, once)
            #expect(first.status == 200, "\(first.text)")
            try await Self.refused(v, 400, -1022, harbour: "REPLAYED_REQUEST") { try await v.execute(client, once) }
        }
    }

    @Test("unknown symbol, off-tick price, off-lot size, bad parameters, margin → Binance order errors, nothing changes")
    func orderRefusals() async throws {
        try await TestVenue.withLive { v, client in
            try await Self.refused(v, 400, -1121, harbour: "UNKNOWN_SYMBOL") {
                try await v.binance(client, .get, "/fapi/v1/depth", [("symbol", "DOGEUSDT")])
            }
            try await Self.refused(v, 400, -1121) {
                try await v.binance(client, .get, "/fapi/v1/depth", [("symbol", "BTC-PERP")])
            }
            try await Self.refused(v, 400, -1121) {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice,
                                    [("symbol", "DOGEUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("quantity", "1"), ("price", "1")])
            }
            try await Self.refused(v, 400, -1013, contains: "PRICE_FILTER", harbour: "PRICE_OFF_TICK") {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("BUY", "LIMIT", qty: "0.1", price: "50000.05"))
            }
            try await Self.refused(v, 400, -1013, contains: "LOT_SIZE", harbour: "QUANTITY_OFF_LOT") {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("BUY", "LIMIT", qty: "0.0001", price: "49000"))
            }
            try await Self.refused(v, 400, -1013, contains: "LOT_SIZE") {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("BUY", "LIMIT", qty: "1000", price: "49000"))
            }
            try await Self.refused(v, 400, -2010, harbour: "PRICE_OUTSIDE_BAND") {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("BUY", "LIMIT", qty: "0.1", price: "70000"))
            }
            try await Self.refused(v, 400, -1100, harbour: "INVALID_NUMBER") {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("BUY", "LIMIT", qty: "1e-1", price: "49000"))
            }
            try await Self.refused(v, 400, -1102) {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("price", "49000")])
            }
            try await Self.refused(v, 400, -1102) {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("quantity", "0.1")])
            }
            try await Self.refused(v, 400, -1106) {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice,
                                    [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.1"), ("price", "49000")])
            }
            try await Self.refused(v, 400, -1116) {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("BUY", "TRAILING_STOP_MARKET", qty: "0.1"))
            }
            try await Self.refused(v, 400, -1117) {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("LONG", "MARKET", qty: "0.1"))
            }
            try await Self.refused(v, 400, -1104) {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("BUY", "MARKET", qty: "0.1", extra: [("callbackRate", "1")]))
            }
            try await Self.refused(v, 400, -4061) {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("BUY", "MARKET", qty: "0.1", extra: [("positionSide", "LONG")]))
            }
            try await Self.refused(v, 400, -2013, harbour: "UNKNOWN_ORDER") {
                try await v.binance(client, .get, "/fapi/v1/order", key: v.alice, [("symbol", "BTCUSDT"), ("orderId", "424242")])
            }
            let lev = try await v.binance(client, .post, "/fapi/v1/leverage", key: v.alice, [("symbol", "BTCUSDT"), ("leverage", "1")])
            #expect(lev.status == 200, "\(lev.text)")
            try await Self.refused(v, 400, -4050, harbour: "INSUFFICIENT_MARGIN") {
                try await v.binance(client, .post, "/fapi/v1/order", key: v.alice, Self.order("BUY", "LIMIT", qty: "30", price: "49000"))
            }
            try await Self.refused(v, 400, -4028, harbour: "LEVERAGE_OUT_OF_RANGE") {
                try await v.binance(client, .post, "/fapi/v1/leverage", key: v.alice, [("symbol", "BTCUSDT"), ("leverage", "1000")])
            }
            try await Self.refused(v, 400, -4046) {
                try await v.binance(client, .post, "/fapi/v1/marginType", key: v.alice, [("symbol", "BTCUSDT"), ("marginType", "CROSSED")])
            }
            let open = try await v.binance(client, .get, "/fapi/v1/openOrders", key: v.alice)
            #expect(open.status == 200 && open.array.isEmpty, "\(open.text)")
        }
    }
}
