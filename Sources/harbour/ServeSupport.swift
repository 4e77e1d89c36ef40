import Engine
import Foundation
import Gateway
import Logging
import ReadModel
import Sequencer

/// Pieces of `harbour serve` that connect optional parts: history (read models) and time.
enum ServeSupport {
    /// Opens the read models, catches them up from the journal if they lag (they are a
    /// projection and may be behind after a crash), and keeps them following the host.
    static func openHistory(dataDirectory: URL, host: VenueHost, logger: Logger) throws -> any HistoryProvider {
        let path = dataDirectory.appendingPathComponent("readmodel.sqlite").path
        let store = try ReadModelStore(path: path)
        let behind = try store.lastSequence
        if behind < host.recovery.lastSequence {
            // A projection may lag the journal after a crash: catch up before serving.
            logger.info("catching read models up from the journal",
                        metadata: ["readModel": "\(behind)", "journal": "\(host.recovery.lastSequence)"])
            try RebuildCommand.project(dataDirectory: dataDirectory, config: host.options.config, into: store, after: behind)
        }
        let projector = ReadModelProjector(store: store)
        let outcomes = host.subscribe().map { o in
            ProjectedOutcome(sequence: o.sequence, timestamp: o.timestamp, commandLine: o.commandLine, eventLines: o.json)
        }
        Task.detached { await projector.run(outcomes) }
        return ReadModelHistory(store: store)
    }

    /// Lets time pass in the engine (funding, sampling) when no other command arrives.
    static func tick(_ host: VenueHost) async throws {
        _ = try await host.submit(.tick)
    }
}
