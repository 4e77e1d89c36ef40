import Engine
import Foundation
import Logging
import ReadModel
import Sequencer
import ServiceLifecycle
import Synchronization

/// The scheduled reconciliation of the live books (issue 16 item 4, RISK-5): at start and
/// then every `interval` (a day by default, `--reconcile-every` in serve), the ledger
/// reconciliation that `GET /v1/reconciliation` runs on demand (every asset sums to zero,
/// client books = cash + collateral + pool + funding in transit, house books = fees +
/// rounding + insurance, the engine's invariants). A failure is an alert for risk and
/// compliance: an error log line naming every finding, `harbour_reconciliation_failures_total`,
/// and a `reconciliationFailed` message on the `risk` WebSocket channel; the first pass after
/// a failure is logged too. The read-model and custody checks replay the journal and stay
/// with `harbour reconcile DIR`.
public final class ReconciliationWatch: Service, Sendable {
    /// One run: the command count it was taken at and what it found (empty: reconciled).
    public struct Result: Sendable, Equatable {
        public let sequence: Int64
        public let findings: [String]
    }

    let check: @Sendable () async throws -> Result
    let hub: MarketDataHub?
    let metrics: GatewayMetrics?
    let logger: Logger
    let interval: Duration
    private let last = Mutex<Result?>(nil)

    init(interval: Duration, hub: MarketDataHub?, metrics: GatewayMetrics?, logger: Logger,
         check: @escaping @Sendable () async throws -> Result) {
        self.interval = interval
        self.hub = hub
        self.metrics = metrics
        self.logger = logger
        self.check = check
    }

    /// Reconciles `host`'s engine after its last durable command.
    convenience init(host: VenueHost, interval: Duration, hub: MarketDataHub?, metrics: GatewayMetrics?, logger: Logger) {
        self.init(interval: interval, hub: hub, metrics: metrics, logger: logger) {
            try await host.read { engine in
                Result(sequence: engine.commandCount, findings: LedgerReconciliation(engine: engine).findings.map(\.line))
            }
        }
    }

    /// The last run's result (nil before the first).
    public var latest: Result? { last.withLock { $0 } }

    /// Runs one reconciliation and raises its alert if it failed.
    @discardableResult
    public func reconcile() async -> Result? {
        let result: Result
        do { result = try await check() } catch {
            logger.error("reconciliation could not run", metadata: ["error": "\(error)"])
            return nil
        }
        let previous = last.withLock { p -> Result? in
            defer { p = result }
            return p
        }
        guard !result.findings.isEmpty else {
            if let previous, !previous.findings.isEmpty {
                logger.notice("reconciliation passed again", metadata: ["sequence": "\(result.sequence)"])
            }
            return result
        }
        logger.error("reconciliation failed", metadata: [
            "sequence": "\(result.sequence)", "findings": "\(result.findings.count)", "first": "\(result.findings[0])",
            "all": "\(result.findings.joined(separator: "; "))",
        ])
        metrics?.reconciliationFailures.increment()
        hub?.publishRisk(JSON.object([
            ("channel", "risk"), ("sequence", .int(result.sequence)),
            ("data", .object([("type", "reconciliationFailed"), ("sequence", .int(result.sequence)),
                              ("findings", .array(result.findings.map { .string($0) }))])),
        ]).rendered)
        return result
    }

    /// Reconciles until the service group shuts down: a graceful shutdown (SIGTERM) cancels
    /// the wait for the next run, so the venue never waits a day to stop.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.reconcile()
                do { try await Task.sleep(for: self.interval) } catch { return }
            }
        }
    }
}
