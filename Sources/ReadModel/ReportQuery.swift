import GRDB

/// One read-only query of a regulatory report (REG-3), written once in SQL that SQLite and
/// PostgreSQL both run unchanged: plain SELECTs with `?` parameters, `UNION ALL`, a
/// correlated `MAX` for "as of" rows, ordering by integer keys only (text order is decided
/// in Swift so the stores cannot collate differently). Every value comes back as text:
/// integers in decimal, NULL as "", decimals exactly as stored. Only this module builds
/// them (the initialiser is internal), so a store runs no SQL from outside its own schema.
public struct ReportQuery: Sendable, Hashable {
    /// A bound parameter.
    public enum Argument: Sendable, Hashable {
        case int(Int64)
        case text(String)
    }

    public let sql: String
    public let arguments: [Argument]

    init(_ sql: String, _ arguments: [Argument] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    /// The SQLite form of the arguments.
    var statementArguments: StatementArguments {
        StatementArguments(arguments.map { a -> (any DatabaseValueConvertible)? in
            switch a {
            case .int(let v): return v
            case .text(let s): return s
            }
        })
    }
}

extension ReadModelStore {
    /// Runs report queries in one read transaction (one snapshot), every value as text.
    public func reportRows(_ queries: [ReportQuery]) async throws -> [[[String]]] {
        try await writer.read { db in
            try queries.map { q in
                try Row.fetchAll(db, sql: q.sql, arguments: q.statementArguments).map { row in
                    row.databaseValues.map { v -> String in
                        switch v.storage {
                        case .null: return ""
                        case .int64(let i): return String(i)
                        case .string(let s): return s
                        case .double(let d): return String(d) // never written by the projection
                        case .blob: return ""
                        }
                    }
                }
            }
        }
    }
}
