import Engine
import Foundation
import Gateway
import HarbourCore
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import Sequencer

/// A venue on a temporary directory with three funded accounts (alice, bob, mm), a BTC
/// mark, and keys of every role (staff keys named olivia, raj, maya, sam); the gateway's clock is a manual one so signatures,
/// windows and rate limits are deterministic.
final class TestVenue: Sendable {
    let dir: URL
    let host: VenueHost
    let keys: ApiKeyStore
    let clock: ManualClock
    let alice: ApiKey
    let aliceReadOnly: ApiKey
    let bob: ApiKey
    let mm: ApiKey
    /// The operations key (accounts, keys, money, instrument status).
    let op: ApiKey
    let risk: ApiKey
    let compliance: ApiKey
    let supervisor: ApiKey

    init() async throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-gw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // Starts at the real time and then only moves when a test moves it (each request
        // moves it 1 ms). The host's command timestamps come from the same clock, so a slow
        // machine cannot carry a refused request across a sampling or sweep boundary — time-
        // driven engine work would then change the state hash of a request that changed
        // nothing.
        let clock = ManualClock(millis: SystemClock().nowMillis())
        self.clock = clock
        host = try VenueHost(options: .init(dataDirectory: dir.appendingPathComponent("venue"), clock: { clock.nowMillis() }))
        keys = try ApiKeyStore(dataDirectory: dir, masterKey: MasterKey.random())
        let btc = InstrumentID(0)
        for name in ["alice", "bob", "mm"] {
            _ = try await host.submit(.openAccount(name: name, group: nil, feeTier: nil))
            try await host.onboardIndividual(name)
            let id = try await host.read { $0.accountID(named: name)! }
            _ = try await host.submit(.deposit(account: id, asset: "USD", amount: 1_000_000 * 1_000_000))
        }
        _ = try await host.submit(.markPrice(instrument: btc, price: 500_000))
        alice = try keys.create(role: .client, account: "alice", permissions: [.read, .trade])
        aliceReadOnly = try keys.create(role: .client, account: "alice", permissions: [.read])
        bob = try keys.create(role: .client, account: "bob", permissions: [.read, .trade])
        mm = try keys.create(role: .marketMaker, account: "mm", permissions: [.read, .trade])
        op = try keys.create(role: .operations, account: nil, staff: "olivia", permissions: [.read, .trade])
        risk = try keys.create(role: .risk, account: nil, staff: "raj", permissions: [.read, .trade])
        compliance = try keys.create(role: .compliance, account: nil, staff: "maya", permissions: [.read, .trade])
        supervisor = try keys.create(role: .supervisor, account: nil, staff: "sam", permissions: [.read])
    }

    func application() async throws -> Application<RouterResponder<GatewayRequestContext>> {
        try await GatewayServer.makeApplication(host: host, keys: keys, configuration: GatewayConfiguration(port: 0), clock: clock)
    }

    func stateHash() async throws -> String { try await host.read { $0.stateHash() } }

    func close() {
        host.shutdown()
        try? FileManager.default.removeItem(at: dir)
    }

    /// Runs `body` against a live gateway on loopback, then shuts the venue down.
    static func withLive(_ body: @escaping @Sendable (TestVenue, any TestClientProtocol) async throws -> Void) async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let app = try await venue.application()
        try await app.test(.live) { client in try await body(venue, client) }
    }

    /// Sends a request signed with `key` (unsigned when nil). Each call moves the clock by
    /// 1 ms so two identical requests have different signatures.
    @discardableResult
    func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ target: String, key: ApiKey? = nil,
              body: String? = nil, timestampOffset: Int64 = 0, signature: String? = nil) async throws -> Reply {
        clock.advance(millis: 1)
        var headers = HTTPFields()
        if body != nil { headers[.contentType] = "application/json" }
        if let key {
            let ts = String(clock.nowMillis() + timestampOffset)
            let sig = signature ?? RequestAuthenticator.sign(secret: key.secret, timestamp: ts, method: method.rawValue,
                                                             target: target, body: Array((body ?? "").utf8))
            headers[HTTPField.Name("X-Harbour-Key")!] = key.key
            headers[HTTPField.Name("X-Harbour-Timestamp")!] = ts
            headers[HTTPField.Name("X-Harbour-Signature")!] = sig
        }
        let r = try await client.execute(uri: target, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return Reply(response: r)
    }
}

/// A response with its JSON body parsed.
struct Reply: @unchecked Sendable {
    let response: TestResponse
    var status: Int { Int(response.status.code) }
    var text: String { String(buffer: response.body) }
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    var code: String? { object["code"] as? String }
    func header(_ name: String) -> String? { response.headers[HTTPField.Name(name)!] }
}

/// A limit order body.
func limitOrder(_ side: String, price: String, qty: String, clientOrderId: String? = nil, symbol: String = "BTC-PERP") -> String {
    var s = #"{"symbol":"\#(symbol)","side":"\#(side)","orderType":"limit","price":"\#(price)","qty":"\#(qty)""#
    if let c = clientOrderId { s += #","clientOrderId":"\#(c)""# }
    return s + "}"
}

/// Header sets built by hand (replay tests send the exact same headers twice).
enum HTTPFieldsBuilder {
    static func auth(key: String, timestamp: String, signature: String) -> HTTPFields {
        var h = HTTPFields()
        h[HTTPField.Name("X-Harbour-Key")!] = key
        h[HTTPField.Name("X-Harbour-Timestamp")!] = timestamp
        h[HTTPField.Name("X-Harbour-Signature")!] = signature
        return h
    }
}
