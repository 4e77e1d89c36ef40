import ArgumentParser
import Engine
import Foundation
import ReadModelPostgres

/// `harbour restore --from postgres://... DIR`: a new data directory from the PostgreSQL
/// journal copy (OPS-4, docs/OPERATOR.md "Restore from PostgreSQL"), on a fresh machine
/// or after the local disk is lost. Every record is checked (CRC, no gap, audit hashes)
/// before the command succeeds; then `harbour serve --data DIR` recovers from it, rebuilding
/// the read models and the audit trail from the journal.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a data directory's journal from the PostgreSQL journal copy, checking every record.",
        discussion: """
        DIR must not hold a journal. Prints the restored records, last sequence and state hash \
        (the same as 'harbour verify DIR' then prints). API keys and disclosures are not in the \
        journal: copy them from the old machine's backup (docs/OPERATOR.md).
        """
    )

    @Argument(help: "The new data directory.")
    var directory: String

    @Option(help: "The PostgreSQL store holding the journal copy: postgres://USER@HOST:PORT/DB?schema=NAME.")
    var from: String

    @Option(help: "Venue configuration file (default: the built-in demo venue).")
    var config: String?

    func run() async throws {
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        let url = try PostgresURL(from)
        let root = URL(fileURLWithPath: directory)
        let replica = try await JournalReplica(url: url)
        defer { replica.close() }
        let start = Date()
        do {
            let s = try await PostgresJournalCopy.restore(from: replica, root: root, config: venue)
            FileHandle.standardError.write(Data("""
                restored \(s.records) records from \(url) into \(root.path) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s
                lastSequence: \(s.lastSequence)
                audit hashes verified
                stateHash: \(s.stateHash)

                """.utf8))
        } catch let refused as PostgresJournalCopy.Refused {
            FileHandle.standardError.write(Data("REFUSED: \(refused)\n".utf8))
            throw ExitCode(2)
        }
    }
}
