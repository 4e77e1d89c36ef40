import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import HummingbirdWSTesting
import Logging
import Testing

/// MM-3: a market-maker key sees public data and its own orders only. Every attempt at
/// another account's data or a staff view is refused with INFORMATION_BARRIER, changes
/// nothing, and is one barrier event that compliance reads and that survives a restart.
@Suite("Information barrier", .timeLimit(.minutes(2))) struct InformationBarrierTests {
    /// A live gateway whose core the test can look into (registry, barrier log).
    static func withCore(_ body: @escaping @Sendable (TestVenue, GatewayCore, [Role: ApiKey], any TestClientProtocol) async throws -> Void)
        async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let (app, core) = try await GatewayServer.build(host: venue.host, keys: venue.keys, history: EmptyHistoryProvider(),
                                                        configuration: GatewayConfiguration(port: 0), clock: venue.clock,
                                                        metrics: GatewayMetrics(), logger: Logger(label: "test"))
        let keys = try RouteRoleMatrixTests.keys(venue)
        try await app.test(.live) { client in try await body(venue, core, keys, client) }
    }

    /// Sends and expects a barrier refusal that changed nothing and added one event of `kind` for `route`.
    static func barred(_ venue: TestVenue, _ core: GatewayCore, _ kind: BarrierEvent.Kind, route: String,
                       sourceLocation: SourceLocation = #_sourceLocation, _ send: () async throws -> Reply) async throws {
        let before = try await venue.stateHash()
        let count = core.barrier.all.count
        let reply = try await send()
        let fapi = route.contains(" /fapi/")
        let code = fapi ? reply.object["harbourCode"] as? String : reply.code
        #expect(reply.status == (fapi ? 401 : 403), "\(route): \(reply.text)", sourceLocation: sourceLocation)
        #expect(code == "INFORMATION_BARRIER", "\(route): \(reply.text)", sourceLocation: sourceLocation)
        #expect(try await venue.stateHash() == before, "\(route) changed the venue", sourceLocation: sourceLocation)
        let events = core.barrier.all
        #expect(events.count == count + 1, "\(route) was not logged", sourceLocation: sourceLocation)
        if let last = events.last, events.count == count + 1 {
            #expect(last.kind == kind && last.route == route && last.account == "mm", "\(last)", sourceLocation: sourceLocation)
        }
    }

    @Test("a market maker naming another account on every private route is refused and each attempt logged")
    func otherAccountsPrivateData() async throws {
        try await Self.withCore { v, core, keys, client in
            let mm = keys[.marketMaker]!
            let accountRoutes = core.routeRules.filter { $0.roles == [.client, .marketMaker] }
            #expect(accountRoutes.count == 39)   // 33 + the six loan routes (FIN-4)
            for rule in accountRoutes {
                let method = HTTPRequest.Method(rawValue: rule.method)!
                let path = rule.path.replacingOccurrences(of: "{symbol}", with: "BTC-PERP").replacingOccurrences(of: "{loan}", with: "1")
                let route = "\(rule.method) \(path)"
                if rule.path.hasPrefix("/fapi/") {
                    try await Self.barred(v, core, .otherAccount, route: route) {
                        try await v.binance(client, method, rule.path, key: mm, [("symbol", "BTCUSDT"), ("account", "bob")])
                    }
                } else if method == .get || method == .delete {
                    try await Self.barred(v, core, .otherAccount, route: route) {
                        try await v.send(client, method, path + "?account=bob", key: mm)
                    }
                } else {
                    try await Self.barred(v, core, .otherAccount, route: route) {
                        try await v.send(client, method, path, key: mm, body: #"{"symbol":"BTC-PERP","account":"bob"}"#)
                    }
                }
            }
            // Every spelling of "account" the barrier knows, in a query and in a body.
            for name in GatewayCore.accountFieldNames.sorted() {
                try await Self.barred(v, core, .otherAccount, route: "GET /v1/balances") {
                    try await v.send(client, .get, "/v1/balances?\(name)=bob", key: mm)
                }
                try await Self.barred(v, core, .otherAccount, route: "POST /v1/leverage") {
                    try await v.send(client, .post, "/v1/leverage", key: mm, body: #"{"symbol":"BTC-PERP","leverage":5,"\#(name)":"bob"}"#)
                }
            }
            // A client gets the old refusal (no route takes an account), and nothing is logged;
            // a market maker naming its own account is a mistake, not an attempt.
            let logged = core.barrier.all.count
            #expect(try await v.send(client, .get, "/v1/positions?account=bob", key: keys[.client]!).code == "UNKNOWN_PARAMETER")
            #expect(try await v.send(client, .get, "/v1/positions?account=mm", key: mm).code == "UNKNOWN_PARAMETER")
            #expect(try await v.send(client, .post, "/v1/orders", key: keys[.client]!,
                                     body: #"{"symbol":"BTC-PERP","account":"bob"}"#).code == "UNKNOWN_FIELD")
            #expect(core.barrier.all.count == logged)
        }
    }

    @Test("a market maker naming another account's order (cancel, amend, look up) is refused and logged; the order stays")
    func otherAccountsOrders() async throws {
        try await Self.withCore { v, core, keys, client in
            let mm = keys[.marketMaker]!
            let bid = try await v.send(client, .post, "/v1/orders", key: v.bob, body: limitOrder("buy", price: "49000", qty: "0.1"))
            let id = try #require(bid.object["orderId"] as? Int, "\(bid.text)")
            try await Self.barred(v, core, .otherAccountOrder, route: "DELETE /v1/orders") {
                try await v.send(client, .delete, "/v1/orders?symbol=BTC-PERP&orderId=\(id)", key: mm)
            }
            try await Self.barred(v, core, .otherAccountOrder, route: "PATCH /v1/orders") {
                try await v.send(client, .patch, "/v1/orders", key: mm, body: #"{"symbol":"BTC-PERP","orderId":\#(id),"price":"48500"}"#)
            }
            try await Self.barred(v, core, .otherAccountOrder, route: "PATCH /v1/orders") {
                try await v.send(client, .patch, "/v1/orders", key: mm, body: #"{"symbol":"BTC-PERP","orderId":"\#(id)","qty":"0.2"}"#)
            }
            for method in [HTTPRequest.Method.get, .delete] {
                try await Self.barred(v, core, .otherAccountOrder, route: "\(method.rawValue) /fapi/v1/order") {
                    try await v.binance(client, method, "/fapi/v1/order", key: mm, [("symbol", "BTCUSDT"), ("orderId", String(id))])
                }
            }
            let open = try await v.send(client, .get, "/v1/orders/open", key: v.bob)
            #expect(open.array.map { $0["orderId"] as? Int } == [id], "\(open.text)")
            // Its own orders it cancels as before; a client naming bob's order gets UNKNOWN_ORDER, unlogged.
            let ask = try await v.send(client, .post, "/v1/orders", key: mm, body: limitOrder("sell", price: "51000", qty: "0.1"))
            let own = try #require(ask.object["orderId"] as? Int, "\(ask.text)")
            let logged = core.barrier.all.count
            #expect(try await v.send(client, .delete, "/v1/orders?symbol=BTC-PERP&orderId=\(id)", key: keys[.client]!).code == "UNKNOWN_ORDER")
            let cancel = try await v.send(client, .delete, "/v1/orders?symbol=BTC-PERP&orderId=\(own)", key: mm)
            #expect(cancel.status == 200 && cancel.object["status"] as? String == "canceled", "\(cancel.text)")
            #expect(core.barrier.all.count == logged)
        }
    }

    @Test("a market maker at every staff route and the risk channel is refused and logged; compliance and the supervisor read the log; it survives a restart")
    func staffRoutesAndTheLog() async throws {
        try await Self.withCore { v, core, keys, client in
            let mm = keys[.marketMaker]!
            let staffRoutes = core.routeRules.filter { !$0.admits(.marketMaker) }
            #expect(staffRoutes.count == 45)   // 28 + the liquidation watch, the console dashboard and sign-out, reconciliation, reports, ten financing staff routes, delisting, risk-limit requests
            for rule in staffRoutes {
                let method = HTTPRequest.Method(rawValue: rule.method)!
                let path = rule.path.replacingOccurrences(of: "{symbol}", with: "BTC-PERP").replacingOccurrences(of: "{requestId}", with: "r1").replacingOccurrences(of: "{account}", with: "alice").replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{name}", with: "fees").replacingOccurrences(of: "{loan}", with: "1").replacingOccurrences(of: "{instruction}", with: "1")
                try await Self.barred(v, core, .staffRoute, route: "\(rule.method) \(path)") {
                    try await v.send(client, method, path, key: mm, body: method == .get ? nil : "{}")
                }
            }
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var inbox = Inbox(inbound)
                try await outbound.write(.text(wsAuth(mm, v.clock)))
                _ = try await inbox.next({ $0["op"] as? String == "auth" })
                try await outbound.write(.text(#"{"op":"subscribe","channels":["risk"]}"#))
                let refusal = try await inbox.next({ $0["op"] as? String == "error" })
                #expect(refusal["code"] as? String == "INFORMATION_BARRIER")
                try await outbound.close(.normalClosure, reason: nil)
            }
            let events = core.barrier.all
            #expect(events.count == staffRoutes.count + 1 && events.last?.kind == .staffChannel && events.last?.route == "ws subscribe risk")
            #expect(events.map(\.id) == Array(1...Int64(staffRoutes.count + 1)))
            #expect(events.allSatisfy { $0.key == mm.key && $0.account == "mm" && !$0.attempted.isEmpty })

            // Compliance and the supervisor read it; the others may not.
            for role in [Role.compliance, .supervisor] {
                let r = try await v.send(client, .get, "/v1/compliance/barrier-events", key: keys[role]!)
                #expect(r.status == 200, "\(r.text)")
                #expect(r.array.count == staffRoutes.count + 1 && r.array.first?["route"] as? String == "\(staffRoutes[0].method) \(staffRoutes[0].path)")
                #expect(r.array.last?["kind"] as? String == "staffChannel" && r.array.last?["key"] as? String == mm.key)
            }
            let page = try await v.send(client, .get, "/v1/compliance/barrier-events?afterId=10&limit=1", key: keys[.compliance]!)
            #expect(page.array.map { $0["id"] as? Int } == [11], "\(page.text)")
            for role in [Role.client, .operations, .risk] {
                let r = try await v.send(client, .get, "/v1/compliance/barrier-events", key: keys[role]!)
                #expect(r.status == 403 && r.code == "FORBIDDEN_ROLE", "\(r.text)")
            }
            // Durable: the file in the data directory holds every event, one JSON line each.
            let reread = BarrierEventLog(dataDirectory: v.dir)
            #expect(reread.all == events)
            let next = reread.record(time: 1, key: "k", account: "mm", route: "GET /x", kind: .staffRoute, attempted: "x")
            #expect(next.id == Int64(staffRoutes.count + 2))
        }
    }

    @Test("a market maker's WebSocket order naming another account is refused at the barrier and logged; a client's gets UNKNOWN_FIELD")
    func webSocketOrderNamingAnotherAccount() async throws {
        try await Self.withCore { v, core, keys, client in
            let order = #"{"op":"order","id":5,"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.1","account":"bob"}"#
            for (role, code) in [(Role.marketMaker, "INFORMATION_BARRIER"), (.client, "UNKNOWN_FIELD")] {
                let before = try await v.stateHash()
                try await client.ws("/v1/ws") { inbound, outbound, _ in
                    var inbox = Inbox(inbound)
                    try await outbound.write(.text(wsAuth(keys[role]!, v.clock)))
                    _ = try await inbox.next({ $0["op"] as? String == "auth" })
                    try await outbound.write(.text(order))
                    let refusal = try await inbox.next({ $0["op"] as? String == "error" })
                    #expect(refusal["code"] as? String == code, "\(refusal)")
                    try await outbound.close(.normalClosure, reason: nil)
                }
                #expect(try await v.stateHash() == before)
            }
            #expect(core.barrier.all.map(\.route) == ["ws order"])
            #expect(core.barrier.all.first?.kind == .otherAccount && core.barrier.all.first?.account == "mm")
        }
    }

    @Test("a torn last line (a crash mid-write) is skipped on reading and the next event starts a fresh line")
    func tornTail() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-barrier-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = BarrierEventLog(dataDirectory: dir)
        log.record(time: 5, key: "hk_1", account: "mm", route: "GET /v1/risk/alerts", kind: .staffRoute, attempted: "risk alerts")
        let path = dir.appendingPathComponent(BarrierEventLog.fileName)
        let handle = try FileHandle(forWritingTo: path)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"id":2,"time":6,"ke"#.utf8))
        try handle.close()
        let reopened = BarrierEventLog(dataDirectory: dir)
        #expect(reopened.all.map(\.id) == [1])
        reopened.record(time: 7, key: "hk_1", account: "mm", route: "GET /v1/audit/head", kind: .staffRoute, attempted: "audit head")
        #expect(BarrierEventLog(dataDirectory: dir).all.map(\.route) == ["GET /v1/risk/alerts", "GET /v1/audit/head"])
    }
}
