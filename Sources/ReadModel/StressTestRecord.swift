import GRDB

/// One stress scenario of a risk sweep (RISK-6): every mark moved by `scenario` (a
/// fraction, "-0.3"), the accounts' losses beyond equity (`shortfall`) against the
/// insurance fund, and what the fund could not cover (`uncovered`, then ADL).
public struct StressTestRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var seq: UInt64
    public var idx: Int
    public var ts: Int64
    public var scenario: String
    public var shortfall: String
    public var insuranceFund: String
    public var uncovered: String
    public var accountsInShortfall: Int64

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
