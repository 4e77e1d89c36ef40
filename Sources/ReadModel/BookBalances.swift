import GRDB

/// The running balance of every ledger book in the read model, carried from posting to
/// posting: each `posting` row records the balance of its `from` and `to` book right
/// after it (`from_balance_after`, `to_balance_after`), and `book_balances` holds the
/// latest one. A book's balance is the sum of what was posted into it minus what was
/// posted out of it since the first outcome — the same figure as the engine's ledger
/// (books start at zero and change only by postings), as an exact decimal string.
struct BookBalances {
    let db: Database

    /// The current balance of `book` (zero for a book never posted to).
    func balance(_ book: String) throws -> DecimalText {
        guard let text = try String.fetchOne(db.cachedStatement(sql: "SELECT balance FROM book_balances WHERE book = ?"),
                                             arguments: [book]) else { return .zero }
        guard let v = DecimalText(text) else { throw ReadModelError.malformedLine(sequence: 0, line: "book balance \(text) of \(book)") }
        return v
    }

    /// Moves `amount` from `from` to `to`; returns both books' balances afterwards.
    func post(_ amount: DecimalText, from: String, to: String) throws -> (from: DecimalText, to: DecimalText) {
        let fromAfter = try balance(from) - amount
        try set(from, fromAfter)
        let toAfter = try balance(to) + amount // same book: back to where it was
        try set(to, toAfter)
        return (fromAfter, toAfter)
    }

    private func set(_ book: String, _ value: DecimalText) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO book_balances (book, balance) VALUES (?, ?)")
            .execute(arguments: [book, value.description])
    }

    /// Fills the running balances of postings projected before they were recorded
    /// (migration v4), in ledger order.
    static func backfill(_ db: Database) throws {
        let books = BookBalances(db: db)
        let rows = try Row.fetchAll(db, sql: "SELECT seq, idx, from_book, to_book, amount FROM postings ORDER BY seq, idx")
        for r in rows {
            guard let amount = DecimalText(r["amount"] as String) else { continue }
            let (f, t) = try books.post(amount, from: r["from_book"], to: r["to_book"])
            try db.execute(sql: "UPDATE postings SET from_balance_after = ?, to_balance_after = ? WHERE seq = ? AND idx = ?",
                           arguments: [f.description, t.description, r["seq"] as Int64, r["idx"] as Int64])
        }
    }
}
