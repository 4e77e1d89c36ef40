import GRDB

/// An account's last published auto-deleveraging quintile on one instrument (RISK-4):
/// 5 = first in line to be deleveraged, 1 = last.
public struct AdlRankRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var account: String
    public var symbol: String
    public var rank: Int
    public var updatedSeq: UInt64
    public var updatedTs: Int64

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
