import Engine
import Foundation
import Storage

/// Replays a data directory's journal through a fresh engine and hands out each command's
/// outcome as the live venue rendered it — the replay-format command line (before the
/// command is applied) and the event lines (after) — for everything that is a projection of
/// the journal: read models (`harbour rebuild`) and the audit trail (`harbour audit`).
enum JournalOutcomes {
    /// Calls `body` for every committed record in order; returns the records replayed and
    /// the final state hash.
    @discardableResult
    static func forEach(dataDirectory root: URL, config: VenueConfig,
                        _ body: (_ sequence: UInt64, _ timestamp: Int64, _ commandLine: String, _ eventLines: [String]) throws -> Void)
        throws -> (count: Int, stateHash: String) {
        let engine = Engine(config: config)
        let commands = CommandEncoder(), events = EventEncoder()
        var count = 0
        try JournalReader(directory: root.appendingPathComponent("journal")).forEach { seq, ts, payload in
            let command = try CommandCodec.decode(payload)
            let line = commands.encode(command, timestamp: ts, engine: engine)
            engine.applyInPlace(command, timestamp: ts)
            count += 1
            try body(seq, ts, line, engine.events.map { events.encode($0, seq: Int64(seq), engine: engine) })
        }
        return (count, engine.stateHash())
    }
}
