import Compliance
import HarbourCore

/// The read-only facts the surveillance projection needs besides the event stream:
/// the contracts' symbols (by instrument index, from the venue configuration), who owns
/// which account, which accounts are affiliated market makers and on what terms, and the
/// thresholds. Account names are learnt from `openAccount` commands; `accountNames` seeds
/// them for accounts opened before the projection started.
public struct SurveillanceContext: Sendable {
    /// Symbol per instrument index.
    public var symbols: [String]
    /// Decimals of the size scale per instrument index (perpetuals 3, BTC-USD 5, ETH-USD 4 in
    /// the default venue), so the large-order threshold is the same amount of the asset on a
    /// spot book as on a perpetual; an instrument without one is taken at the policy's scale.
    public var sizeDecimals: [Int]
    /// Account name → beneficial owner (an account absent here is its own owner).
    public var owners: [String: String]
    /// Affiliated market-maker account name → its terms, one per contract it quotes (MM-1, MM-4).
    public var marketMakers: [String: [MarketMakerTerms]]
    public var policy: SurveillancePolicy
    /// Names of accounts by index, for a projection that starts after they were opened.
    public var accountNames: [String]
    /// Minutes east of UTC of the business day the `mm-obligations` report is kept in
    /// (REG-3; 480, Hong Kong, like `BusinessDay.hktOffsetMinutes`). Alerts do not depend on it.
    public var businessDayOffsetMinutes: Int

    /// The context of a venue's markets (`VenueConfig.markets`: perpetuals, then spot books):
    /// their symbols and size scales.
    public init(markets: [InstrumentSpec], owners: [String: String] = [:], marketMakers: [String: [MarketMakerTerms]] = [:],
                policy: SurveillancePolicy = SurveillancePolicy(), accountNames: [String] = [],
                businessDayOffsetMinutes: Int = 480) {
        self.init(symbols: markets.map(\.symbol), sizeDecimals: markets.map(\.sizeScale.decimals), owners: owners,
                  marketMakers: marketMakers, policy: policy, accountNames: accountNames,
                  businessDayOffsetMinutes: businessDayOffsetMinutes)
    }

    public init(symbols: [String], sizeDecimals: [Int] = [], owners: [String: String] = [:], marketMakers: [String: [MarketMakerTerms]] = [:],
                policy: SurveillancePolicy = SurveillancePolicy(), accountNames: [String] = [],
                businessDayOffsetMinutes: Int = 480) {
        self.symbols = symbols
        self.sizeDecimals = sizeDecimals
        self.owners = owners
        self.marketMakers = marketMakers
        self.policy = policy
        self.accountNames = accountNames
        self.businessDayOffsetMinutes = businessDayOffsetMinutes
    }
}
