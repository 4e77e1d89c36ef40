import Engine
import Foundation
import Storage
import Surveillance

/// A data directory's journal replayed from its first record through a fresh engine into a
/// surveillance projection (MM-4, MM-5), touching nothing on disk: what `SurveillanceService`
/// recomputes at start, and what `harbour report` builds the venue reports from (REG-3).
/// The engine it leaves is the engine state after the last record (compliance records for
/// `pi-expiring`); `alertBook` adds compliance's logged workflow steps to the alerts.
public struct SurveillanceReplay {
    public let engine: Engine
    public let projection: SurveillanceProjection
    /// The last replayed record's sequence and command time (0 and nil for an empty journal).
    public let lastSequence: UInt64
    public let lastTimestamp: Int64?

    /// Replays `dataDirectory/journal` with `config` into `projection` (usually a fresh one).
    public static func run(dataDirectory: URL, config: VenueConfig, projection: SurveillanceProjection) throws -> SurveillanceReplay {
        let engine = Engine(config: config)
        var replayed = projection
        var last: UInt64 = 0
        var lastTs: Int64?
        try JournalReader(directory: dataDirectory.appendingPathComponent("journal")).forEach { sequence, timestamp, payload in
            let command = try CommandCodec.decode(payload)
            engine.applyInPlace(command, timestamp: timestamp)
            replayed.observe(timestamp: timestamp, command: command, events: engine.events)
            last = sequence
            lastTs = timestamp
        }
        return SurveillanceReplay(engine: engine, projection: replayed, lastSequence: last, lastTimestamp: lastTs)
    }

    /// The projection's alerts with the workflow log of `dataDirectory` re-applied (read only).
    public func alertBook(dataDirectory: URL) throws -> AlertBook {
        var book = AlertBook()
        book.register(projection.alerts)
        for entry in try AlertWorkflowLog.read(url: SurveillanceService.logURL(dataDirectory)) { try book.replay(entry) }
        return book
    }
}
