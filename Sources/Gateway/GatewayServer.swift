import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import Sequencer

/// The client API gateway (OPS-1, OPS-5): REST and WebSocket under `/v1`, HMAC-signed
/// private routes, per-key rate limits, Prometheus metrics at `/metrics`, structured
/// request logs. It owns no venue state: every change goes through `VenueHost.submit`,
/// every query through `VenueHost.read`.
///
/// ```swift
/// let host = try VenueHost(options: .init(dataDirectory: dir))
/// let keys = try ApiKeyStore(dataDirectory: dir)
/// let server = try await GatewayServer(host: host, keys: keys, configuration: .init(port: 8080))
/// try await server.run()
/// ```
public final class GatewayServer: Sendable {
    let core: GatewayCore
    let application: Application<RouterResponder<GatewayRequestContext>>

    /// Builds the application and starts following the host's outcomes.
    public init(host: VenueHost, keys: ApiKeyStore, history: any HistoryProvider = EmptyHistoryProvider(),
                configuration: GatewayConfiguration = GatewayConfiguration(), clock: any GatewayClock = SystemClock(),
                metrics: GatewayMetrics = GatewayMetrics(), logger: Logger = Logger(label: "harbour.gateway")) async throws {
        let (app, core) = try await Self.build(host: host, keys: keys, history: history, configuration: configuration,
                                               clock: clock, metrics: metrics, logger: logger)
        self.application = app
        self.core = core
    }

    /// Serves until the task is cancelled or the process is signalled.
    public func run() async throws {
        try await application.runService()
    }

    /// The Hummingbird application (for `app.test(.live)` in tests, or to run inside a
    /// larger service group).
    public static func makeApplication(host: VenueHost, keys: ApiKeyStore, history: any HistoryProvider = EmptyHistoryProvider(),
                                       configuration: GatewayConfiguration = GatewayConfiguration(),
                                       clock: any GatewayClock = SystemClock(), metrics: GatewayMetrics = GatewayMetrics(),
                                       logger: Logger = Logger(label: "harbour.gateway")) async throws
        -> Application<RouterResponder<GatewayRequestContext>> {
        try await build(host: host, keys: keys, history: history, configuration: configuration, clock: clock,
                        metrics: metrics, logger: logger).0
    }

    /// The router alone, with every route registered (the OpenAPI check lists it).
    public static func makeRouter(host: VenueHost, keys: ApiKeyStore, history: any HistoryProvider = EmptyHistoryProvider(),
                                  configuration: GatewayConfiguration = GatewayConfiguration(),
                                  clock: any GatewayClock = SystemClock(), metrics: GatewayMetrics = GatewayMetrics(),
                                  logger: Logger = Logger(label: "harbour.gateway")) -> Router<GatewayRequestContext> {
        let core = GatewayCore(host: host, keys: keys, history: history, configuration: configuration, clock: clock,
                               metrics: metrics, logger: logger)
        return router(core)
    }

    static func build(host: VenueHost, keys: ApiKeyStore, history: any HistoryProvider, configuration: GatewayConfiguration,
                      clock: any GatewayClock, metrics: GatewayMetrics, logger: Logger) async throws
        -> (Application<RouterResponder<GatewayRequestContext>>, GatewayCore) {
        let core = GatewayCore(host: host, keys: keys, history: history, configuration: configuration, clock: clock,
                               metrics: metrics, logger: logger)
        try await core.hub.start()
        let router = router(core)
        let app = Application(
            router: router,
            server: server(router, configuration),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                    serverName: configuration.serverName),
            services: [core.hub] + (core.reconciliation.map { [$0] } ?? []),
            logger: logger
        )
        return (app, core)
    }

    /// HTTP/1.1 with the WebSocket upgrade (as `.http1WebSocketUpgrade(webSocketRouter:)`),
    /// inside `GuardedServerChannel`: per-IP connection cap, idle timeout from the moment a
    /// connection is accepted, and answers to requests that cannot be parsed. WebSocket
    /// pings (at most every 30 s, and at least twice per idle timeout) keep a quiet but
    /// live socket from being taken for an idle one.
    static func server(_ router: Router<GatewayRequestContext>, _ configuration: GatewayConfiguration) -> HTTPServerBuilder {
        let limiter = ConnectionLimiter(maxPerIP: configuration.maxConnectionsPerIP)
        let idle = TimeAmount(configuration.idleTimeout)
        let ping = min(Duration.seconds(30), configuration.idleTimeout / 2)
        let channel = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(),
            ws: .init(maxFrameSize: WebSocketSession.maxMessage, autoPing: .enabled(timePeriod: ping)))
        let webSocketResponder = router.buildResponder()
        return HTTPServerBuilder { responder in
            GuardedServerChannel(inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                                     configuration: channel),
                                 limiter: limiter, idleTimeout: idle)
        }
    }

    static func router(_ core: GatewayCore) -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: GatewayMiddleware(core: core))
        core.addPublicRoutes(router)
        core.addPrivateRoutes(router)
        core.addAdminRoutes(router)
        core.addRiskRoutes(router)
        core.addReconciliationRoutes(router)
        core.addReportRoutes(router)
        core.addBarrierRoutes(router)
        core.addDisclosureRoutes(router)
        core.addComplianceRoutes(router)
        core.addFinancingRoutes(router)
        core.addRiskLimitRoutes(router)
        core.addSurveillanceRoutes(router, surveillance: core.configuration.surveillance)
        // Binance USDⓈ-M compatible /fapi routes (ccxt binanceusdm), BinanceRoutes.swift.
        core.addBinanceRoutes(router)
        // The operator console (OPS-2): pages, sign-in and sign-out; its data is the API above.
        core.addConsoleRoutes(router)
        // Registered by hand (text answers, the upgrade): in the route registry all the same.
        // The WebSocket's own role checks (private, risk, order) are WebSocketSession's.
        core.register(.get, "/metrics", .open)
        core.register(.get, "/v1/ws", .open)
        router.get("/metrics") { request, context in
            _ = try await core.admit(request, context, .open)
            core.metrics.queueDepth.set(Int64(core.host.queueDepth))
            var text: [UInt8] = []
            core.metrics.registry.emit(into: &text)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        router.ws("/v1/ws", shouldUpgrade: { request, context in
            // A plain GET (no upgrade) reaches this route too: say what the endpoint is.
            guard request.headers[.upgrade]?.lowercased().contains("websocket") == true else {
                var e = ApiError(.init(code: 426, reasonPhrase: "Upgrade Required"), "UPGRADE_REQUIRED",
                                 "/v1/ws is a WebSocket endpoint: send GET with 'Connection: Upgrade' and 'Upgrade: websocket'")
                e.headers = [("Upgrade", "websocket")]
                throw e
            }
            let d = core.limiter.check("ip:" + context.remoteIP, policy: core.configuration.publicRateLimit)
            guard d.allowed else { throw ApiError(.tooManyRequests, "RATE_LIMITED", "rate limit exceeded") }
            return .upgrade([:])
        }, onUpgrade: { inbound, outbound, context in
            var session = WebSocketSession(core: core, remoteIP: context.requestContext.remoteIP,
                                           channel: context.requestContext.channel)
            session.key = core.consoleWebSocketKey(context.request)
            await session.run(inbound: inbound, outbound: outbound)
        })
        // Last: it must see every route, and only requests none of them matched.
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes.map { ($0.path, $0.method) }))
        return router
    }
}
