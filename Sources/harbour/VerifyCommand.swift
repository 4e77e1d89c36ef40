import ArgumentParser
import CommandInput
import Engine
import Foundation
import ReadModelPostgres
import Sequencer
import Storage

/// `harbour verify DIR`: replays a data directory's whole journal into a fresh engine by
/// the rules start-up uses (`Recovery`), checks the recorded checkpoint and prints the
/// state hash (OPS-4). It never changes the directory — except, with
/// `--repair-torn-tail`, to cut a genuine torn tail after printing what it cuts.
///
/// With `--postgres URL` it also checks the PostgreSQL journal copy (every CRC, no gap,
/// every audit hash, then a replay) and that the copy is the local journal's prefix; with
/// `--postgres` and no directory, the copy alone.
///
/// Exit status: 0 when start-up would accept the directory, 2 when it would refuse it
/// (damage, sequence gap, checkpoint past the end or not matching, ledger not zero) or the
/// PostgreSQL copy is refused.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Replay a data directory's journal by start-up's rules and print its state hash.",
        discussion: """
        Reads every journal record (not only those after the newest snapshot), so it is \
        stricter than start-up. Exit status 0: the venue would start from this directory; \
        2: it would refuse, and the message names the file, offset and sequence.
        """
    )

    @Argument(help: "The venue's data directory (optional with --postgres: then the copy alone is checked).")
    var directory: String?

    @Option(help: "Also verify the PostgreSQL journal copy: postgres://USER@HOST:PORT/DB?schema=NAME.")
    var postgres: String?

    @Option(help: "Venue configuration file (default: the built-in demo venue).")
    var config: String?

    @Flag(help: "Also write the journal as replay-format JSON lines to standard output.")
    var export = false

    @Flag(help: "Cut a genuine torn tail (an unfinished last batch, never acknowledged) after showing it. Damage is never cut.")
    var repairTornTail = false

    func validate() throws {
        if directory == nil && postgres == nil { throw ValidationError("give a data directory, --postgres URL, or both") }
        if directory == nil && (export || repairTornTail) { throw ValidationError("--export and --repair-torn-tail need a data directory") }
    }

    func run() async throws {
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        if let directory { try verifyDirectory(directory, venue: venue) }
        if let postgres { try await verifyCopy(postgres, venue: venue) }
    }

    /// The PostgreSQL copy: restored into a temporary directory (every record checked), its
    /// state hash printed, and compared record by record with the local journal if given.
    func verifyCopy(_ text: String, venue: VenueConfig) async throws {
        let url = try PostgresURL(text)
        let replica = try await JournalReplica(url: url)
        defer { replica.close() }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        let start = Date()
        do {
            let s = try await PostgresJournalCopy.restore(from: replica, root: temp, config: venue)
            var text = "postgresCopy: \(url)\npostgresCopy records: \(s.records)\npostgresCopy lastSequence: \(s.lastSequence)\n"
            text += "postgresCopy CRCs and audit hashes verified in \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n"
            if let directory {
                let local = try await PostgresJournalCopy.compare(copyOf: replica, with: URL(fileURLWithPath: directory))
                text += "postgresCopy matches the local journal record for record; lag: \(local - min(local, s.lastSequence)) records\n"
            }
            text += "postgresCopy stateHash: \(s.stateHash)\n"
            Self.report(text)
        } catch let refused as PostgresJournalCopy.Refused {
            Self.report("REFUSED: \(refused)\n")
            throw ExitCode(2)
        }
    }

    func verifyDirectory(_ directory: String, venue: VenueConfig) throws {
        let root = URL(fileURLWithPath: directory)
        let journal = root.appendingPathComponent("journal")
        guard FileManager.default.fileExists(atPath: journal.path) else {
            throw ValidationError("\(directory) has no journal/ directory")
        }
        var out = BufferedOutput()
        let encoder = CommandEncoder()
        let start = Date()
        let result: Recovery.Result
        do {
            result = try Recovery.replay(root: root, config: venue, useSnapshot: false) { _, ts, command, engine in
                if export { out.write(encoder.encode(command, timestamp: ts, engine: engine)) }
            }
        } catch {
            out.flush()
            Self.report("REFUSED: \(error)\nstart-up would refuse this directory too; nothing was changed.\n")
            throw ExitCode(2)
        }
        out.flush()
        let seconds = Date().timeIntervalSince(start)
        let engine = result.engine
        var text = "records: \(result.recordsReplayed)\nlastSequence: \(result.lastSequence)\n"
        if let cp = result.checkpoint {
            text += result.checkpointVerified == nil ? "checkpoint at \(cp.sequence) not checked\n" : "checkpoint at \(cp.sequence) verified\n"
        } else {
            text += "no checkpoint recorded (the venue did not shut down cleanly, or never ran)\n"
        }
        if let torn = result.tornTail { text += Self.describe(torn) }
        text += "replay: \(String(format: "%.0f", Double(result.recordsReplayed) / max(seconds, 1e-9))) records/s\n"
        text += "ledgerSum: \(engine.ledger.sum)\nstateHash: \(engine.stateHash())\n"
        Self.report(text)
        if engine.ledger.sum != 0 {
            Self.report("REFUSED: the ledger does not sum to zero\n")
            throw ExitCode(2)
        }
        if repairTornTail, let torn = result.tornTail {
            try JournalReader(directory: journal).remove(torn)
            Self.report("cut \(torn.discardedBytes) bytes from \(torn.file.lastPathComponent) at offset \(torn.offset)\n")
        }
    }

    /// What a torn tail is, where, and its first bytes, so an operator sees what a cut removes.
    static func describe(_ torn: JournalTornTail) -> String {
        var text = "tornTail: \(torn.discardedBytes) bytes at \(torn.file.lastPathComponent):\(torn.offset), "
        text += "sequence \(torn.firstSequence) onwards, never acknowledged (\(torn.reason))\n"
        if let handle = FileHandle(forReadingAtPath: torn.file.path) {
            defer { try? handle.close() }
            try? handle.seek(toOffset: torn.offset)
            let head = (try? handle.read(upToCount: 64)) ?? Data()
            text += "tornTail first bytes: " + head.map { String(format: "%02x", $0) }.joined(separator: " ") + "\n"
        }
        text += "start-up cuts it; or cut it now with --repair-torn-tail\n"
        return text
    }

    static func report(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
