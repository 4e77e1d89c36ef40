import GRDB

/// Compares two SQLite read models table by table and row by row (issue 16 item 4): the live
/// one against one rebuilt from the journal (`harbour reconcile`). Every table of the schema
/// is read in full: its row count, then each row by its primary key, so a row changed,
/// missing or added in the live store is named by table and key. O(rows) time and memory:
/// a daily or on-demand job, never on the venue's path.
public enum ReadModelComparison {
    /// At most this many differing rows are listed per table (the row count still says how many differ).
    public static let rowsListedPerTable = 20

    /// Differences of `live` from `reference`: "rowCount" per table whose counts differ and
    /// "row" per differing row, subject "table(key=value, ...)".
    public static func compare(live: ReadModelStore, reference: ReadModelStore) throws -> [ReconciliationFinding] {
        let tables = try reference.writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name
                """)
        }
        var findings: [ReconciliationFinding] = []
        for table in tables {
            let expected = try rows(of: table, in: reference)
            let found = try rows(of: table, in: live)
            if expected.count != found.count {
                findings.append(.init(check: "rowCount", subject: table, expected: String(expected.count), actual: String(found.count)))
            }
            var listed = 0
            for key in Set(expected.keys).union(found.keys).sorted() where expected[key] != found[key] {
                listed += 1
                if listed > rowsListedPerTable { break }
                findings.append(.init(check: "row", subject: "\(table)(\(key))", expected: expected[key] ?? "no row", actual: found[key] ?? "no row"))
            }
        }
        return findings
    }

    /// The balance of every ledger book in the read model (`book_balances`), by public name.
    public static func bookBalances(_ store: ReadModelStore) throws -> [String: String] {
        try store.writer.read { db in
            var books: [String: String] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT book, balance FROM book_balances") { books[r["book"]] = r["balance"] }
            return books
        }
    }

    /// Every row of `table` as "col=value, ..." keyed by its primary-key columns (all columns
    /// when it has none). A table missing from `store` has no rows.
    static func rows(of table: String, in store: ReadModelStore) throws -> [String: String] {
        try store.writer.read { db in
            guard try db.tableExists(table) else { return [:] }
            let columns = try db.columns(in: table)
            var keyColumns = columns.filter { $0.primaryKeyIndex > 0 }.sorted { $0.primaryKeyIndex < $1.primaryKeyIndex }.map(\.name)
            if keyColumns.isEmpty { keyColumns = columns.map(\.name) }
            var out: [String: String] = [:]
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)")
            while let row = try cursor.next() {
                func text(_ c: String) -> String {
                    let v: DatabaseValue = row[c]
                    return v.isNull ? "null" : v.description
                }
                let key = keyColumns.map { "\($0)=\(text($0))" }.joined(separator: ", ")
                out[key] = columns.map { "\($0.name)=\(text($0.name))" }.joined(separator: ", ")
            }
            return out
        }
    }
}
