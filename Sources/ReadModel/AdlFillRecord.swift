import GRDB

/// An auto-deleveraging fill (RISK-4): `qty` of the bankrupt `account`'s position closed
/// against `counterparty`'s opposite position at the bankruptcy `price`.
public struct AdlFillRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var seq: UInt64
    public var idx: Int
    public var ts: Int64
    public var account: String
    public var counterparty: String
    public var symbol: String
    public var qty: String
    public var price: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
