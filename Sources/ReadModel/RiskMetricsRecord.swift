import GRDB

/// An instrument's risk measures from one risk sweep (RISK-6): EWMA volatility per
/// sampling period, the margin add-on in force, open interest (Σ long sizes) and the
/// number of returns folded into the volatility. Decimal strings.
public struct RiskMetricsRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var seq: UInt64
    public var idx: Int
    public var ts: Int64
    public var symbol: String
    public var volatility: String
    public var marginAddOn: String
    public var openInterest: String
    public var samples: Int64

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
