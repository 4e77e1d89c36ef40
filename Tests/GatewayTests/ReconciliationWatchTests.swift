import Foundation
@testable import Gateway
import Logging
import ServiceLifecycle
import Testing

/// Issue 16 item 4: the live books reconciled on a schedule; a failure is an alert for risk
/// and compliance (error log, metric, `reconciliationFailed` on the risk channel), a pass is
/// quiet, and the scheduled check reads the real engine.
@Suite("Scheduled reconciliation", .timeLimit(.minutes(1))) struct ReconciliationWatchTests {
    func metricsText(_ metrics: GatewayMetrics) -> String {
        var text: [UInt8] = []
        metrics.registry.emit(into: &text)
        return String(decoding: text, as: UTF8.self)
    }

    @Test("a failed reconciliation is counted and sent to risk sessions only; a pass after it sends nothing")
    func failureIsAnAlert() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let hub = MarketDataHub(host: venue.host, metrics: nil, queueLimit: 100)
        let (risk, riskStream) = hub.register()
        hub.setOversight(risk)
        hub.subscribe(risk, channels: ["risk"])
        let (client, _) = hub.register()
        hub.subscribe(client, channels: ["risk"])
        let metrics = GatewayMetrics()
        let answers = [["sum USD: expected 0, found 1"], []]
        let calls = LockedCounter()
        let watch = ReconciliationWatch(interval: .seconds(3600), hub: hub, metrics: metrics, logger: Logger(label: "test")) {
            let k = calls.next()
            return ReconciliationWatch.Result(sequence: Int64(10 + k), findings: answers[min(k, 1)])
        }
        let failed = await watch.reconcile()
        #expect(failed?.findings == ["sum USD: expected 0, found 1"])
        #expect(metricsText(metrics).contains("harbour_reconciliation_failures_total 1"))
        var iterator = riskStream.makeAsyncIterator()
        let message = await iterator.next()
        let object = try #require(try JSONSerialization.jsonObject(with: Data((message ?? "").utf8)) as? [String: Any])
        let data = object["data"] as? [String: Any]
        #expect(object["channel"] as? String == "risk" && data?["type"] as? String == "reconciliationFailed")
        #expect(data?["findings"] as? [String] == ["sum USD: expected 0, found 1"] && data?["sequence"] as? Int == 10)
        #expect(hub.backlog(client)?.queued == 0, "a session without the risk role gets nothing")
        let passed = await watch.reconcile()
        #expect(passed?.findings == [] && watch.latest == passed)
        #expect(metricsText(metrics).contains("harbour_reconciliation_failures_total 1"))
        #expect(hub.backlog(risk)?.queued == 1, "only the failure was sent")
    }

    @Test("a graceful shutdown (SIGTERM) ends the watch at once instead of waiting a day for the next run")
    func gracefulShutdownEndsTheWatch() async throws {
        let watch = ReconciliationWatch(interval: .seconds(86_400), hub: nil, metrics: nil, logger: Logger(label: "test")) {
            ReconciliationWatch.Result(sequence: 1, findings: [])
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: watch)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while watch.latest == nil { await Task.yield() }   // the first run happened: the watch now sleeps
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()                        // the suite's time limit fails a hang
        }
        #expect(watch.latest?.sequence == 1)
    }

    @Test("the scheduled check reconciles the live engine: a funded, trading venue has no finding")
    func liveEngineReconciles() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let watch = ReconciliationWatch(host: venue.host, interval: .seconds(3600), hub: nil, metrics: nil, logger: Logger(label: "test"))
        let result = try #require(await watch.reconcile())
        #expect(result.findings.isEmpty && result.sequence > 0)
    }
}

/// A counter shared with a `@Sendable` closure.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        defer { value += 1 }
        return value
    }
}
