import Logging
import PostgresNIO
import ReadModel

/// What a batch projection reads from the store before it projects, so that the events
/// themselves need no round trip (docs/DECISIONS.md 36): the stored orders that the
/// batch's trades, cancels, amends, triggers and rejections change, the running balances
/// of the books it posts to, the insurance fund's last balance per asset, the market
/// makers of the accounts whose orders it accepts, and the settings it changes. Read in the
/// projection's transaction, after `meta` is locked, so no other writer moves them.
struct ProjectionPrefetch {
    /// The keys a batch touches (collected from its events before anything is read).
    struct Keys {
        var orderIds: Set<Int64> = []
        var books: Set<String> = []
        var fundAssets: Set<String> = []
        var makerAccounts: Set<String> = []
        var settingsAccounts: Set<String> = []
    }

    /// A settings row (`leverage`, `margin_mode` are set by separate events).
    struct Settings {
        var leverage: String?
        var marginMode: String?
        var updatedSeq: Int64
    }

    /// A pair of names (account and symbol), a key of several tables.
    struct Pair: Hashable {
        let account: String
        let symbol: String
    }

    var orders: [Int64: ProjectedOrder] = [:]
    var books: [String: DecimalText] = [:]
    var fund: [String: DecimalText] = [:]
    var marketMakers: Set<Pair> = []
    var settings: [Pair: Settings] = [:]

    /// Reads everything `keys` names, one query per kind of key the batch has.
    static func load(_ keys: Keys, on c: PostgresConnection, logger: Logger) async throws -> ProjectionPrefetch {
        var p = ProjectionPrefetch()
        func rows(_ sql: String, _ values: [SQLValue]) async throws -> [PostgresRow] {
            try await PostgresSession.rows(c, sql, values, logger: logger)
        }
        if !keys.orderIds.isEmpty {
            for row in try await rows("SELECT \(ProjectedOrder.columns.joined(separator: ", ")) FROM orders WHERE order_id = ANY(?)",
                                      [.ints(Array(keys.orderIds))]) {
                let o = try ProjectedOrder(row: row)
                p.orders[o.orderId] = o
            }
        }
        if !keys.books.isEmpty {
            for row in try await rows("SELECT book, balance FROM book_balances WHERE book = ANY(?)", [.texts(Array(keys.books))]) {
                let (book, text) = try row.decode((String, String).self)
                guard let v = DecimalText(text) else { throw ReadModelError.malformedLine(sequence: 0, line: "book balance \(text) of \(book)") }
                p.books[book] = v
            }
        }
        if !keys.fundAssets.isEmpty {
            for row in try await rows("""
                SELECT DISTINCT ON (asset) asset, balance FROM insurance_fund WHERE asset = ANY(?) ORDER BY asset, seq DESC, idx DESC
                """, [.texts(Array(keys.fundAssets))]) {
                let (asset, text) = try row.decode((String, String).self)
                // As on SQLite: an unreadable stored balance counts as zero.
                p.fund[asset] = DecimalText(text) ?? .zero
            }
        }
        if !keys.makerAccounts.isEmpty {
            for row in try await rows("SELECT account, symbol FROM market_makers WHERE account = ANY(?)",
                                      [.texts(Array(keys.makerAccounts))]) {
                let (account, symbol) = try row.decode((String, String).self)
                p.marketMakers.insert(Pair(account: account, symbol: symbol))
            }
        }
        if !keys.settingsAccounts.isEmpty {
            for row in try await rows("SELECT account, symbol, leverage, margin_mode, updated_seq FROM settings WHERE account = ANY(?)",
                                      [.texts(Array(keys.settingsAccounts))]) {
                let (account, symbol, leverage, marginMode, updatedSeq) = try row.decode((String, String, String?, String?, Int64).self)
                p.settings[Pair(account: account, symbol: symbol)] = Settings(leverage: leverage, marginMode: marginMode,
                                                                             updatedSeq: updatedSeq)
            }
        }
        return p
    }
}
