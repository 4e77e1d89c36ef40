import GRDB

/// An account's position on one instrument after the last command that changed it:
/// signed `size`, `entryPrice` (display precision, see Engine's `EventEncoder`) and, for
/// isolated positions, the margin locked in them — all decimal strings.
public struct PositionRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var account: String
    public var symbol: String
    public var size: String
    public var entryPrice: String
    public var isolatedMargin: String?
    public var updatedSeq: UInt64
    public var updatedTs: Int64

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
