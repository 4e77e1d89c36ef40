import Engine
import Foundation
import Sequencer
import ReadModelPostgres
import Storage

/// Reads the PostgreSQL journal copy back (OPS-4): for `harbour restore` (a fresh data
/// directory from the copy) and `harbour verify --postgres` (the copy checked on its own
/// and against the local journal). Every record's CRC-32C is checked against its sequence,
/// timestamp and payload, the sequence must run 1, 2, 3, ... without a gap, and after the
/// records are replayed every audit hash must be the hash the audit trail chains (REG-2) —
/// so a copy that was changed, cut or reordered is refused, naming the record.
enum PostgresJournalCopy {
    /// What a check found.
    struct Summary {
        var records = 0
        var lastSequence: UInt64 = 0
        var stateHash = ""
    }

    /// Why a copy was refused.
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes the copy as a journal in `journal` (which must hold no segment), durable
    /// (fsync) before returning; then replays it from `root` and checks the audit hashes.
    static func restore(from replica: JournalReplica, root: URL, config: VenueConfig) async throws -> Summary {
        let journal = root.appendingPathComponent("journal")
        if let existing = try? JournalSegment.list(in: journal), !existing.isEmpty {
            throw Refused(description: "\(journal.path) already holds a journal: restore into a new, empty data directory")
        }
        let writer = try JournalWriter(directory: journal, startingAfter: 0)
        defer { writer.close() }
        var hashes: [String] = []
        var expected: UInt64 = 1
        try await replica.forEach { r in
            guard r.sequence == expected else {
                throw Refused(description: "journal copy: record \(r.sequence) where \(expected) was expected (a gap or reordering)")
            }
            guard r.checksumIsValid else {
                throw Refused(description: "journal copy: record \(r.sequence) fails its CRC-32C (stored 0x\(String(r.crc, radix: 16)))")
            }
            let seq = try writer.append(timestamp: r.timestamp, payload: r.payload)
            precondition(seq == r.sequence)
            hashes.append(r.auditHash)
            expected += 1
            if expected % 10_000 == 0 { try writer.sync() }
        }
        try writer.sync()
        var summary = Summary()
        summary.records = hashes.count
        summary.lastSequence = expected - 1
        summary.stateHash = try checkAuditHashes(root: root, config: config, hashes: hashes)
        return summary
    }

    /// Replays the journal in `root` and compares each record's audit hash with `hashes`
    /// (index = sequence − 1); returns the final state hash.
    static func checkAuditHashes(root: URL, config: VenueConfig, hashes: [String]) throws -> String {
        var previous = AuditRecord.genesis
        let (_, stateHash) = try JournalOutcomes.forEach(dataDirectory: root, config: config) { seq, ts, line, events in
            let hash = AuditRecord(previousHash: previous, sequence: seq, timestamp: ts, command: line, events: events).hash
            let index = Int(seq) - 1
            guard index < hashes.count, hashes[index] == hash else {
                throw Refused(description: "journal copy: record \(seq) has audit hash \(index < hashes.count ? hashes[index] : "none"), "
                                           + "its content gives \(hash)")
            }
            previous = hash
        }
        return stateHash
    }

    /// Checks that the copy is a prefix of the local journal in `root`, record by record
    /// (same sequence, timestamp, payload and CRC); returns the local journal's last sequence.
    static func compare(copyOf replica: JournalReplica, with root: URL) async throws -> UInt64 {
        var local: [UInt32] = []
        let summary = try JournalReader(directory: root.appendingPathComponent("journal")).forEach { seq, ts, payload in
            local.append(ReplicatedRecord.checksum(sequence: seq, timestamp: ts, payload: Array(payload)))
        }
        try await replica.forEach { r in
            let index = Int(r.sequence) - 1
            guard index < local.count else {
                throw Refused(description: "journal copy has record \(r.sequence), past the local journal's end (\(local.count))")
            }
            guard local[index] == r.crc else {
                throw Refused(description: "journal copy record \(r.sequence) differs from the local journal's")
            }
        }
        return summary.lastSequence ?? 0
    }
}
