import ArgumentParser
import CommandInput
import Engine
import Foundation
import Sequencer
import Storage

/// `harbour audit verify|prune DIR` (REG-2): proves the audit trail's hash chain — against
/// its own published heads, heads the supervisor kept (`--head`), and, with `--journal`, a
/// replay of the journal — or prunes segments past retention, on record.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify or prune the audit trail of a data directory.",
        subcommands: [AuditVerify.self, AuditPrune.self]
    )
}

/// `harbour audit verify DIR`: exit 0 when the chain holds, 2 naming the first bad record.
struct AuditVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every record's hash, the chain, the published heads and optionally the journal; exit 2 at the first bad record."
    )

    @Argument(help: "The venue's data directory (its audit/ folder is checked).")
    var directory: String

    @Option(name: .customLong("head"), help: "A head kept elsewhere, as SEQUENCE:HASH (repeatable).")
    var heads: [String] = []

    @Flag(help: "Also rebuild the chain from a replay of the journal and compare every record.")
    var journal = false

    @Option(help: "Venue configuration file (default: the built-in demo venue).")
    var config: String?

    func run() throws {
        let root = URL(fileURLWithPath: directory)
        let audit = root.appendingPathComponent("audit")
        guard FileManager.default.fileExists(atPath: audit.path) else {
            throw ValidationError("\(directory) has no audit/ directory (the venue writes it beside journal/)")
        }
        var extra: [AuditHead] = []
        for text in heads {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let seq = UInt64(parts[0]), let head = AuditHead(line: Substring("\(seq) \(parts[1]) 0")) else {
                throw ValidationError("--head must be SEQUENCE:HASH (64 lower-case hex digits), got '\(text)'")
            }
            extra.append(head)
        }
        let report = try AuditTrailVerifier.verify(directory: audit, extraHeads: extra)
        var text = "records: \(report.records)\nlastSequence: \(report.lastSequence)\nlastHash: \(report.lastHash)\nheadsChecked: \(report.headsChecked)\n"
        if report.tornTailBytes > 0 { text += "tornTail: \(report.tornTailBytes) bytes of a last line cut short (rewritten from the journal at the next start)\n" }
        if let problem = report.problem {
            FileHandle.standardError.write(Data((text + "BAD: \(problem)\n").utf8))
            throw ExitCode(2)
        }
        if journal, let mismatch = try compareWithJournal(root: root, audit: audit) {
            FileHandle.standardError.write(Data((text + "BAD: \(mismatch)\n").utf8))
            throw ExitCode(2)
        }
        if journal { text += "journal: every record equals the replay of the journal\n" }
        FileHandle.standardError.write(Data((text + "audit trail verified\n").utf8))
    }

    /// The first record whose hash differs from the chain rebuilt from the journal.
    private func compareWithJournal(root: URL, audit: URL) throws -> String? {
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        let stored = Dictionary(try AuditTrailVerifier.recordHashes(directory: audit), uniquingKeysWith: { first, _ in first })
        let start = AuditTrail(directory: audit).chainStart()
        var previous = start.previousHash
        var mismatch: String?
        var compared = 0
        try JournalOutcomes.forEach(dataDirectory: root, config: venue) { seq, ts, line, events in
            guard mismatch == nil, seq > start.after else { return }
            let hash = AuditRecord(previousHash: previous, sequence: seq, timestamp: ts, command: line, events: events).hash
            previous = hash
            guard let recorded = stored[seq] else { return }
            compared += 1
            if recorded != hash { mismatch = "record \(seq) differs from the replay of journal record \(seq)" }
        }
        if mismatch == nil && compared < stored.count { return "the trail holds \(stored.count - compared) records the journal does not" }
        return mismatch
    }
}

/// `harbour audit prune DIR --before SEQ`: removes whole segments before SEQ older than
/// the retention period, writing what it removed and the head it pruned to.
struct AuditPrune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove audit segments before a sequence and past retention (recorded in audit/pruned.log)."
    )

    @Argument(help: "The venue's data directory.")
    var directory: String

    @Option(help: "Prune only records before this sequence.")
    var before: UInt64

    @Option(help: "Keep records younger than this many days (default seven years).")
    var retentionDays: Int = 2_557

    func run() throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let result = try AuditTrailPruner.prune(directory: URL(fileURLWithPath: directory).appendingPathComponent("audit"),
                                                before: before, now: now, retentionDays: retentionDays)
        guard let head = result.prunedTo else {
            FileHandle.standardError.write(Data("nothing to prune: no whole segment before \(before) is older than \(retentionDays) days\n".utf8))
            return
        }
        FileHandle.standardError.write(Data("pruned \(result.files.joined(separator: ", ")) through sequence \(head.sequence); chain continues from \(head.hash)\n".utf8))
    }
}
