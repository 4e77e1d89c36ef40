import ArgumentParser
import CommandInput
import Engine
import Foundation
import Sequencer
import Storage

/// `harbour verify DIR`: replays a data directory's whole journal into a fresh engine by
/// the rules start-up uses (`Recovery`), checks the recorded checkpoint and prints the
/// state hash (OPS-4). It never changes the directory — except, with
/// `--repair-torn-tail`, to cut a genuine torn tail after printing what it cuts.
///
/// Exit status: 0 when start-up would accept the directory, 2 when it would refuse it
/// (damage, sequence gap, checkpoint past the end or not matching, ledger not zero).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Replay a data directory's journal by start-up's rules and print its state hash.",
        discussion: """
        Reads every journal record (not only those after the newest snapshot), so it is \
        stricter than start-up. Exit status 0: the venue would start from this directory; \
        2: it would refuse, and the message names the file, offset and sequence.
        """
    )

    @Argument(help: "The venue's data directory.")
    var directory: String

    @Option(help: "Venue configuration file (default: the built-in demo venue).")
    var config: String?

    @Flag(help: "Also write the journal as replay-format JSON lines to standard output.")
    var export = false

    @Flag(help: "Cut a genuine torn tail (an unfinished last batch, never acknowledged) after showing it. Damage is never cut.")
    var repairTornTail = false

    func run() throws {
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
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
