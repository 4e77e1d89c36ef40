import Compliance
import Engine
import Foundation
import Sequencer
import Storage
import Surveillance

/// Market surveillance run live (MM-4, MM-5): a `VenueHost` subscriber that feeds every
/// durable command outcome to a `SurveillanceProjection`, keeps the alerts in an
/// `AlertBook`, and makes compliance's workflow actions durable in an `AlertWorkflowLog`
/// (`<data>/compliance/alert-workflow.jsonl`, fsynced before the reply).
///
/// Alerts are not stored: `start()` subscribes first, then recomputes them by replaying the
/// journal through a fresh engine into the projection, then replays the workflow log; live
/// outcomes at or below the last replayed sequence are skipped. A gap (an outcome beyond the
/// next sequence, which the journal read did not reach) marks the service `behind` and the
/// routes answer NOT_READY rather than serve alerts with a hole in them.
public actor SurveillanceService {
    private let host: VenueHost
    private var projection: SurveillanceProjection
    private var book = AlertBook()
    private let log: AlertWorkflowLog
    private var lastSequence: UInt64 = 0
    private var outcomes: AsyncStream<CommandOutcome>?
    public private(set) var behind = false
    public private(set) var started = false

    public init(host: VenueHost, context: SurveillanceContext) throws {
        self.host = host
        projection = SurveillanceProjection(context: context)
        log = try AlertWorkflowLog(url: Self.logURL(host.options.dataDirectory))
    }

    static func logURL(_ dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("compliance").appendingPathComponent("alert-workflow.jsonl")
    }

    /// Subscribes, recomputes the alerts from the journal and replays the workflow log.
    public func start() throws {
        outcomes = host.subscribe()
        let replay = try SurveillanceReplay.run(dataDirectory: host.options.dataDirectory, config: host.options.config, projection: projection)
        projection = replay.projection
        lastSequence = replay.lastSequence
        book = try replay.alertBook(dataDirectory: host.options.dataDirectory)
        started = true
    }

    /// Follows the host's outcomes until the stream ends.
    public func run() async {
        guard let stream = outcomes else { return }
        outcomes = nil
        for await outcome in stream { observe(outcome) }
    }

    private func observe(_ outcome: CommandOutcome) {
        guard outcome.sequence > lastSequence else { return }
        if outcome.sequence != lastSequence + 1 { behind = true }
        lastSequence = outcome.sequence
        let step = projection.observe(timestamp: outcome.timestamp, command: outcome.command, events: outcome.events)
        book.register(step.alerts)
    }

    /// Alerts by id, optionally only those in `status`.
    public func alerts(status: AlertStatus? = nil) -> [AlertCase] { book.list(status: status) }

    /// One workflow action: checked, written and fsynced, then applied; a refusal writes nothing.
    public func act(_ action: AlertAction, on id: Int64, by actor: String, at now: Int64) throws -> AlertHistoryEntry {
        var next = book
        let entry = try next.apply(action, to: id, by: actor, at: now)
        try log.append(entry)
        book = next
        return entry
    }

    /// The closed days' MM reports for a UTC date (YYYY-MM-DD).
    public func obligations(date: String) -> [MarketMakerDayReport] { projection.reports.filter { $0.date == date } }


    /// Every business day's MM presence and activity (REG-3), the open day measured up to `now`.
    public func marketMakerDays(asOf now: Int64) -> [MarketMakerBusinessDay] { projection.businessDays.days(asOf: now) }

    /// The sequence of the last outcome the projection has seen.
    public var sequence: UInt64 { lastSequence }
}
