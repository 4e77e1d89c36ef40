import CommandInput
import Engine
import Foundation
import HarbourCore
import Logging
import Matching
import Testing
@testable import Gateway

/// Issue 13 item 2, the decoding-table test: the same order sent as a `/v1` body, a
/// `/fapi` query, a WebSocket `order` message and a replay line is the same `Command`,
/// because all four go through `CommandBuilder` and its one table. Each entry point's own
/// reading code runs: `RequestBody` + `prepareOrder` (/v1), `WebSocketSession.message` +
/// `orderBody` (WebSocket), `binanceOrderCommand` with Binance's names (/fapi), `CommandDecoder` (replay).
@Suite struct TypedCommandPathTests {
    /// One order in the native spelling (a /v1 body) and in Binance's (a /fapi query),
    /// with the order both must give.
    struct Case: Sendable {
        let name: String
        let body: String
        let binance: [String: String]
        let expected: @Sendable (AccountID) -> PlaceOrder
    }

    static let btc = InstrumentID(0), eth = InstrumentID(1)

    static let cases: [Case] = [
        Case(name: "limit GTC with a client id",
             body: #"{"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000.5","qty":"0.015","clientOrderId":"lim-1"}"#,
             binance: ["symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "price": "49000.5", "quantity": "0.015",
                       "timeInForce": "GTC", "newClientOrderId": "lim-1"],
             expected: { PlaceOrder(account: $0, instrument: btc, side: .buy, type: .limit, timeInForce: .gtc, price: 490_005,
                                    quantity: 15, clientOrderId: "lim-1") }),
        Case(name: "market",
             body: #"{"symbol":"BTC-PERP","side":"sell","orderType":"market","qty":"0.002"}"#,
             binance: ["symbol": "BTCUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.002"],
             expected: { PlaceOrder(account: $0, instrument: btc, side: .sell, type: .market, timeInForce: .ioc, quantity: 2) }),
        Case(name: "stop market on the last price",
             body: #"{"symbol":"BTC-PERP","side":"buy","orderType":"stopMarket","stopPrice":"51000","trigger":"last","qty":"0.001"}"#,
             binance: ["symbol": "BTCUSDT", "side": "BUY", "type": "STOP_MARKET", "stopPrice": "51000", "quantity": "0.001"],
             expected: { PlaceOrder(account: $0, instrument: btc, side: .buy, type: .stopMarket, timeInForce: .ioc, quantity: 1,
                                    stopPrice: 510_000, trigger: .last) }),
        Case(name: "stop limit on the mark price",
             body: #"{"symbol":"BTC-PERP","side":"buy","orderType":"stopLimit","price":"51500","stopPrice":"51000","trigger":"mark","qty":"0.003","clientOrderId":"x-stop:1/a_b.c"}"#,
             binance: ["symbol": "BTCUSDT", "side": "BUY", "type": "STOP", "price": "51500", "stopPrice": "51000",
                       "workingType": "MARK_PRICE", "quantity": "0.003", "newClientOrderId": "x-stop:1/a_b.c"],
             expected: { PlaceOrder(account: $0, instrument: btc, side: .buy, type: .stopLimit, timeInForce: .gtc, price: 515_000,
                                    quantity: 3, stopPrice: 510_000, trigger: .mark, clientOrderId: "x-stop:1/a_b.c") }),
        Case(name: "post-only (GTX)",
             body: #"{"symbol":"BTC-PERP","side":"sell","orderType":"limit","timeInForce":"postOnly","price":"52000","qty":"0.01"}"#,
             binance: ["symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "timeInForce": "GTX", "price": "52000", "quantity": "0.01"],
             expected: { PlaceOrder(account: $0, instrument: btc, side: .sell, type: .limit, timeInForce: .postOnly, price: 520_000,
                                    quantity: 10) }),
        Case(name: "reduce-only IOC",
             body: #"{"symbol":"BTC-PERP","side":"sell","orderType":"limit","timeInForce":"IOC","price":"49500","qty":"0.004","reduceOnly":true}"#,
             binance: ["symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "timeInForce": "IOC", "price": "49500", "quantity": "0.004",
                       "reduceOnly": "true"],
             expected: { PlaceOrder(account: $0, instrument: btc, side: .sell, type: .limit, timeInForce: .ioc, price: 495_000,
                                    quantity: 4, reduceOnly: true) }),
        Case(name: "take-profit market, expire both",
             body: #"{"symbol":"BTC-PERP","side":"sell","orderType":"takeProfitMarket","stopPrice":"55000","trigger":"mark","qty":"0.005","stp":"expireBoth"}"#,
             binance: ["symbol": "BTCUSDT", "side": "SELL", "type": "TAKE_PROFIT_MARKET", "stopPrice": "55000", "workingType": "MARK_PRICE",
                       "quantity": "0.005", "selfTradePreventionMode": "EXPIRE_BOTH"],
             expected: { PlaceOrder(account: $0, instrument: btc, side: .sell, type: .takeProfitMarket, timeInForce: .ioc, quantity: 5,
                                    stopPrice: 550_000, trigger: .mark, stp: .expireBoth) }),
        Case(name: "FOK on ETH with a client id",
             body: #"{"symbol":"ETH-PERP","side":"buy","orderType":"limit","timeInForce":"FOK","price":"3000.25","qty":"1.5","clientOrderId":"eth.fok"}"#,
             binance: ["symbol": "ETHUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "FOK", "price": "3000.25", "quantity": "1.5",
                       "newClientOrderId": "eth.fok"],
             expected: { PlaceOrder(account: $0, instrument: eth, side: .buy, type: .limit, timeInForce: .fok, price: 300_025,
                                    quantity: 1_500, clientOrderId: "eth.fok") }),
    ]

    static func core(_ venue: TestVenue) -> GatewayCore {
        GatewayCore(host: venue.host, keys: venue.keys, history: EmptyHistoryProvider(), configuration: GatewayConfiguration(),
                    clock: venue.clock, metrics: GatewayMetrics(), logger: Logger(label: "test"))
    }

    /// The four commands of one order: /v1, WebSocket, /fapi, replay.
    static func commands(_ core: GatewayCore, _ venue: TestVenue, body: String, binance: [String: String]) -> [Result<Command, any Error>] {
        let v1 = Result { try core.prepareOrder(try RequestBody(Array(body.utf8), schema: placeOrderSchema), account: "alice").0 }
        let ws = Result {
            let message = try WebSocketSession.message(#"{"op":"order","id":7,"# + body.dropFirst())
            #expect(message.op == "order" && message.requestId == .int(7))
            return try core.prepareOrder(try WebSocketSession.orderBody(message.fields), account: "alice").0
        }
        let fapi = Result { try core.binanceOrderCommand(BinanceCall(key: venue.alice, params: binance)) }
        let replay = Result { () throws -> Command in
            let line = #"{"type":"placeOrder","ts":1764640000000,"account":"alice","# + body.dropFirst()
            let (timestamp, command) = try CommandDecoder().decode(line: line, engine: venue.host.names)
            #expect(timestamp == 1_764_640_000_000)
            return command
        }
        return [v1, ws, fapi, replay]
    }

    @Test("the same order through /v1, WebSocket, /fapi and replay is the same Command", arguments: cases.indices)
    func sameOrderSameCommand(_ index: Int) async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let core = Self.core(venue)
        let alice = try await venue.host.read { $0.accountID(named: "alice")! }
        let order = Self.cases[index]
        let expected = Command.placeOrder(order.expected(alice))
        for (entry, result) in zip(["/v1", "WebSocket", "/fapi", "replay"], Self.commands(core, venue, body: order.body, binance: order.binance)) {
            switch result {
            case .success(let command): #expect(command == expected, "\(order.name) through \(entry)")
            case .failure(let error): Issue.record("\(order.name) through \(entry) was refused: \(error)")
            }
        }
    }

    /// The stable code of a refusal, whichever entry point gave it.
    static func code(_ result: Result<Command, any Error>) -> String? {
        switch result {
        case .success(.invalid(let r, _)): return r.code.rawValue
        case .success: return nil
        case .failure(let e as ApiError): return e.code
        case .failure(let e as BinanceError): return e.harbourCode
        case .failure: return "?"
        }
    }

    @Test("a bad field of the same order is refused with the same code by all four")
    func sameRefusal() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let core = Self.core(venue)
        let refusals: [(String, [String: String], RejectCode)] = [
            (#"{"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.01","clientOrderId":"a b"}"#,
             ["symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "price": "49000", "quantity": "0.01", "newClientOrderId": "a b"],
             .invalidClientOrderId),
            (#"{"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000.55","qty":"0.01"}"#,
             ["symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "price": "49000.55", "quantity": "0.01"], .priceOffTick),
            (#"{"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.0105"}"#,
             ["symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "price": "49000", "quantity": "0.0105"], .quantityOffLot),
        ]
        let before = try await venue.stateHash()
        for (body, binance, code) in refusals {
            let codes = Self.commands(core, venue, body: body, binance: binance).map(Self.code)
            #expect(codes == Array(repeating: code.rawValue, count: 4), "\(body): \(codes)")
        }
        #expect(try await venue.stateHash() == before, "nothing was sequenced")
    }
}
