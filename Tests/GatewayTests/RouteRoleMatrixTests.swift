import Foundation
@testable import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import Logging
import Testing

/// Who may call what (REG-4, MM-2, DECISIONS 32): the gateway's route registry against an
/// explicit table, and every registered route called with a key of every role.
@Suite("Route role matrix", .timeLimit(.minutes(2))) struct RouteRoleMatrixTests {
    static let staffRead = "risk,compliance,operations,supervisor"
    static let account = "client,marketMaker"

    /// Every route and who may call it: "open", or the roles, then the permission. Adding a
    /// route without adding it here fails `registryIsTheTable`: the roles are a decision.
    static let expected: [String: String] = [
        // Public market data, disclosures, health, metrics; the WebSocket checks roles per op.
        "GET /v1/time": "open", "GET /v1/health": "open", "GET /v1/ready": "open", "GET /v1/instruments": "open", "GET /v1/spot/markets": "open",
        "GET /v1/book/{symbol}": "open", "GET /v1/trades/{symbol}": "open", "GET /v1/ticker/{symbol}": "open",
        "GET /v1/mark/{symbol}": "open", "GET /v1/funding/{symbol}/history": "open", "GET /v1/funding/{symbol}": "open",
        "GET /v1/disclosures": "open", "GET /v1/disclosures/{symbol}": "open", "GET /v1/disclosures/{symbol}/diff": "open",
        "GET /v1/insurance-fund": "open", "GET /v1/risk/metrics": "open", "GET /metrics": "open", "GET /v1/ws": "open",
        // The account's own orders, positions, money and history.
        "POST /v1/orders": "\(account) trade", "PATCH /v1/orders": "\(account) trade", "DELETE /v1/orders": "\(account) trade",
        "DELETE /v1/orders/all": "\(account) trade", "GET /v1/orders/open": "\(account) read", "GET /v1/positions": "\(account) read",
        "GET /v1/balances": "\(account) read", "POST /v1/leverage": "\(account) trade", "POST /v1/margin-mode": "\(account) trade",
        "GET /v1/orders/history": "\(account) read", "GET /v1/trades/history": "\(account) read", "GET /v1/statement": "\(account) read",
        "GET /v1/liquidations": "\(account) read", "GET /v1/ledger": "\(account) read",
        // Margin financing (FIN-1..6): the client's loans; staff records, prices, fills, the book.
        "POST /v1/loans": "\(account) trade", "GET /v1/loans": "\(account) read", "POST /v1/loans/{loan}/pledge": "\(account) trade",
        "POST /v1/loans/{loan}/release": "\(account) trade", "POST /v1/loans/{loan}/drawdown": "\(account) trade",
        "POST /v1/loans/{loan}/repay": "\(account) trade",
        "POST /v1/financing/clients": "compliance trade", "POST /v1/financing/credit-assessments": "compliance trade",
        "POST /v1/financing/capital": "operations trade", "POST /v1/financing/collateral-prices": "operations trade",
        "POST /v1/financing/forced-sales/{instruction}/fill": "operations trade", "GET /v1/financing/loans": "\(staffRead) read",
        "GET /v1/financing/stress": "risk,supervisor read",
        "POST /v1/financing/credit-limit-requests": "compliance trade", "POST /v1/financing/haircut-requests": "risk trade",
        "POST /v1/financing/limit-requests": "risk trade",
        // A perpetual's risk limits (PERP-1): the risk team proposes, anyone reads the versions.
        "POST /v1/risk/instruments/{symbol}/limit-requests": "risk trade", "GET /v1/instruments/{symbol}/risk-limits": "open",
        // Staff.
        "POST /v1/admin/accounts": "operations trade", "GET /v1/admin/accounts": "\(staffRead) read",
        "POST /v1/admin/api-keys": "operations trade", "POST /v1/admin/deposits": "operations trade",
        "POST /v1/admin/withdrawals": "operations trade", "POST /v1/admin/instruments/{symbol}/status": "operations trade",
        "POST /v1/admin/insurance-fund/deposits": "risk trade",
        "GET /v1/risk/alerts": "risk,supervisor read", "GET /v1/risk/stress": "risk,supervisor read",
        "GET /v1/risk/liquidation-watch": "risk,supervisor read",
        "GET /v1/reconciliation": "risk,compliance,supervisor read", "GET /v1/reports/{name}": "compliance,supervisor read",
        "GET /v1/audit/head": "compliance,supervisor read", "GET /v1/compliance/barrier-events": "compliance,supervisor read",
        // Onboarding, suitability, four-eyes (PI-1, PI-2, REG-4, MM-1): compliance writes, compliance and supervisor read.
        "POST /v1/compliance/evidence": "compliance trade", "POST /v1/compliance/classifications": "compliance trade",
        "POST /v1/compliance/leverage-caps": "compliance trade", "POST /v1/compliance/owner-notional-caps": "compliance trade",
        "POST /v1/compliance/market-makers": "compliance trade", "POST /v1/compliance/knowledge-assessments": "compliance trade",
        "POST /v1/compliance/requests/{requestId}/approve": "risk,compliance,operations trade",
        "POST /v1/admin/withdrawal-requests": "operations trade",
        "POST /v1/compliance/products/{symbol}/approval": "compliance trade",
        "POST /v1/compliance/products/{symbol}/delisting": "compliance trade",
        "POST /v1/compliance/requests/{requestId}/reject": "risk,compliance,operations trade",
        "GET /v1/compliance/requests": "\(staffRead) read", "GET /v1/compliance/clients/{account}": "compliance,supervisor read",
        // Surveillance and MM obligations (MM-4, MM-5).
        "GET /v1/compliance/surveillance/alerts": "compliance,supervisor read",
        "POST /v1/compliance/surveillance/alerts/{id}/assign": "compliance trade",
        "POST /v1/compliance/surveillance/alerts/{id}/review": "compliance trade",
        "POST /v1/compliance/surveillance/alerts/{id}/close": "compliance trade",
        "GET /v1/compliance/market-makers/obligations": "compliance,supervisor read",
        // The client's own eligibility and acknowledgements; the published MM terms.
        "GET /v1/account/eligibility": "\(account) read", "POST /v1/disclosures/{symbol}/acknowledge": "\(account) trade",
        "GET /v1/market-makers": "open",
        // The operator console (OPS-2, DECISIONS 37): sign-in page, sign-in and assets are open;
        // the dashboard and sign-out are for every staff role. Its data is the routes above.
        "GET /console": "open", "POST /console/session": "open", "GET /console/assets/{name}": "open",
        "GET /console/home": "\(staffRead) read", "POST /console/session/end": "\(staffRead) read",
        // Binance-compatible /fapi.
        "GET /fapi/v1/ping": "open", "GET /fapi/v1/time": "open", "GET /fapi/v1/exchangeInfo": "open", "GET /fapi/v1/depth": "open",
        "GET /fapi/v1/trades": "open", "GET /fapi/v1/aggTrades": "open", "GET /fapi/v1/ticker/24hr": "open",
        "GET /fapi/v1/ticker/bookTicker": "open", "GET /fapi/v1/premiumIndex": "open", "GET /fapi/v1/fundingRate": "open",
        "GET /fapi/v2/account": "\(account) read", "GET /fapi/v3/account": "\(account) read",
        "GET /fapi/v2/balance": "\(account) read", "GET /fapi/v3/balance": "\(account) read",
        "GET /fapi/v2/positionRisk": "\(account) read", "GET /fapi/v3/positionRisk": "\(account) read",
        "GET /fapi/v1/leverageBracket": "\(account) read", "GET /fapi/v1/positionSide/dual": "\(account) read",
        "POST /fapi/v1/leverage": "\(account) trade", "POST /fapi/v1/marginType": "\(account) trade",
        "POST /fapi/v1/order": "\(account) trade", "GET /fapi/v1/order": "\(account) read", "DELETE /fapi/v1/order": "\(account) trade",
        "GET /fapi/v1/openOrders": "\(account) read", "DELETE /fapi/v1/allOpenOrders": "\(account) trade",
        "GET /fapi/v1/allOrders": "\(account) read", "GET /fapi/v1/userTrades": "\(account) read",
    ]

    /// A rule as the table spells it.
    static func spelled(_ rule: RouteRule) -> String {
        guard let roles = rule.roles, let permission = rule.permission else { return "open" }
        return Role.allCases.filter(roles.contains).map(\.rawValue).joined(separator: ",") + " " + permission.rawValue
    }

    /// A core whose routes are registered (building the router registers them).
    static func core(_ venue: TestVenue) -> (GatewayCore, Router<GatewayRequestContext>) {
        let core = GatewayCore(host: venue.host, keys: venue.keys, history: EmptyHistoryProvider(),
                               configuration: GatewayConfiguration(port: 0), clock: venue.clock, metrics: GatewayMetrics(),
                               logger: Logger(label: "test"))
        return (core, GatewayServer.router(core))
    }

    @Test("the registry is the table, and holds every route the router serves, once")
    func registryIsTheTable() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let (core, router) = Self.core(venue)
        let rules = core.routeRules
        let registered = rules.map { "\($0.method) \($0.path)" }
        #expect(Set(registered).count == registered.count, "a route is registered twice: \(registered)")
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        #expect(routed == Set(registered), "served but not registered: \(routed.subtracting(registered).sorted()); registered but not served: \(Set(registered).subtracting(routed).sorted())")
        var actual: [String: String] = [:]
        for rule in rules { actual["\(rule.method) \(rule.path)"] = Self.spelled(rule) }
        for (route, who) in actual.sorted(by: { $0.key < $1.key }) where Self.expected[route] != who {
            Issue.record("\(route): registered \(who), the table says \(Self.expected[route] ?? "nothing (a new route: decide its roles)")")
        }
        for route in Set(Self.expected.keys).subtracting(actual.keys).sorted() { Issue.record("\(route) is in the table but not registered") }
        // Staff write routes need trade; the supervisor never gets a trade route.
        for rule in rules where rule.roles?.contains(.supervisor) == true { #expect(rule.permission == .read, "\(rule)") }
    }

    @Test("MM-2: a market-maker key may call no route a client key may not")
    func marketMakerHasNothingExtra() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let rules = Self.core(venue).0.routeRules
        #expect(!rules.isEmpty)
        for rule in rules where rule.admits(.marketMaker) {
            #expect(rule.admits(.client), "a market-maker-only route: \(rule)")
        }
        #expect(rules.filter { $0.roles?.contains(.marketMaker) == true } .count == rules.filter { $0.roles?.contains(.client) == true }.count)
    }

    /// One key per role, not throttled (the matrix sends hundreds of requests on a manual clock).
    static func keys(_ venue: TestVenue) throws -> [Role: ApiKey] {
        let unthrottled = RateLimitPolicy(requests: 1_000_000, perSeconds: 1)
        var keys: [Role: ApiKey] = [:]
        for role in Role.allCases {
            let account: String? = role == .client ? "alice" : role == .marketMaker ? "mm" : nil
            let staff: String? = role.isStaff ? "matrix-\(role.rawValue)" : nil
            keys[role] = try venue.keys.create(role: role, account: account, staff: staff,
                                               permissions: role == .supervisor ? [.read] : [.read, .trade], rateLimit: unthrottled)
        }
        return keys
    }

    /// Sends `rule`'s route signed with `key` (native or Binance-style), path parameters filled in.
    static func call(_ venue: TestVenue, _ client: any TestClientProtocol, _ rule: RouteRule, _ key: ApiKey) async throws -> Reply {
        let method = HTTPRequest.Method(rawValue: rule.method)!
        if rule.path.hasPrefix("/fapi/") { return try await venue.binance(client, method, rule.path, key: key) }
        let path = rule.path.replacingOccurrences(of: "{symbol}", with: "BTC-PERP").replacingOccurrences(of: "{requestId}", with: "r1").replacingOccurrences(of: "{account}", with: "alice").replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{name}", with: "console.js").replacingOccurrences(of: "{loan}", with: "1").replacingOccurrences(of: "{instruction}", with: "1")
        let body: String? = method == .get || method == .delete ? nil : "{}"
        return try await venue.send(client, method, path, key: key, body: body)
    }

    @Test("every route with every role: outside the list 403 (market makers at the barrier) and nothing changes; inside, never 403")
    func everyRouteEveryRole() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        var configuration = GatewayConfiguration(port: 0)
        configuration.publicRateLimit = RateLimitPolicy(requests: 1_000_000, perSeconds: 1)
        let (app, core) = try await GatewayServer.build(host: venue.host, keys: venue.keys, history: EmptyHistoryProvider(),
                                                        configuration: configuration, clock: venue.clock, metrics: GatewayMetrics(),
                                                        logger: Logger(label: "test"))
        let keys = try Self.keys(venue)
        let rules = core.routeRules.filter { $0.path != "/v1/ws" }   // the upgrade route: WebSocket tests cover its ops
        #expect(rules.count == Self.expected.count - 1)
        try await app.test(.live) { client in
            var refused = 0, barrier = 0
            for rule in rules {
                for role in Role.allCases {
                    let key = keys[role]!
                    let before = try await venue.stateHash()
                    let reply = try await Self.call(venue, client, rule, key)
                    let fapi = rule.path.hasPrefix("/fapi/")
                    let code = fapi ? reply.object["harbourCode"] as? String : reply.code
                    if rule.admits(role) {
                        #expect(reply.status != 403, "\(role) on \(rule): \(reply.status) \(reply.text)")
                        #expect(!["FORBIDDEN_ROLE", "INFORMATION_BARRIER", "MISSING_PERMISSION"].contains(code ?? ""),
                                "\(role) on \(rule): \(reply.text)")
                        continue
                    }
                    let want = role == .marketMaker ? "INFORMATION_BARRIER" : "FORBIDDEN_ROLE"
                    // /fapi answers role refusals in Binance's shape (401, -2015) with the native code.
                    #expect(reply.status == (fapi ? 401 : 403), "\(role) on \(rule): \(reply.status) \(reply.text)")
                    #expect(code == want, "\(role) on \(rule): \(reply.text)")
                    if fapi { #expect(reply.object["code"] as? Int == -2015, "\(reply.text)") }
                    #expect(try await venue.stateHash() == before, "\(role) on \(rule) changed the venue")
                    refused += 1
                    if role == .marketMaker { barrier += 1 }
                }
            }
            // Every market-maker refusal is one barrier event naming the key, account and route.
            let events = core.barrier.all
            #expect(events.count == barrier)
            #expect(events.allSatisfy { $0.key == keys[.marketMaker]!.key && $0.account == "mm" && $0.kind == .staffRoute })
            let staffRoutes = rules.filter { !$0.admits(.marketMaker) }.map { "\($0.method) \($0.path.replacingOccurrences(of: "{symbol}", with: "BTC-PERP").replacingOccurrences(of: "{requestId}", with: "r1").replacingOccurrences(of: "{account}", with: "alice").replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{name}", with: "console.js").replacingOccurrences(of: "{loan}", with: "1").replacingOccurrences(of: "{instruction}", with: "1"))" }
            #expect(events.map(\.route) == staffRoutes)
            #expect(refused > 50 && barrier == staffRoutes.count && barrier >= 28, "refused \(refused), barrier \(barrier)")
        }
    }

    @Test("the WebSocket risk channel: risk and supervisor keys subscribe; other staff and clients FORBIDDEN_ROLE; market makers at the barrier")
    func riskChannelRoles() async throws {
        try await InformationBarrierTests.withCore { v, core, keys, client in
            for role in Role.allCases {
                try await client.ws("/v1/ws") { inbound, outbound, _ in
                    var inbox = Inbox(inbound)
                    try await outbound.write(.text(wsAuth(keys[role]!, v.clock)))
                    let auth = try await inbox.next({ ["error", "auth"].contains($0["op"] as? String ?? "") })
                    if role == .operations || role == .compliance {
                        // Staff without a stream are refused at auth already.
                        #expect(auth["code"] as? String == "FORBIDDEN_ROLE", "\(role): \(auth)")
                        try await outbound.close(.normalClosure, reason: nil)
                        return
                    }
                    #expect(auth["op"] as? String == "auth", "\(role): \(auth)")
                    try await outbound.write(.text(#"{"op":"subscribe","channels":["risk"]}"#))
                    let reply = try await inbox.next({ ["error", "subscribed"].contains($0["op"] as? String ?? "") })
                    switch role {
                    case .risk, .supervisor: #expect(reply["op"] as? String == "subscribed", "\(role): \(reply)")
                    case .marketMaker: #expect(reply["code"] as? String == "INFORMATION_BARRIER", "\(reply)")
                    default: #expect(reply["code"] as? String == "FORBIDDEN_ROLE", "\(role): \(reply)")
                    }
                    try await outbound.close(.normalClosure, reason: nil)
                }
            }
            #expect(core.barrier.all.map(\.kind) == [.staffChannel])
        }
    }
}
