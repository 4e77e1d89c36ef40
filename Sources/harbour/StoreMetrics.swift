import Foundation
import Prometheus
import ReadModel
import ReadModelPostgres
import Sequencer

/// The stores' lag in /metrics (OPS-4, OPS-5), refreshed every second beside the gateway's
/// metrics on the same registry:
/// - `harbour_readmodel_lag_records`: durable commands not yet projected into the read models;
/// - `harbour_pg_journal_copy_lag_records`: durable commands not yet copied to PostgreSQL
///   (only with `--store postgres://`), with `harbour_pg_journal_copied_sequence` and
///   `harbour_pg_journal_copy_stopped` (1 once copying stopped for good: restart the venue).
final class StoreMetrics: Sendable {
    let projector: ReadModelProjector
    let copier: JournalCopier?
    let host: VenueHost
    let readModelLag: Gauge
    let copyLag: Gauge?
    let copied: Gauge?
    let stopped: Gauge?

    init(registry: PrometheusCollectorRegistry, projector: ReadModelProjector, copier: JournalCopier?, host: VenueHost) {
        self.projector = projector
        self.copier = copier
        self.host = host
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help))
        }
        readModelLag = gauge("harbour_readmodel_lag_records", "Durable commands not yet projected into the read models")
        if copier != nil {
            copyLag = gauge("harbour_pg_journal_copy_lag_records", "Durable commands not yet copied to the PostgreSQL journal copy")
            copied = gauge("harbour_pg_journal_copied_sequence", "Last journal sequence stored in PostgreSQL")
            stopped = gauge("harbour_pg_journal_copy_stopped", "1 when copying the journal to PostgreSQL stopped (restart to resume)")
        } else {
            copyLag = nil
            copied = nil
            stopped = nil
        }
    }

    /// Sets every gauge from the host's durable sequence and the stores' progress.
    func refresh() async throws {
        let durable = host.durableSequence
        let projected = try await projector.store.lastSequence
        readModelLag.set(Int64(durable > projected ? durable - projected : 0))
        if let copier {
            let p = copier.progress
            copyLag?.set(Int64(durable > p.copied ? durable - p.copied : 0))
            copied?.set(Int64(p.copied))
            stopped?.set(Int64(p.stopped == nil ? 0 : 1))
        }
    }

    /// Refreshes every second until cancelled.
    func run() async {
        while !Task.isCancelled {
            try? await refresh()
            try? await Task.sleep(nanoseconds: 1_000_000_000)
        }
    }
}
