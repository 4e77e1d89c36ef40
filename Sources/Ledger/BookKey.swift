import HarbourCore

/// Whose money a ledger book holds. Client money and house money are separate books
/// (RISK-5); `external` books are the outside world's side of deposits and withdrawals.
public enum BookOwner: UInt8, Sendable, Hashable {
    case client, house, external
}

/// Names one ledger book. Every amount of money in the venue sits in exactly one book.
public enum BookKey: Sendable, Hashable, CustomStringConvertible {
    /// A client's cash (wallet) balance in a settlement asset.
    case clientCash(account: UInt32, asset: String)
    /// A client's asset locked by its open spot orders (SPOT-1): quote for buys (price and
    /// the most fee they may pay), base for sells. Client money, out of reach of margin and
    /// withdrawals until the order fills, is cancelled or expires.
    case clientLocked(account: UInt32, asset: String)
    /// Margin a client has locked into one isolated position.
    case clientIsolatedMargin(account: UInt32, instrument: UInt16)
    /// The counterpart of all open positions' unrealised PnL in one settlement asset:
    /// realised PnL is paid from and to it. It holds client money only, and always
    /// equals the sum of open positions' PnL at their trade prices (−Σ position cost).
    case positionsPool(asset: String)
    /// Transit book of one funding settlement (PRICE-3): payers' funding comes in,
    /// receivers' goes out, the rounding residue moves on to `houseRounding`, so it is
    /// back to exactly zero after every settlement. Client money in transit.
    case fundingClearing(asset: String)
    /// Trading fees earned by the house.
    case houseFees(asset: String)
    /// The insurance fund.
    case insuranceFund(asset: String)
    /// Rounding residue: every unit rounding leaves over is booked here, never lost.
    case houseRounding(asset: String)
    /// The outside world: deposits come from here, withdrawals go there.
    case external(asset: String)
    /// Collateral pledged to a margin loan (FIN-2): client assets, out of reach of trading
    /// and withdrawals; they leave only by release or forced sale.
    case loanCollateral(loan: Int64, asset: String)
    /// Principal owed on a margin loan (FIN-4): the broker's receivable, negative by what it lent.
    case loanPrincipal(loan: Int64, asset: String)
    /// Interest accrued on a loan and not yet paid or capitalised (negative: owed).
    case loanInterest(loan: Int64, asset: String)
    /// The broker's interest income from margin financing.
    case interestIncome(asset: String)

    public var owner: BookOwner {
        switch self {
        case .clientCash, .clientLocked, .clientIsolatedMargin, .positionsPool, .fundingClearing, .loanCollateral: return .client
        case .houseFees, .insuranceFund, .houseRounding, .loanPrincipal, .loanInterest, .interestIncome: return .house
        case .external: return .external
        }
    }

    /// The asset the book holds; nil for isolated margin, which is in the settlement asset.
    public var asset: String? {
        switch self {
        case let .clientCash(_, a), let .clientLocked(_, a), let .positionsPool(a), let .fundingClearing(a),
             let .houseFees(a), let .insuranceFund(a), let .houseRounding(a), let .external(a),
             let .loanCollateral(_, a), let .loanPrincipal(_, a), let .loanInterest(_, a), let .interestIncome(a): return a
        case .clientIsolatedMargin: return nil
        }
    }

    public var description: String {
        switch self {
        case .clientCash(let a, let asset): return "client:\(a):cash:\(asset)"
        case .clientLocked(let a, let asset): return "client:\(a):locked:\(asset)"
        case .clientIsolatedMargin(let a, let i): return "client:\(a):isolated:\(i)"
        case .positionsPool(let asset): return "client:positions-pool:\(asset)"
        case .fundingClearing(let asset): return "client:funding-clearing:\(asset)"
        case .houseFees(let asset): return "house:fees:\(asset)"
        case .insuranceFund(let asset): return "house:insurance:\(asset)"
        case .houseRounding(let asset): return "house:rounding:\(asset)"
        case .external(let asset): return "external:\(asset)"
        case .loanCollateral(let loan, let asset): return "client:loan:\(loan):collateral:\(asset)"
        case .loanPrincipal(let loan, let asset): return "house:loan:\(loan):principal:\(asset)"
        case .loanInterest(let loan, let asset): return "house:loan:\(loan):interest:\(asset)"
        case .interestIncome(let asset): return "house:interest-income:\(asset)"
        }
    }
}
