import GRDB

/// One movement of the insurance fund in `asset`, from a ledger posting: `change` is
/// signed (into the fund positive), `balance` the fund after it, `reason` the posting's
/// ("insuranceTopUp", "liquidationFee", "insurancePayout", ...). Decimal strings.
public struct InsuranceFundRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var asset: String
    public var seq: UInt64
    public var idx: Int
    public var ts: Int64
    public var change: String
    public var balance: String
    public var reason: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
