import CommandInput
import Engine
import Foundation
import HarbourCore
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import Sequencer
import Synchronization

/// What every route shares: the host, credentials, limiter, market-data hub, history,
/// metrics; plus the route wrapper that reads the body, authenticates, rate-limits and
/// checks the role before a handler runs, and the one path from a request to a command.
final class GatewayCore: Sendable {
    let host: VenueHost
    let keys: ApiKeyStore
    let auth: RequestAuthenticator
    let limiter: RateLimiter
    let hub: MarketDataHub
    let history: any HistoryProvider
    let metrics: GatewayMetrics
    let configuration: GatewayConfiguration
    let clock: any GatewayClock
    let logger: Logger
    let specs: [InstrumentSpec]
    /// Perpetuals then spot markets, by instrument id: what an event's instrument names.
    let markets: [InstrumentSpec]
    let asset: Asset
    let eventView: AccountEventView
    /// Refused market-maker attempts at data behind the information barrier (MM-3).
    let barrier: BarrierEventLog
    /// The operator console's signed-in sessions (OPS-2, DECISIONS 37).
    let consoleSessions: ConsoleSessionStore
    /// The scheduled reconciliation of the live books, when configured (issue 16 item 4).
    let reconciliation: ReconciliationWatch?
    private let registry = Mutex<[RouteRule]>([])

    init(host: VenueHost, keys: ApiKeyStore, history: any HistoryProvider, configuration: GatewayConfiguration,
         clock: any GatewayClock, metrics: GatewayMetrics, logger: Logger) {
        self.host = host
        self.keys = keys
        self.auth = RequestAuthenticator(keys: keys, clock: clock, windowMillis: configuration.signatureWindowMillis)
        self.limiter = RateLimiter(clock: clock)
        self.hub = MarketDataHub(host: host, metrics: metrics, logger: logger, queueLimit: configuration.webSocketQueueLimit)
        self.history = history
        self.metrics = metrics
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.specs = host.options.config.instruments
        self.markets = host.options.config.markets
        self.asset = host.options.config.settlementAsset
        self.eventView = AccountEventView(specs: markets, asset: asset)
        self.barrier = BarrierEventLog(dataDirectory: keys.dataDirectory, logger: logger)
        self.consoleSessions = ConsoleSessionStore(clock: clock, idleMillis: configuration.consoleSessionIdleMillis,
                                                   lifetimeMillis: configuration.consoleSessionLifetimeMillis)
        let hub = self.hub
        if let every = configuration.reconcileEvery {
            self.reconciliation = ReconciliationWatch(host: host, interval: every, hub: hub, metrics: metrics, logger: logger)
        } else {
            self.reconciliation = nil
        }
    }

    /// Every route registered so far with who may call it (REG-4), in registration order.
    var routeRules: [RouteRule] { registry.withLock { $0 } }

    /// Records a route's rule; every route of the API passes here (`route`, `fapi`).
    func register(_ method: HTTPRequest.Method, _ path: String, _ access: AccessPolicy) {
        let rule = RouteRule(method, path, access)
        registry.withLock { $0.append(rule) }
    }

    typealias Handler = @Sendable (Request, GatewayRequestContext, Caller) async throws -> JSON

    /// Registers a route behind the gateway's checks.
    func route(_ router: Router<GatewayRequestContext>, _ method: HTTPRequest.Method, _ path: String,
               _ access: AccessPolicy, _ handler: @escaping Handler) {
        register(method, path, access)
        router.on(RouterPath(path), method: method) { [self] request, context in
            let caller = try await self.admit(request, context, access)
            let json = try await handler(request, context, caller)
            return Self.response(.ok, json)
        }
    }

