import GRDB

/// One liquidation step of an account (RISK-4): `size` of its position on `symbol` (the
/// position before the step) was put up for closing because equity was below maintenance
/// at `markPrice`; `stage` is "partial" (one risk tier down) or "full". Decimal strings.
public struct LiquidationRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var seq: UInt64
    public var idx: Int
    public var ts: Int64
    public var account: String
    public var symbol: String
    public var size: String
    public var markPrice: String
    public var equity: String
    public var maintenanceMargin: String
    public var stage: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
