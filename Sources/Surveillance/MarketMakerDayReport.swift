import Compliance

/// One affiliated market maker's presence on one contract over one UTC day (MM-4):
/// the meter's figures with the account and the minimum it was measured against.
public struct MarketMakerDayReport: Sendable, Hashable, Codable {
    public let account: String
    /// The UTC day as YYYY-MM-DD.
    public let date: String
    public let minPresenceBps: Int64
    public let report: MarketMakerPresenceMeter.DayReport
    /// The day's re-quotes after volatility interruptions.
    public let requotes: RequoteTally

    public init(account: String, date: String, minPresenceBps: Int64, report: MarketMakerPresenceMeter.DayReport,
                requotes: RequoteTally = RequoteTally()) {
        self.account = account
        self.date = date
        self.minPresenceBps = minPresenceBps
        self.report = report
        self.requotes = requotes
    }
}