    /// Body, authentication, rate limit, role and permission — in that order.
    func admit(_ request: Request, _ context: GatewayRequestContext, _ access: AccessPolicy) async throws -> Caller {
        var request = request
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.collectBody(upTo: GatewayRequestContext.bodyLimit))
        } catch let e as any HTTPResponseError where e.status == .contentTooLarge {
            context.annotations.rateLimitHeaders = limiter.check("ip:" + context.remoteIP, policy: configuration.publicRateLimit).headers
            throw ApiError.bodyTooLarge(GatewayRequestContext.bodyLimit)
        }
        var query: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { query[String(k)] = String(v) }
        switch access {
        case .open:
            try limit("ip:" + context.remoteIP, configuration.publicRateLimit, context)
            return Caller(key: nil, body: body, query: query)
        case .signed(let roles, let permission):
            let key: ApiKey
            do {
                // The console's session cookie stands for the staff key it was opened with
                // (DECISIONS 37); the same role and permission checks follow.
                if let session = try consoleSession(request) {
                    key = session
                } else {
                    key = try auth.authenticate(key: request.headers[.harbourKey], timestamp: request.headers[.harbourTimestamp],
                                                signature: request.headers[.harbourSignature], method: request.method.rawValue,
                                                target: Self.target(request), body: body, nonce: request.headers[.harbourNonce])
                }
            } catch {
                try limit("ip:" + context.remoteIP, configuration.publicRateLimit, context)
                throw error
            }
            try authorize(key, roles, permission, request, context)
            try guardBarrier(key, query: query, body: body, action: Self.action(request))
            return Caller(key: key, body: body, query: query)
        }
    }

    /// What every API shape (`/v1`, `/fapi`) checks once a key is authenticated: its rate
    /// limit, then that its role may call the route and it holds the permission.
    func authorize(_ key: ApiKey, _ roles: Set<Role>, _ permission: Permission, _ request: Request,
                   _ context: GatewayRequestContext) throws(ApiError) {
        context.annotations.keyId = key.key
        try authorize(key, roles, permission, action: Self.action(request)) {
            context.annotations.rateLimitHeaders = $0
        }
    }

    /// The authorization step itself, shared by REST, `/fapi` and WebSocket order entry:
    /// the key's rate limit (one bucket per key whatever the API shape), its role, its
    /// permission, in that order. `action` names what was called in the role refusal;
    /// `rateLimitHeaders` receives the limiter's headers (REST puts them on the response).
    func authorize(_ key: ApiKey, _ roles: Set<Role>, _ permission: Permission, action: String,
                   rateLimitHeaders: ([(String, String)]) -> Void = { _ in }) throws(ApiError) {
        let d = limiter.check(key.key, policy: key.rateLimit)
        rateLimitHeaders(d.headers)
        guard d.allowed else { throw Self.rateLimited(key.rateLimit) }
        guard roles.contains(key.role) else {
            // MM-3: every route a market maker may not call is behind the barrier (staff,
            // risk and compliance views): refused and recorded for compliance.
            if key.role == .marketMaker { throw barrierRefusal(key, action: action, kind: .staffRoute, "\(action), a staff route") }
            throw ApiError.forbiddenRole("a \(key.role.rawValue) key may not call \(action)")
        }
        guard key.permissions.contains(permission) else { throw ApiError.missingPermission(permission.rawValue) }
    }

    /// `authorize` for a signed access policy (open policies need no key and pass).
    func authorize(_ key: ApiKey, _ access: AccessPolicy, action: String) throws(ApiError) {
        guard case .signed(let roles, let permission) = access else { return }
        try authorize(key, roles, permission, action: action)
    }

    func limit(_ caller: String, _ policy: RateLimitPolicy, _ context: GatewayRequestContext) throws(ApiError) {
        let d = limiter.check(caller, policy: policy)
        context.annotations.rateLimitHeaders = d.headers
        guard d.allowed else { throw Self.rateLimited(policy) }
    }

    static func rateLimited(_ policy: RateLimitPolicy) -> ApiError {
        ApiError(.tooManyRequests, "RATE_LIMITED", "rate limit of \(policy.requests) requests per \(policy.perSeconds) s exceeded")
    }

    /// What a refusal names: `METHOD /path`.
    static func action(_ request: Request) -> String { "\(request.method.rawValue) \(request.uri.path)" }

    /// The request target as sent: path plus `?query` when there is one.
    static func target(_ request: Request) -> String {
        request.head.path ?? request.uri.description
    }

    static func response(_ status: HTTPResponse.Status, _ json: JSON) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: json.rendered)))
    }

    // MARK: - From request to command

    /// Builds an engine command from typed request fields with `CommandBuilder`, the one
    /// typed path every entry point and the replay format share (DECISIONS 31); `account`,
    /// when given, is the caller's and replaces any sent. Problems are answered here and
    /// never sequenced: nothing reaches the journal that the edge could already refuse.
    /// The builder runs against the host's name directory: no trip through the engine thread.
    func command(_ type: CommandType, _ fields: CommandFields, account: String?) async throws -> Command {
        try buildCommand(type, fields, account: account)
    }

    /// `command(_:_:account:)` without the suspension point (WebSocket order entry).
    func buildCommand(_ type: CommandType, _ fields: CommandFields, account: String?) throws(ApiError) -> Command {
        var fields = fields
        if let account { fields["account"] = .string(account) }
        do { return try CommandBuilder(names: host.names).build(type, fields) } catch { throw ApiError.rejection(error) }
    }

    /// Sequences a command and waits until it is durable (REST, `/fapi`); the same path as
    /// `enqueue`, so both are timed by the submit-latency metric.
    func submit(_ command: Command) async throws -> CommandOutcome {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<CommandOutcome, any Error>) in
            enqueue(command) { c.resume(with: $0) }
        }
    }

    /// Sequences a command without waiting (WebSocket order entry is pipelined: commands
    /// enqueued by one session are sequenced in order); `completion` runs on the engine
    /// thread once the outcome is durable. Every command from the API goes through here.
    func enqueue(_ command: Command, completion: @escaping @Sendable (Result<CommandOutcome, any Error>) -> Void) {
        let start = ContinuousClock.now
        let metrics = self.metrics
        host.enqueue(command) { result in
            metrics.submitLatency.record(ContinuousClock.now - start)
            completion(result)
        }
    }

    /// The rejection of a command, if the engine refused it.
    static func rejection(in outcome: CommandOutcome) -> Rejection? {
        for e in outcome.events { if case .rejected(let r, _, _, _) = e { return r } }
        return nil
    }

    /// The events of an outcome that `account` may see.
    func visibleEvents(_ outcome: CommandOutcome, account: AccountID) -> JSON {
        var out: [JSON] = []
        for (i, e) in outcome.events.enumerated() {
            if let v = eventView.view(e, json: outcome.json[i], account: account) { out.append(v) }
        }
        return .array(out)
    }

    /// The engine id of an account by name (404 when unknown).
    func accountID(_ name: String) async throws -> AccountID {
        guard let id = try await host.read({ $0.accountID(named: name) }) else { throw ApiError.unknownAccount(name) }
        return id
    }

    /// The instrument index of a symbol (404 when unknown).
    func instrument(_ symbol: String?) throws(ApiError) -> Int {
        guard let symbol else { throw ApiError.invalidParameter("missing parameter 'symbol'") }
        guard let i = specs.firstIndex(where: { $0.symbol == symbol }) else { throw ApiError.unknownSymbol(symbol) }
        return i
    }

    /// A perpetual's or spot market's index in `markets` (routes that serve both).
    func market(_ symbol: String?) throws(ApiError) -> Int {
        guard let symbol else { throw ApiError.invalidParameter("missing parameter 'symbol'") }
        guard let i = markets.firstIndex(where: { $0.symbol == symbol }) else { throw ApiError.unknownSymbol(symbol) }
        return i
    }

    /// Refuses query parameters a route does not define (so a caller cannot believe it
    /// asked for, say, another account's data and got an answer).
    static func allowOnly(_ names: Set<String>, _ caller: Caller) throws(ApiError) {
        for k in caller.query.keys where !names.contains(k) {
            throw ApiError(.badRequest, "UNKNOWN_PARAMETER", "query parameter '\(k)' is not accepted here")
        }
    }

    /// An optional positive integer query parameter bounded by `max`.
    static func intParameter(_ caller: Caller, _ name: String, default value: Int, max: Int) throws(ApiError) -> Int {
        guard let text = caller.query[name] else { return value }
        guard let n = Int(text), n > 0, n <= max else { throw ApiError.invalidParameter("'\(name)' must be an integer from 1 to \(max)") }
        return n
    }
}

extension HTTPField.Name {
    static let harbourKey = HTTPField.Name("X-Harbour-Key")!
    static let harbourTimestamp = HTTPField.Name("X-Harbour-Timestamp")!
    static let harbourSignature = HTTPField.Name("X-Harbour-Signature")!
    static let harbourNonce = HTTPField.Name("X-Harbour-Nonce")!
}
