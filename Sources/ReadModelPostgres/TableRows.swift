/// The rows a batch of outcomes writes into one read-model table, sent as a single
/// multi-row `INSERT` (docs/DECISIONS.md 36, "One statement per table per batch").
///
/// A table with a key keeps one row per key, as the statement may touch a row only once:
/// `.replace` keeps the last row written for a key (SQLite's `INSERT OR REPLACE`, and the
/// final state of an upserted row), `.ignore` the first (`INSERT OR IGNORE`); a row already
/// stored under the key is then replaced (`ON CONFLICT ... DO UPDATE` of every other
/// column) or left alone (`DO NOTHING`). `.append` rows are new rows with keys that never
/// repeat (history keyed by sequence and event index).
struct TableRows {
    enum Conflict {
        case append
        /// Last row wins; the first `keyColumns` columns are the key.
        case replace(keyColumns: Int)
        /// First row wins; the first `keyColumns` columns are the key.
        case ignore(keyColumns: Int)
    }

    let table: String
    let columns: [String]
    let conflict: Conflict
    private(set) var rows: [[SQLValue]] = []
    private var positions: [[SQLValue]: Int] = [:]

    init(_ table: String, _ columns: [String], _ conflict: Conflict) {
        self.table = table
        self.columns = columns
        self.conflict = conflict
    }

    var isEmpty: Bool { rows.isEmpty }

    mutating func add(_ row: [SQLValue]) {
        precondition(row.count == columns.count, "\(row.count) values for the \(columns.count) columns of \(table)")
        switch conflict {
        case .append:
            rows.append(row)
        case .replace(let k):
            let key = Array(row.prefix(k))
            if let at = positions[key] { rows[at] = row } else { positions[key] = rows.count; rows.append(row) }
        case .ignore(let k):
            let key = Array(row.prefix(k))
            if positions[key] == nil { positions[key] = rows.count; rows.append(row) }
        }
    }

    /// The `INSERT` of every row with literal values (nil when there is none).
    func statement() throws -> String? {
        guard !rows.isEmpty else { return nil }
        var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        for (n, row) in rows.enumerated() {
            sql += n == 0 ? "(" : ", ("
            for (c, v) in row.enumerated() {
                if c > 0 { sql += ", " }
                sql += try v.literal()
            }
            sql += ")"
        }
        switch conflict {
        case .append:
            break
        case .ignore(let k):
            sql += " ON CONFLICT (\(columns.prefix(k).joined(separator: ", "))) DO NOTHING"
        case .replace(let k):
            let set = columns.dropFirst(k).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            sql += " ON CONFLICT (\(columns.prefix(k).joined(separator: ", "))) DO UPDATE SET \(set)"
        }
        return sql
    }
}
