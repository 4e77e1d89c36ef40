import GRDB

/// The insurance fund covering `amount` (decimal string, settlement asset) of an
/// account's loss beyond its equity during a liquidation (RISK-4).
public struct InsurancePayoutRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var seq: UInt64
    public var idx: Int
    public var ts: Int64
    public var account: String
    public var amount: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
