import ArgumentParser
import Engine
import Foundation
import Sequencer
import Storage

/// `harbour verify DIR`: replays a data directory's journal into a fresh engine, checks
/// it against the recorded checkpoint, and prints the state hash (OPS-4).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Replay a data directory's journal and print its state hash."
    )

    @Argument(help: "The venue's data directory.")
    var directory: String

    @Option(help: "Venue configuration file (default: the built-in demo venue).")
    var config: String?

    @Flag(help: "Also write the journal as replay-format JSON lines to standard output.")
    var export = false

    func run() throws {
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        let root = URL(fileURLWithPath: directory)
        let journal = root.appendingPathComponent("journal")
        guard FileManager.default.fileExists(atPath: journal.path) else {
            throw ValidationError("\(directory) has no journal/ directory")
        }
        let engine = Engine(config: venue)
        engine.emitPostings = false
        let shadow = Engine(config: venue)
        shadow.emitPostings = false
        let checkpoint = Checkpoint.read(from: root)
        var checkpointResult = "no checkpoint recorded (the venue did not shut down cleanly, or never ran)"
        var count = 0
        var out = BufferedOutput()
        let start = Date()
        let summary = try JournalReader(directory: journal).forEach { seq, ts, payload in
            let command = try CommandCodec.decode(payload)
            if export {
                out.write(CommandEncoder().encode(command, timestamp: ts, engine: shadow))
                shadow.applyInPlace(command, timestamp: ts)
            }
            engine.applyInPlace(command, timestamp: ts)
            count += 1
            if let cp = checkpoint, cp.sequence == seq {
                let h = engine.stateHash()
                checkpointResult = h == cp.stateHash ? "checkpoint at \(seq) verified" : "CHECKPOINT MISMATCH at \(seq): recorded \(cp.stateHash), replayed \(h)"
            }
        }
        out.flush()
        let seconds = Date().timeIntervalSince(start)
        var err = "records: \(count)\nlastSequence: \(summary.lastSequence ?? 0)\n"
        if let torn = summary.tornTail { err += "tornTail: \(torn.discardedBytes) bytes at \(torn.file.lastPathComponent):\(torn.offset) (never acknowledged)\n" }
        err += "\(checkpointResult)\nreplay: \(String(format: "%.0f", Double(count) / max(seconds, 1e-9))) records/s\n"
        err += "ledgerSum: \(engine.ledger.sum)\nstateHash: \(engine.stateHash())\n"
        FileHandle.standardError.write(Data(err.utf8))
        if checkpointResult.hasPrefix("CHECKPOINT MISMATCH") || engine.ledger.sum != 0 { throw ExitCode(2) }
    }
}
