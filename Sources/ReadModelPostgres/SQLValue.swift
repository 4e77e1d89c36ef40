import PostgresNIO

/// One value for a SQL statement of the PostgreSQL store: a 64-bit integer, text (every
/// decimal — money, prices, sizes — is text holding the exact decimal string, as in the
/// SQLite store; never a float), a boolean, bytes or NULL.
///
/// A value is either bound as a parameter (`bind(into:)`, queries) or written as a SQL
/// literal (`literal()`, the projection's one-round-trip scripts; see `SQLScript`).
enum SQLValue: Sendable, Hashable {
    case int(Int64)
    case text(String)
    case bool(Bool)
    case bytes([UInt8])
    case null

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
        }
    }
}

/// Statements written out with literal values and sent as one anonymous code block
/// (`DO $tag$ BEGIN ... END $tag$`, one statement of the extended protocol, which is all
/// PostgresNIO speaks), so a whole batch of outcomes is one round trip to the server instead
/// of one per event. Templates use `?` for each value, in order (the templates are this
/// target's own SQL, which contains no other `?`).
struct SQLScript {
    private(set) var text = ""
    private(set) var statements = 0

    mutating func add(_ template: String, _ values: [SQLValue]) throws {
        var it = values.makeIterator()
        for c in template {
            if c == "?" {
                guard let v = it.next() else { preconditionFailure("too few values for: \(template)") }
                text += try v.literal()
            } else {
                text.append(c)
            }
        }
        precondition(it.next() == nil, "too many values for: \(template)")
        text += ";\n"
        statements += 1
    }

    /// The script as one `DO` statement, dollar-quoted with a tag its text does not contain.
    var block: String {
        var tag = "$harbour$"
        var n = 0
        while text.contains(tag) { n += 1; tag = "$harbour\(n)$" }
        return "DO \(tag) BEGIN\n" + text + "END \(tag)"
    }

    /// Appends a statement already written out (its values made literal by the caller).
    mutating func addWritten(_ sql: String) {
        var sql = Substring(sql)
        while let last = sql.last, last == ";" || last.isWhitespace { sql.removeLast() }
        text += sql + ";\n"
        statements += 1
    }
}
