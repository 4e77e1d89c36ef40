import Foundation
import PostgresNIO

/// Turns PostgreSQL rows into the read models' `Codable` records by column name, the way
/// GRDB does on SQLite (snake_case columns to camelCase properties): each row becomes a
/// JSON object (BIGINT/INTEGER as numbers, BOOLEAN as booleans, everything else — every
/// decimal — as strings, NULL as null) decoded by `JSONDecoder`. Never goes through a float.
enum RowDecoder {
    static func decode<T: Decodable>(_ type: T.Type, _ rows: [PostgresRow]) throws -> [T] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try rows.map { try decoder.decode(T.self, from: json($0)) }
    }

    static func decodeOne<T: Decodable>(_ type: T.Type, _ rows: [PostgresRow]) throws -> T? {
        try decode(type, Array(rows.prefix(1))).first
    }

    static func json(_ row: PostgresRow) throws -> Data {
        var s = "{"
        var first = true
        for cell in row {
            if !first { s += "," }
            first = false
            quote(cell.columnName, into: &s)
            s += ":"
            if cell.bytes == nil { s += "null"; continue }
            switch cell.dataType {
            case .int8: s += String(try cell.decode(Int64.self))
            case .int4: s += String(try cell.decode(Int32.self))
            case .int2: s += String(try cell.decode(Int16.self))
            case .bool: s += try cell.decode(Bool.self) ? "true" : "false"
            default: quote(try cell.decode(String.self), into: &s)
            }
        }
        return Data((s + "}").utf8)
    }

    static func quote(_ v: String, into s: inout String) {
        s += "\""
        for u in v.unicodeScalars {
            switch u {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            default:
                if u.value < 0x20 { s += String(format: "\\u%04x", u.value) } else { s.unicodeScalars.append(u) }
            }
        }
        s += "\""
    }
}
