import ArgumentParser
import CommandInput
import Engine
import Foundation
import HarbourCore
import ReadModel
import Sequencer
import Storage

/// `harbour reconcile DIR`: the daily and on-demand reconciliation (issue 16 item 4, RISK-5).
/// Replays the journal into a fresh engine and projects the same outcomes into a fresh
/// in-memory read model, then checks: every asset's books sum to zero and the engine's
/// invariants hold (positions pool = clients' open PnL); the replayed state hash equals the
/// checkpoint recorded at clean shutdown; every ledger book (client and house) in the live
/// read model equals the replayed engine's; the live read model equals the rebuilt one
/// table by table, row by row (row counts and each row by key); client-asset books equal
/// the custody balances the operator recorded (`--custody`). Read-only: the read model is
/// inspected in a temporary copy.
///
/// Exit status 0 when everything reconciles, 2 when anything differs (each difference on
/// one line naming the check, the book, asset or table row, and both figures).
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Reconcile a data directory: ledger, house and client books, read models vs a journal replay, custody.",
        discussion: "Read-only; run it daily and on demand. Exit 0: reconciled; 2: differences, each named on standard output."
    )

    @Argument(help: "The venue's data directory (journal/, readmodel.sqlite).")
    var directory: String

    @Option(help: "Venue configuration file (default: the built-in demo venue).")
    var config: String?

    @Option(help: "Custody balances the operator recorded: a JSON object of asset code to decimal amount, e.g. {\"USD\":\"1250000.5\"}.")
    var custody: String?

    @Option(help: "Also write the report as JSON to this file (the API serves the latest one: docs/OPERATOR.md).")
    var output: String?

    @Flag(help: "Print the report as JSON instead of text.")
    var json = false

    func run() async throws {
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        let custodyRaw = try custody.map { try Self.readCustody(path: $0, venue: venue) }
        let report = try Self.reconcile(dataDirectory: URL(fileURLWithPath: directory), config: venue, custody: custodyRaw)
        let data = try ReconciliationReport.encoder.encode(report)
        if let output { try data.write(to: URL(fileURLWithPath: output), options: .atomic) }
        if json {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(report.text.utf8))
        }
        if !report.reconciled { throw ExitCode(2) }
    }

    /// Reads `--custody`: every amount exact at its asset's scale; an unknown asset or a
    /// malformed amount is refused before anything runs.
    static func readCustody(path: String, venue: VenueConfig) throws -> [String: Int64] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("CUSTODY_FILE_INVALID: \(path) is not a JSON object of asset code to decimal string")
        }
        var out: [String: Int64] = [:]
        for (code, value) in object {
            guard let asset = venue.asset(code: code) else { throw ValidationError("CUSTODY_UNKNOWN_ASSET: \(code) is not an asset of this venue") }
            guard let text = value as? String, let raw = try? FixedDecimal.parse(text, scale: asset.scale) else {
                throw ValidationError("CUSTODY_AMOUNT_INVALID: \(code) must be a decimal string with at most \(asset.scale.decimals) decimals")
            }
            out[code] = raw
        }
        return out
    }

    /// The whole run, returning the report (nothing on disk changes).
    static func reconcile(dataDirectory root: URL, config venue: VenueConfig, custody: [String: Int64]?) throws -> ReconciliationReport {
        let livePath = root.appendingPathComponent("readmodel.sqlite").path
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("journal").path) else {
            throw ValidationError("\(root.path) has no journal/ directory")
        }
        guard FileManager.default.fileExists(atPath: livePath) else { throw ValidationError("\(root.path) has no readmodel.sqlite") }
        // Inspect a copy (with its WAL, if the venue left one): opening SQLite in place would
        // create -wal/-shm files, and a check must change nothing it inspects.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-reconcile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: livePath + suffix) {
            try FileManager.default.copyItem(atPath: livePath + suffix, toPath: copy.appendingPathComponent("readmodel.sqlite" + suffix).path)
        }
        let live = try ReadModelStore(path: copy.appendingPathComponent("readmodel.sqlite").path)
        let liveSequence = try live.lastSequence
        let rebuilt = try ReadModelStore(path: ":memory:")

        // One replay: the engine of the whole journal, and the outcomes the live read model has.
        let engine = Engine(config: venue)
        let commands = CommandEncoder(), events = EventEncoder()
        var records = 0, lastSequence: UInt64 = 0
        var batch: [ProjectedOutcome] = []
        try JournalReader(directory: root.appendingPathComponent("journal")).forEach { seq, ts, payload in
            let command = try CommandCodec.decode(payload)
            let line = commands.encode(command, timestamp: ts, engine: engine)
            engine.applyInPlace(command, timestamp: ts)
            records += 1
            lastSequence = seq
            if seq <= liveSequence {
                batch.append(ProjectedOutcome(sequence: seq, timestamp: ts, commandLine: line,
                                              eventLines: engine.events.map { events.encode($0, seq: Int64(seq), engine: engine) }))
                if batch.count >= 2_000 { try rebuilt.apply(batch: batch); batch.removeAll(keepingCapacity: true) }
            }
        }
        if !batch.isEmpty { try rebuilt.apply(batch: batch) }

        let ledger = LedgerReconciliation(engine: engine, custody: custody)
        var findings = ledger.findings
        let hash = engine.stateHash()
        var checkpointNote = "no checkpoint recorded"
        if let cp = Checkpoint.read(from: root) {
            if cp.sequence == lastSequence {
                checkpointNote = "checkpoint at \(cp.sequence) checked"
                if cp.stateHash != hash { findings.append(.init(check: "stateHash", subject: "checkpoint.txt", expected: cp.stateHash, actual: hash)) }
            } else {
                checkpointNote = "checkpoint at \(cp.sequence) is not the journal's end (\(lastSequence)); not checked"
            }
        }
        if liveSequence != lastSequence {
            findings.append(.init(check: "readModelLag", subject: "readmodel.sqlite", expected: "lastSequence \(lastSequence)",
                                  actual: "lastSequence \(liveSequence)"))
        } else {
            findings += LedgerReconciliation.compare(readModelBooks: try ReadModelComparison.bookBalances(live), engine: engine)
        }
        findings += try ReadModelComparison.compare(live: live, reference: rebuilt)
        return ReconciliationReport(journalRecords: records, lastSequence: lastSequence, readModelSequence: liveSequence,
                                    stateHash: hash, checkpoint: checkpointNote, assets: ledger.assets, findings: findings)
    }
}
