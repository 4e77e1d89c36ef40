import Prometheus
import Synchronization

/// The gateway's Prometheus metrics (OPS-5), on their own registry so several gateways
/// (tests) can live in one process: request latency per route, engine submit latency,
/// sequencer queue depth, orders accepted/rejected, trades, liquidation steps, raised
/// risk alerts, and operator-console sign-ins.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let submitLatency: DurationHistogram
    let queueDepth: Gauge
    let trades: Counter
    let liquidations: Counter
    let riskAlerts: Counter
    /// Scheduled reconciliations that found a difference (issue 16 item 4).
    let reconciliationFailures: Counter
    /// WebSocket sessions closed because their queue passed the bound (code 4000).
    let slowConsumers: Counter
    /// Market-maker requests refused by the information barrier (MM-3).
    let barrierEvents: Counter
    /// Operator-console sign-ins opened, and refused (OPS-2).
    let consoleSignIns: Counter
    let consoleSignInRefusals: Counter
    private let ordersByResult: Mutex<[String: Counter]>
    private let latencyByRoute: Mutex<[String: DurationHistogram]>

    static let buckets: [Duration] = [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                                      .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                      .seconds(1), .seconds(5)]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        submitLatency = registry.makeDurationHistogram(descriptor: Self.name("harbour_engine_submit", "seconds", "Time from submit to durable outcome"),
                                                       buckets: Self.buckets)
        queueDepth = registry.makeGauge(descriptor: Self.name("harbour_sequencer_queue_depth", "", "Commands waiting for the engine thread"))
        trades = registry.makeCounter(descriptor: Self.name("harbour_trades", "total", "Trades executed"))
        liquidations = registry.makeCounter(descriptor: Self.name("harbour_liquidations", "total", "Liquidation steps"))
        riskAlerts = registry.makeCounter(descriptor: Self.name("harbour_risk_alerts_raised", "total", "Platform risk alerts raised"))
        reconciliationFailures = registry.makeCounter(descriptor: Self.name("harbour_reconciliation_failures", "total",
                                                                            "Scheduled reconciliations of the live books that found a difference"))
        slowConsumers = registry.makeCounter(descriptor: Self.name("harbour_ws_slow_consumers_closed", "total",
                                                                   "WebSocket sessions closed as slow consumers (code 4000)"))
        barrierEvents = registry.makeCounter(descriptor: Self.name("harbour_information_barrier_events", "total",
                                                                   "Market-maker requests refused by the information barrier"))
        consoleSignIns = registry.makeCounter(descriptor: Self.name("harbour_console_signins", "total", "Operator-console sessions opened"))
        consoleSignInRefusals = registry.makeCounter(descriptor: Self.name("harbour_console_signin_refusals", "total",
                                                                           "Operator-console sign-ins refused (wrong key or secret, not staff, another origin)"))
        ordersByResult = Mutex([:])
        latencyByRoute = Mutex([:])
    }

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: metric, unitName: unit, helpText: help)
    }

    func order(result: String) {
        let c = ordersByResult.withLock { m in
            if let c = m[result] { return c }
            let c = registry.makeCounter(descriptor: Self.name("harbour_orders", "total", "Orders placed through the gateway"),
                                         labels: [("result", result)])
            m[result] = c
            return c
        }
        c.increment()
    }

    func request(route: String, method: String, status: Int, duration: Duration) {
        let key = "\(method) \(route) \(status)"
        let h = latencyByRoute.withLock { m in
            if let h = m[key] { return h }
            let h = registry.makeDurationHistogram(descriptor: Self.name("harbour_http_request", "seconds", "HTTP request latency"),
                                                   labels: [("route", route), ("method", method), ("status", String(status))],
                                                   buckets: Self.buckets)
            m[key] = h
            return h
        }
        h.record(duration)
    }
}
