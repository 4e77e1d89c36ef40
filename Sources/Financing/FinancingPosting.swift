import HarbourCore

/// A book of the financing ledger. Client money and client assets are separate from the
/// broker's books; `external` is the outside world (deposits, the spot book or the
/// securities desk on the other side of a forced sale).
public enum FinancingBook: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// A client's free balance of an asset (cash or collateral not pledged).
    case clientFree(account: UInt32, asset: String)
    /// Collateral pledged to a loan: it leaves only by release or forced sale.
    case pledged(loan: Int64, asset: String)
    /// Principal owed on a loan: the broker's receivable, funded by the broker. Its
    /// balance is negative by what the broker has lent and the client owes.
    case loanPrincipal(loan: Int64, asset: String)
    /// Interest accrued and not yet capitalised or paid (negative: owed).
    case accruedInterest(loan: Int64, asset: String)
    /// The broker's interest income (accrued, rounded up, see `InterestAccrual`).
    case brokerInterestIncome(asset: String)
    /// The outside world for an asset.
    case external(asset: String)

    public var description: String {
        switch self {
        case let .clientFree(account, asset): return "client:\(account):free:\(asset)"
        case let .pledged(loan, asset): return "loan:\(loan):pledged:\(asset)"
        case let .loanPrincipal(loan, asset): return "loan:\(loan):principal:\(asset)"
        case let .accruedInterest(loan, asset): return "loan:\(loan):accrued-interest:\(asset)"
        case let .brokerInterestIncome(asset): return "broker:interest-income:\(asset)"
        case let .external(asset): return "external:\(asset)"
        }
    }

    /// The asset the book holds.
    public var asset: String {
        switch self {
        case let .clientFree(_, asset), let .pledged(_, asset), let .loanPrincipal(_, asset), let .accruedInterest(_, asset),
             let .brokerInterestIncome(asset), let .external(asset):
            return asset
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.description < b.description }
}

/// Why a posting was made: stable codes for the ledger and reports (FIN-2, FIN-4, FIN-5).
public enum FinancingPostingReason: String, Sendable, Hashable, CaseIterable {
    case deposit = "DEPOSIT"
    case pledge = "PLEDGE"
    case release = "RELEASE"
    case drawdown = "DRAWDOWN"
    case interestAccrual = "INTEREST_ACCRUAL"
    case interestCapitalised = "INTEREST_CAPITALISED"
    case interestPaid = "INTEREST_PAID"
    case repayment = "REPAYMENT"
    case forcedSaleDelivery = "FORCED_SALE_DELIVERY"
    case forcedSaleProceeds = "FORCED_SALE_PROCEEDS"
}

/// One double-entry movement of `amount` (> 0, raw units of `asset`) from one book to
/// another. Postings of one asset always sum to zero over all books.
public struct FinancingPosting: Sendable, Hashable {
    public let from: FinancingBook
    public let to: FinancingBook
    public let asset: String
    public let amount: Int64
    public let reason: FinancingPostingReason

    public init(from: FinancingBook, to: FinancingBook, asset: String, amount: Int64, reason: FinancingPostingReason) {
        precondition(amount > 0, "posting amounts are positive; direction carries the sign")
        precondition(from.asset == asset && to.asset == asset, "a posting moves one asset between books of that asset")
        self.from = from
        self.to = to
        self.asset = asset
        self.amount = amount
        self.reason = reason
    }
}

/// The financing ledger: a balance per (book, asset), changed only by postings. The
/// engine's ledger will take these postings once financing is wired (docs/FINANCING.md).
public struct FinancingLedger: Sendable, Hashable {
    public internal(set) var balances: [FinancingBook: Int64] = [:]
    /// The postings since the last `takePostings()`, in order (the engine drains them onto
    /// its own ledger after every operation).
    public internal(set) var postings: [FinancingPosting] = []

    public init() {}

    public func balance(_ book: FinancingBook) -> Int64 { balances[book] ?? 0 }

    /// The postings made since the last call, in order; the list is then empty.
    public mutating func takePostings() -> [FinancingPosting] {
        defer { postings.removeAll(keepingCapacity: true) }
        return postings
    }

    mutating func post(_ from: FinancingBook, _ to: FinancingBook, asset: String, _ amount: Int64, _ reason: FinancingPostingReason) {
        guard amount != 0 else { return }
        precondition(amount > 0, "posting amounts are positive")
        balances[from, default: 0] -= amount
        balances[to, default: 0] += amount
        postings.append(FinancingPosting(from: from, to: to, asset: asset, amount: amount, reason: reason))
    }

    /// Σ of every book's balance per asset (all zero when the ledger is sound).
    public func sumPerAsset() -> [String: Int64] {
        var sums: [String: Int64] = [:]
        for (book, balance) in balances { sums[book.asset, default: 0] += balance }
        return sums
    }
}
