import Foundation
import Logging
import PostgresNIO
import ReadModel

/// The read models in PostgreSQL (OPS-4, docs/DECISIONS.md 36): the same tables, rows and
/// queries as the SQLite `ReadModelStore`, behind the same `ReadModelStorage` interface, so
/// the gateway and the reports do not know which store they have.
///
/// Derived data like the SQLite store: rebuilt from the journal at will, never waited on
/// by the engine. `applyAsync` writes a batch of outcomes in one transaction: the stored
/// rows it depends on are read first (`ProjectionPrefetch`), then one multi-row `INSERT`
/// per table goes in one round trip (`PostgresOutcomeProjection`). It is idempotent by
/// sequence: the transaction locks `meta` and skips outcomes at or below `lastSequence`, so
/// two projectors, or a projector resumed after a crash, never write a row twice.
public final class PostgresReadModelStore: ReadModelStorage {
    let session: PostgresSession

    public var kind: String { "postgres" }

    /// The store's location (password left out).
    public var location: String { session.url.description }

    /// Connects to `url`, creating the schema and applying migrations if needed. Throws a
    /// `PostgresStoreError` naming the problem when the server cannot be reached.
    public init(url: PostgresURL, logger: Logger = Logger(label: "harbour.postgres")) async throws {
        session = PostgresSession(url: url, logger: logger)
        do {
            try await PostgresSession.probe(url, logger: logger)
            try await PostgresMigrations.migrate(session)
        } catch {
            session.close()
            throw PostgresStoreError("cannot open the PostgreSQL store \(url): \(PostgresStoreError.describe(error))")
        }
    }

    /// Ends the connection pool.
    public func close() { session.close() }

    public var lastSequence: UInt64 {
        get async throws {
            let rows = try await session.rows("SELECT last_sequence FROM meta WHERE id = 1")
            return UInt64(try rows.first?.decode(Int64.self) ?? 0)
        }
    }

    public func applyAsync(batch: [ProjectedOutcome]) async throws -> Int {
        guard !batch.isEmpty else { return 0 }
        return try await session.transaction { c in
            let rows = try await PostgresSession.rows(c, "SELECT last_sequence FROM meta WHERE id = 1 FOR UPDATE", logger: session.logger)
            var last = UInt64(try rows.first?.decode(Int64.self) ?? 0)
            var fresh: [ProjectedOutcome] = []
            for o in batch where o.sequence > last {
                fresh.append(o)
                last = o.sequence
            }
            guard !fresh.isEmpty else { return 0 }
            let (decoded, keys) = try PostgresOutcomeProjection.decode(fresh)
            var projection = PostgresOutcomeProjection(state: try await ProjectionPrefetch.load(keys, on: c, logger: session.logger))
            for d in decoded { try projection.project(d) }
            var script = SQLScript()
            for sql in try projection.statements() { script.addWritten(sql) }
            script.addWritten("UPDATE meta SET last_sequence = \(Int64(last)) WHERE id = 1")
            try await PostgresSession.run(script, on: c, logger: session.logger)
            return fresh.count
        }
    }

    /// Empties every read-model table and sets `lastSequence` to 0, in one transaction (for
    /// `harbour rebuild`; the journal replica is left as it is).
    public func reset() async throws {
        try await session.transaction { c in
            try await PostgresSession.execute("TRUNCATE " + PostgresMigrations.readModelTables.joined(separator: ", "),
                                              on: c, logger: session.logger)
            try await PostgresSession.execute("UPDATE meta SET last_sequence = 0 WHERE id = 1", on: c, logger: session.logger)
        }
    }

    /// The plan PostgreSQL chooses for each of `statements` (`$1` bound to `value`) with
    /// sequential scans disabled: an index scan there shows a fitting index exists (tests).
    public func explainWithoutSeqScan(_ statements: [String], _ value: String) async throws -> [(String, String)] {
        try await session.transaction { c in
            try await PostgresSession.execute("SET LOCAL enable_seqscan = off", on: c, logger: session.logger)
            var out: [(String, String)] = []
            for sql in statements {
                var bindings = PostgresBindings()
                bindings.append(value)
                var plan: [String] = []
                for try await row in try await c.query(PostgresQuery(unsafeSQL: "EXPLAIN " + sql, binds: bindings), logger: session.logger) {
                    plan.append(try row.decode(String.self))
                }
                out.append((sql, plan.joined(separator: " | ")))
            }
            return out
        }
    }

    func records<T: Decodable>(_ type: T.Type, _ sql: String, _ values: [SQLValue]) async throws -> [T] {
        try RowDecoder.decode(type, try await session.rows(sql, values))
    }
}
