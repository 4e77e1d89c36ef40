import ArgumentParser
import CommandInput
import Engine
import Foundation
import Sequencer
import ReadModel
import ReadModelPostgres
import Storage

/// `harbour rebuild DIR`: rebuilds the read models from the journal alone — replays every
/// command through a fresh engine and projects its events into a new store. On SQLite a
/// new file replaces `readmodel.sqlite`; with `--store postgres://...` the PostgreSQL read
/// models are emptied in one transaction and projected again (the journal copy there is
/// left alone; an interrupted rebuild is a consistent prefix that `serve` catches up).
/// Run it with the venue stopped.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the read models (readmodel.sqlite, or PostgreSQL with --store) of a data directory from its journal."
    )

    @Argument(help: "The venue's data directory.")
    var directory: String

    @Option(help: "Venue configuration file (default: the built-in demo venue).")
    var config: String?

    @Option(help: "Read-model store: 'sqlite' (default, DATA/readmodel.sqlite) or postgres://USER@HOST:PORT/DB?schema=NAME.")
    var store: String?

    func run() async throws {
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        let root = URL(fileURLWithPath: directory)
        let location = try StoreLocation(store, dataDirectory: root)
        let start = Date()
        let count: Int, hash: String
        switch location {
        case .postgres(let url):
            let pg = try await PostgresReadModelStore(url: url)
            defer { pg.close() }
            try await pg.reset()
            (count, hash) = try await Self.project(dataDirectory: root, config: venue, into: pg, after: 0)
        case .sqlite(let path):
            let target = URL(fileURLWithPath: path)
            let temp = URL(fileURLWithPath: path + ".rebuild")
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temp.path + suffix) }
            let sqlite = try ReadModelStore(path: temp.path)
            (count, hash) = try await Self.project(dataDirectory: root, config: venue, into: sqlite, after: 0)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target.path + suffix) }
            try FileManager.default.moveItem(at: temp, to: target)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temp.path + suffix) }
        }
        FileHandle.standardError.write(Data("rebuilt read models (\(location)) from \(count) journal records in \(String(format: "%.1f", Date().timeIntervalSince(start))) s; stateHash: \(hash)\n".utf8))
    }

    /// Replays the journal through a fresh engine and projects every outcome with a
    /// sequence above `after` into `store`. Returns the records replayed and the final hash.
    @discardableResult
    static func project(dataDirectory root: URL, config venue: VenueConfig, into store: any ReadModelStorage,
                        after: UInt64) async throws -> (Int, String) {
        let replay = try await JournalOutcomes.chunks(dataDirectory: root, config: venue, after: after) { outcomes in
            _ = try await store.applyAsync(batch: outcomes.map {
                ProjectedOutcome(sequence: $0.sequence, timestamp: $0.timestamp, commandLine: $0.commandLine, eventLines: $0.eventLines)
            })
        }
        return (replay.replayed, replay.stateHash)
    }
}
