import PostgresNIO
import ReadModel

/// The regulatory reports' queries (`ReadModel.ReportQuery`, REG-3) on PostgreSQL: the same
/// SQL the SQLite store runs, in one REPEATABLE READ, READ ONLY transaction so a report's
/// parts (opening balance, movements, positions as of the day's end) are one snapshot, as
/// on SQLite. Values come back as text: integers in decimal, booleans 1/0, NULL as "".
extension PostgresReadModelStore {
    public func reportRows(_ queries: [ReportQuery]) async throws -> [[[String]]] {
        try await session.transaction { c in
            try await PostgresSession.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", on: c, logger: session.logger)
            var out: [[[String]]] = []
            for q in queries {
                let values = q.arguments.map { a -> SQLValue in
                    switch a {
                    case .int(let v): return .int(v)
                    case .text(let s): return .text(s)
                    }
                }
                out.append(try await PostgresSession.rows(c, q.sql, values, logger: session.logger).map(Self.texts))
            }
            return out
        }
    }

    static func texts(_ row: PostgresRow) throws -> [String] {
        try row.map { cell -> String in
            if cell.bytes == nil { return "" }
            switch cell.dataType {
            case .int8: return String(try cell.decode(Int64.self))
            case .int4: return String(try cell.decode(Int32.self))
            case .int2: return String(try cell.decode(Int16.self))
            case .bool: return try cell.decode(Bool.self) ? "1" : "0"
            default: return try cell.decode(String.self)
            }
        }
    }
}
