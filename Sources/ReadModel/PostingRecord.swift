import GRDB

/// One ledger movement: `amount` (a positive decimal string) left `fromBook` for
/// `toBook` because of `reason` ("deposit", "fee", "realizedPnl", ...). `fromAccount` /
/// `toAccount` name the client owning each book, when a client does. `fromBalanceAfter` /
/// `toBalanceAfter` are each book's running balance right after this posting.
public struct PostingRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var seq: UInt64
    public var idx: Int
    public var ts: Int64
    public var fromBook: String
    public var toBook: String
    public var fromAccount: String?
    public var toAccount: String?
    public var amount: String
    public var reason: String
    public var fromBalanceAfter: String?
    public var toBalanceAfter: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
