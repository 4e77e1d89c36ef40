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

    public init(symbols: [String], owners: [String: String] = [:], marketMakers: [String: [MarketMakerTerms]] = [:],
                policy: SurveillancePolicy = SurveillancePolicy(), accountNames: [String] = []) {
        self.symbols = symbols
        self.owners = owners
        self.marketMakers = marketMakers
        self.policy = policy
        self.accountNames = accountNames
    }
}
