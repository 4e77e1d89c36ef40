import ArgumentParser
import Engine
import Foundation
import ReadModel
import Storage

/// `harbour rebuild DIR`: rebuilds the read models from the journal alone — replays every
/// command through a fresh engine and projects its events into a new SQLite file, which
/// then replaces `readmodel.sqlite`. Run it with the venue stopped.
struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the read models (readmodel.sqlite) of a data directory from its journal."
    )

    @Argument(help: "The venue's data directory.")
    var directory: String

    @Option(help: "Venue configuration file (default: the built-in demo venue).")
    var config: String?

    func run() throws {
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        let root = URL(fileURLWithPath: directory)
        let target = root.appendingPathComponent("readmodel.sqlite")
        let temp = root.appendingPathComponent("readmodel.rebuild.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temp.path + suffix) }
        let store = try ReadModelStore(path: temp.path)
        let start = Date()
        let (count, hash) = try Self.project(dataDirectory: root, config: venue, into: store, after: 0)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target.path + suffix) }
        try FileManager.default.moveItem(at: temp, to: target)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temp.path + suffix) }
        FileHandle.standardError.write(Data("rebuilt read models from \(count) journal records in \(String(format: "%.1f", Date().timeIntervalSince(start))) s; stateHash: \(hash)\n".utf8))
    }

    /// Replays the journal through a fresh engine and projects every outcome with a
    /// sequence above `after` into `store`. Returns the records replayed and the final hash.
    @discardableResult
    static func project(dataDirectory root: URL, config venue: VenueConfig, into store: ReadModelStore,
                        after: UInt64) throws -> (Int, String) {
        var batch: [ProjectedOutcome] = []
        let (count, hash) = try JournalOutcomes.forEach(dataDirectory: root, config: venue) { seq, ts, line, events in
            guard seq > after else { return }
            batch.append(ProjectedOutcome(sequence: seq, timestamp: ts, commandLine: line, eventLines: events))
            if batch.count >= 2000 { try store.apply(batch: batch); batch.removeAll(keepingCapacity: true) }
        }
        if !batch.isEmpty { try store.apply(batch: batch) }
        return (count, hash)
    }
}
