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

    public init(symbols: [String], owners: [String: String] = [:], marketMakers: [String: [MarketMakerTerms]] = [:],
                policy: SurveillancePolicy = SurveillancePolicy(), accountNames: [String] = [],
                businessDayOffsetMinutes: Int = 480) {
        self.symbols = symbols
        self.owners = owners
        self.marketMakers = marketMakers
        self.policy = policy
        self.accountNames = accountNames
        self.businessDayOffsetMinutes = businessDayOffsetMinutes
    }
}
