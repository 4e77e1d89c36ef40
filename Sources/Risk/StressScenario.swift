import HarbourCore

/// A price-shock stress test of the perpetual book against the insurance fund (RISK-6):
/// every position's mark moves by `shock` (e.g. −30%), and each account's loss beyond its
/// equity — the shortfall the insurance fund would have to cover — is reported.
///
/// Rounding is adverse to the account (so the shortfall is never understated): the
/// shocked price is rounded down for longs and up for shorts, and PnL is rounded down.
public struct StressScenario: Sendable, Hashable {
    /// One open position of an account.
    public struct Position: Sendable, Hashable {
        public let quantity: Quantity
        public let entryPrice: Price
        /// Current mark price, the base of the shock.
        public let markPrice: Price
        public let notional: Notional
        public init(quantity: Quantity, entryPrice: Price, markPrice: Price, notional: Notional) {
            self.quantity = quantity
            self.entryPrice = entryPrice
            self.markPrice = markPrice
            self.notional = notional
        }
    }

    /// An account: wallet balance (collateral and realised PnL, excluding unrealised PnL)
    /// and its open positions.
    public struct Account: Sendable, Hashable {
        public let account: AccountID
        public let walletBalance: Amount
        public let positions: [Position]
        public init(account: AccountID, walletBalance: Amount, positions: [Position]) {
            self.account = account
            self.walletBalance = walletBalance
            self.positions = positions
        }
    }

    /// One account under the shock.
    public struct Outcome: Sendable, Hashable {
        public let account: AccountID
        /// Wallet balance + PnL of all positions at shocked prices.
        public let equityAfter: Amount
        /// `max(0, −equityAfter)`.
        public let shortfall: Amount
    }

    /// The scenario's result.
    public struct Result: Sendable, Hashable {
        public let shock: Rate
        /// Every account, in input order.
        public let outcomes: [Outcome]
        /// Σ shortfall.
        public let totalShortfall: Amount
        /// Accounts with a shortfall.
        public var accountsInShortfall: Int { outcomes.reduce(0) { $0 + ($1.shortfall.raw > 0 ? 1 : 0) } }
        /// Shortfall the insurance fund of size `fund` could not cover (then ADL).
        public func uncovered(insuranceFund fund: Amount) -> Amount {
            Amount(raw: max(0, totalShortfall.raw - fund.raw))
        }
    }

    /// Name shown to the risk team, e.g. "index −30%".
    public let name: String
    /// Relative price move, e.g. −30% = Rate(raw: −30_000_000); must be > −100%.
    public let shock: Rate

    public init(name: String, shock: Rate) {
        precondition(shock.raw > -Rate.one.raw, "a shock must leave a positive price")
        self.name = name
        self.shock = shock
    }

    /// `mark × (1 + shock)`, rounded against the holder of `quantity`.
    public func shockedPrice(_ mark: Price, for quantity: Quantity) -> Price {
        let p = Int128(mark.raw) * Int128(Rate.one.raw + shock.raw)
        return Price(raw: Int64(p.divided(by: Int128(Rate.one.raw), rounding: quantity.raw >= 0 ? .down : .up)))
    }

    /// Runs the scenario.
    public func run(_ accounts: [Account]) -> Result {
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(accounts.count)
        var total: Int64 = 0
        for a in accounts {
            var equity = Int128(a.walletBalance.raw)
            for p in a.positions {
                let shocked = shockedPrice(p.markPrice, for: p.quantity)
                equity += p.notional.value128(priceRaw: shocked.raw - p.entryPrice.raw, qtyRaw: p.quantity.raw,
                                              rounding: .down)
            }
            let eq = Int64(equity)
            let shortfall = max(0, -eq)
            total += shortfall
            outcomes.append(Outcome(account: a.account, equityAfter: Amount(raw: eq), shortfall: Amount(raw: shortfall)))
        }
        return Result(shock: shock, outcomes: outcomes, totalShortfall: Amount(raw: total))
    }
}
