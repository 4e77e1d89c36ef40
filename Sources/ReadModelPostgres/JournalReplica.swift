import Foundation
import Logging
import PostgresNIO

/// The copy of the journal in PostgreSQL (OPS-4, docs/OPERATOR.md "PostgreSQL"): the table
/// `journal_records`, one row per record (`ReplicatedRecord`), written in sequence order by
/// `JournalCopier` and read back by `harbour verify --postgres` and `harbour restore`.
///
/// Appends are checked: a batch must continue exactly after the last stored sequence
/// (records already stored are skipped, as long as they are the same records), so the
/// table never has a gap or a changed record, whoever writes to it.
public final class JournalReplica: Sendable {
    let session: PostgresSession

    /// Why the replica refused an append or a read.
    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
    }

    /// Connects to `url`, creating the schema and applying migrations if needed.
    public init(url: PostgresURL, logger: Logger = Logger(label: "harbour.postgres.journal")) async throws {
        session = PostgresSession(url: url, logger: logger)
        do {
            try await PostgresSession.probe(url, logger: logger)
            try await PostgresMigrations.migrate(session)
        } catch {
            session.close()
            throw PostgresStoreError("cannot open the PostgreSQL journal copy \(url): \(PostgresStoreError.describe(error))")
        }
    }

    public func close() { session.close() }

    /// The last stored record's sequence and audit hash (nil when the table is empty).
    public func last() async throws -> (sequence: UInt64, auditHash: String)? {
        guard let row = try await session.rows("SELECT seq, audit_hash FROM journal_records ORDER BY seq DESC LIMIT 1").first else {
            return nil
        }
        let (seq, hash) = try row.decode((Int64, String).self)
        return (UInt64(seq), hash)
    }

    /// Stores `records` (in sequence order) in one transaction and one round trip; returns
    /// how many were new. Throws `Mismatch` if they do not continue the stored sequence, or
    /// if one already stored differs from the one given.
    @discardableResult
    public func append(_ records: [ReplicatedRecord]) async throws -> Int {
        guard let first = records.first else { return 0 }
        return try await session.transaction { c in
            // One writer at a time: the check below and the insert see the same table.
            try await PostgresSession.execute("LOCK TABLE journal_records IN SHARE ROW EXCLUSIVE MODE", on: c, logger: session.logger)
            let lastRows = try await PostgresSession.rows(c, "SELECT COALESCE(MAX(seq), 0) FROM journal_records", logger: session.logger)
            let last = UInt64(try lastRows.first?.decode(Int64.self) ?? 0)
            if first.sequence <= last {
                let overlap = records.filter { $0.sequence <= last }
                let stored = try await PostgresSession.rows(c, """
                    SELECT seq, crc, audit_hash FROM journal_records WHERE seq >= ? AND seq <= ? ORDER BY seq
                    """, [.int(Int64(first.sequence)), .int(Int64(overlap.last!.sequence))], logger: session.logger)
                for (row, r) in zip(stored, overlap) {
                    let (seq, crc, hash) = try row.decode((Int64, Int64, String).self)
                    guard UInt64(seq) == r.sequence, UInt32(crc) == r.crc, hash == r.auditHash else {
                        throw Mismatch(description: "journal copy already holds a different record \(seq) (crc/audit hash differ)")
                    }
                }
            }
            let fresh = records.filter { $0.sequence > last }
            guard let head = fresh.first else { return 0 }
            guard head.sequence == last + 1 else {
                throw Mismatch(description: "journal copy ends at \(last); refusing records from \(head.sequence) (a gap)")
            }
            var script = SQLScript()
            var expected = head.sequence
            var values: [String] = []
            values.reserveCapacity(fresh.count)
            for r in fresh {
                guard r.sequence == expected else {
                    throw Mismatch(description: "records to copy are not contiguous: \(r.sequence) after \(expected - 1)")
                }
                expected += 1
                values.append("(\(r.sequence), \(r.timestamp), \(try SQLValue.bytes(r.payload).literal()), \(r.crc), "
                              + "\(try SQLValue.text(r.auditHash).literal()))")
            }
            script.addWritten("INSERT INTO journal_records (seq, ts, payload, crc, audit_hash) VALUES " + values.joined(separator: ", "))
            try await PostgresSession.run(script, on: c, logger: session.logger)
            return fresh.count
        }
    }

    /// Every stored record after `after`, in sequence order, `page` rows per query.
    public func forEach(after: UInt64 = 0, page: Int = 5_000, _ body: (ReplicatedRecord) throws -> Void) async throws {
        var cursor = after
        while true {
            let rows = try await session.rows("""
                SELECT seq, ts, payload, crc, audit_hash FROM journal_records WHERE seq > ? ORDER BY seq LIMIT ?
                """, [.int(Int64(cursor)), .i(page)])
            if rows.isEmpty { return }
            for row in rows {
                let (seq, ts, payload, crc, hash) = try row.decode((Int64, Int64, ByteBuffer, Int64, String).self)
                guard crc >= 0, crc <= Int64(UInt32.max) else { throw Mismatch(description: "record \(seq): crc \(crc) out of range") }
                let record = ReplicatedRecord(sequence: UInt64(seq), timestamp: ts, payload: Array(buffer: payload),
                                              crc: UInt32(crc), auditHash: hash)
                try body(record)
                cursor = UInt64(seq)
            }
        }
    }

    /// Removes every record (tests).
    public func removeAll() async throws {
        _ = try await session.rows("DELETE FROM journal_records")
    }
}
