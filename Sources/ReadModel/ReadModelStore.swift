import GRDB

/// The read models of the venue: a SQLite database (GRDB) holding the projection of the
/// public event stream — accounts, orders, trades, postings, positions, balances, marks,
/// rejections, funding, liquidations, insurance payouts and the insurance fund, ADL fills
/// and ranks, risk alerts, stress tests and risk metrics — for history queries.
///
/// It is derived data: it can always be rebuilt from the journal, and the engine never
/// waits for it. `apply` writes one outcome in one transaction and is idempotent by
/// sequence (an outcome at or below `lastSequence` is skipped), so a projector can resume
/// after a crash by replaying from any earlier point. Safe to share between tasks: GRDB's
/// `DatabaseQueue` / `DatabasePool` serialise writes and isolate reads.
public final class ReadModelStore: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating and migrating if needed) the database at `path`; ":memory:" gives
    /// a private in-memory database. Files use WAL so queries do not block projection.
    public init(path: String) throws {
        if path == ":memory:" {
            writer = try DatabaseQueue()
        } else {
            writer = try DatabasePool(path: path)
        }
        try ReadModelSchema.migrator.migrate(writer)
    }

    /// Sequence of the last outcome applied (0 when empty).
    public var lastSequence: UInt64 {
        get throws { try writer.read { try OutcomeProjection.lastSequence($0) } }
    }

    /// Projects one command outcome in one transaction. `commandLine` is the command in
    /// the replay format, if known (it supplies an order's side, price and quantity).
    /// Returns false, changing nothing, when `sequence` ≤ `lastSequence`.
    @discardableResult
    public func apply(sequence: UInt64, timestamp: Int64, commandLine: String?, eventLines: [String]) throws -> Bool {
        try apply(batch: [ProjectedOutcome(sequence: sequence, timestamp: timestamp, commandLine: commandLine,
                                           eventLines: eventLines)]) == 1
    }

    /// Projects many outcomes, in order, in one transaction; those at or below
    /// `lastSequence` are skipped. Returns how many were applied. On error nothing of
    /// the batch is written.
    @discardableResult
    public func apply(batch: [ProjectedOutcome]) throws -> Int {
        try writer.write { db in try OutcomeProjection(db: db).apply(batch) }
    }

    /// `apply(batch:)` without blocking the caller's thread (named apart so that async
    /// callers can still use the synchronous form).
    @discardableResult
    public func applyAsync(batch: [ProjectedOutcome]) async throws -> Int {
        try await writer.write { db in try OutcomeProjection(db: db).apply(batch) }
    }
}
