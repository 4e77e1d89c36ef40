import Prometheus
import Synchronization

/// The gateway's Prometheus metrics (OPS-5), on their own registry so several gateways
/// (tests) can live in one process: request latency per route, engine submit latency,
/// sequencer queue depth, orders accepted/rejected and trades.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let submitLatency: DurationHistogram
    let queueDepth: Gauge
    let trades: Counter
    private let ordersByResult: Mutex<[String: Counter]>
    private let latencyByRoute: Mutex<[String: DurationHistogram]>

    static let buckets: [Duration] = [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
                                      .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                      .seconds(1), .seconds(5)]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        submitLatency = registry.makeDurationHistogram(name: "harbour_engine_submit_seconds", buckets: Self.buckets,
                                                       help: "Time from submit to durable outcome")
        queueDepth = registry.makeGauge(name: "harbour_sequencer_queue_depth", help: "Commands waiting for the engine thread")
        trades = registry.makeCounter(name: "harbour_trades_total", help: "Trades executed")
        ordersByResult = Mutex([:])
        latencyByRoute = Mutex([:])
    }

    func order(result: String) {
        let c = ordersByResult.withLock { m in
            if let c = m[result] { return c }
            let c = registry.makeCounter(name: "harbour_orders_total", labels: [("result", result)], help: "Orders placed through the gateway")
            m[result] = c
            return c
        }
        c.increment()
    }

    func request(route: String, method: String, status: Int, duration: Duration) {
        let key = "\(method) \(route) \(status)"
        let h = latencyByRoute.withLock { m in
            if let h = m[key] { return h }
            let h = registry.makeDurationHistogram(name: "harbour_http_request_seconds",
                                                   labels: [("route", route), ("method", method), ("status", String(status))],
                                                   buckets: Self.buckets, help: "HTTP request latency")
            m[key] = h
            return h
        }
        h.record(duration)
    }
}
