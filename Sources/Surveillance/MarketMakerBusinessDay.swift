import Compliance

/// One affiliated market maker on one contract over one business day (REG-3 `mm-obligations`;
/// MM-4): its presence measured over the business day's window (local midnight to midnight at
/// the projection's business-day offset, HKT by default, unlike the UTC days of
/// `MarketMakerDayReport` that drive the breach alerts), and the trading it took part in next
/// to the contract's whole trading in the same window.
public struct MarketMakerBusinessDay: Sendable, Hashable, Codable {
    public let account: String
    public let symbol: String
    /// The business day as YYYY-MM-DD (local date at the offset).
    public let date: String
    /// False for the day still running: its figures stop at `presence.toMs` (the "as of" time).
    public let complete: Bool
    public let minPresenceBps: Int64
    /// The meter's figures over [fromMs, toMs) of the business day.
    public let presence: MarketMakerPresenceMeter.DayReport
    /// Trades in which the market maker was maker or taker (each trade once).
    public let marketMaker: TradedVolume
    /// Every trade of the contract in the same window.
    public let contract: TradedVolume
    /// The business day's re-quotes after volatility interruptions.
    public let requotes: RequoteTally

    public init(account: String, symbol: String, date: String, complete: Bool, minPresenceBps: Int64,
                presence: MarketMakerPresenceMeter.DayReport, marketMaker: TradedVolume, contract: TradedVolume,
                requotes: RequoteTally = RequoteTally()) {
        self.account = account
        self.symbol = symbol
        self.date = date
        self.complete = complete
        self.minPresenceBps = minPresenceBps
        self.presence = presence
        self.marketMaker = marketMaker
        self.contract = contract
        self.requotes = requotes
    }
}
