import PostgresNIO

/// One value for a SQL statement of the PostgreSQL store: a 64-bit integer, text (every
/// decimal — money, prices, sizes — is text holding the exact decimal string, as in the
/// SQLite store; never a float), a boolean, bytes, NULL, or an array of texts or integers
/// (the keys a batch reads before it projects: `= ANY(?)`).
///
/// A value is either bound as a parameter (`bind(into:)`, queries) or written as a SQL
/// literal (`literal()`, the projection's one-round-trip scripts; see `SQLScript`).
enum SQLValue: Sendable, Hashable {
    case int(Int64)
    case text(String)
    case bool(Bool)
    case bytes([UInt8])
    case null
    case texts([String])
    case ints([Int64])

    static func t(_ s: String?) -> SQLValue { s.map { .text($0) } ?? .null }
    static func i(_ v: Int64?) -> SQLValue { v.map { .int($0) } ?? .null }
    static func i(_ v: Int) -> SQLValue { .int(Int64(v)) }

    /// Why a value cannot be written.
    struct Unrepresentable: Error, CustomStringConvertible {
        let description: String
    }

    /// The value as a SQL literal, with `standard_conforming_strings` on (every connection
    /// starts with it, `PostgresURL.configuration()`): a string is quoted with each `'` doubled, which is the whole of PostgreSQL's
    /// escaping in that mode (backslashes are ordinary characters); bytes are a hex bytea
    /// literal. PostgreSQL text cannot hold NUL, so a string with one is refused.
    func literal() throws -> String {
        switch self {
        case .int(let v): return String(v)
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .null: return "NULL"
        case .bytes(let b):
            return "'\\x" + b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() + "'::bytea"
        case .texts(let a):
            return "ARRAY[" + (try a.map { try SQLValue.text($0).literal() }).joined(separator: ",") + "]::text[]"
        case .ints(let a):
            return "ARRAY[" + a.map(String.init).joined(separator: ",") + "]::bigint[]"
        case .text(let s):
            if s.utf8.contains(0) { throw Unrepresentable(description: "text with a NUL character: \(s.debugDescription)") }
            var out = "'"
            out.reserveCapacity(s.utf8.count + 2)
            for c in s { if c == "'" { out += "''" } else { out.append(c) } }
            return out + "'"
        }
    }

    /// Appends the value to `bindings` as a parameter.
    func bind(into bindings: inout PostgresBindings) {
        switch self {
        case .int(let v): bindings.append(v)
        case .text(let s): bindings.append(s)
        case .bool(let b): bindings.append(b)
        case .bytes(let b): bindings.append(ByteBuffer(bytes: b))
        case .null: bindings.appendNull()
        case .texts(let a): bindings.append(a)
        case .ints(let a): bindings.append(a)
        }
    }
}
