/// Statements written out with literal values and sent as one anonymous code block
/// (`DO $tag$ BEGIN ... END $tag$`, one statement of the extended protocol, which is all
/// PostgresNIO speaks), so the writes of a whole batch of outcomes — one multi-row `INSERT`
/// per table (`TableRows`) — are one round trip to the server. Values are made literal by
/// `SQLValue.literal()`.
struct SQLScript {
    private(set) var text = ""
    private(set) var statements = 0

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
