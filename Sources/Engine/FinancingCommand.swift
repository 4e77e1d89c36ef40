import Financing
import HarbourCore

/// A client's declared financial position (FIN-1), settlement raw units, all as of one
/// date: what staff record before approving a credit limit.
public struct DeclaredFigures: Sendable, Hashable {
    public var netWorthFiat: Int64
    public var netWorthNonFiat: Int64
    public var liquidFiat: Int64
    public var liquidNonFiat: Int64
    public var annualIncome: Int64
    public var liabilities: Int64
    public var asOf: Int64

    public init(netWorthFiat: Int64, netWorthNonFiat: Int64, liquidFiat: Int64, liquidNonFiat: Int64, annualIncome: Int64,
                liabilities: Int64, asOf: Int64) {
        self.netWorthFiat = netWorthFiat
        self.netWorthNonFiat = netWorthNonFiat
        self.liquidFiat = liquidFiat
        self.liquidNonFiat = liquidNonFiat
        self.annualIncome = annualIncome
        self.liabilities = liabilities
        self.asOf = asOf
    }

    /// The six figures in declaration order (codecs and events).
    public var figures: [Int64] { [netWorthFiat, netWorthNonFiat, liquidFiat, liquidNonFiat, annualIncome, liabilities] }
}

/// Margin financing against BTC/ETH and securities collateral (FIN-1..6), as the engine
/// takes it: staff records and decisions, the client's loan operations, reference prices
/// and the securities desk's forced-sale fills. Amounts are settlement raw units, quantities
/// raw units of the asset's scale, loans and instructions by their engine-given number.
public enum FinancingCommand: Sendable, Hashable {
    /// Staff: makes `account` a margin client under its securities-margin agreement (or
    /// updates it): related-client group, annual rate (1e-8), interest settlement, and the
    /// securities margin loans it already has (they count against the same credit limit).
    case setClient(account: AccountID, agreement: String, relatedGroup: String?, annualRate: Int64,
                   settlement: MarginClient.InterestSettlement, securitiesMarginLoans: Int64, by: String)
    /// Staff: a credit assessment approving `limit`, within the configured rule (FIN-1).
    case assessCredit(account: AccountID, declared: DeclaredFigures, limit: Int64, reviewDueAt: Int64, by: String)
    /// Client: opens a loan account (no money moves until a drawdown).
    case openLoan(account: AccountID)
    /// Client: pledges free units of a collateral asset to its loan (FIN-2).
    case pledge(account: AccountID, loan: Int64, asset: String, quantity: Int64)
    /// Client: releases pledged collateral, refused when the loan would be under-margined.
    case release(account: AccountID, loan: Int64, asset: String, quantity: Int64)
    /// Client: draws cash on the loan, after eligibility and the seven controls (FIN-3, FIN-4).
    case drawdown(account: AccountID, loan: Int64, amount: Int64)
    /// Client: repays from free cash, interest first (FIN-4).
    case repay(account: AccountID, loan: Int64, amount: Int64)
    /// Operator: the reference price of a listed-security collateral asset (settlement raw
    /// units per whole unit). BTC and ETH are priced by the engine's index instead.
    case collateralPrice(asset: String, price: Int64)
    /// Finance: the broker's capital figure (FIN-3); virtual assets count for nothing in it.
    case brokerCapital(fiat: Int64, securities: Int64, virtualAssets: Int64, by: String)
    /// Securities desk: what a forced-sale instruction sold and the net proceeds (FIN-5).
    case forcedSaleFill(instruction: Int64, quantity: Int64, proceeds: Int64)

    /// The account the command acts for (nil for venue-wide commands).
    public var account: AccountID? {
        switch self {
        case let .setClient(a, _, _, _, _, _, _), let .assessCredit(a, _, _, _, _), let .openLoan(a), let .pledge(a, _, _, _),
             let .release(a, _, _, _), let .drawdown(a, _, _), let .repay(a, _, _):
            return a
        case .collateralPrice, .brokerCapital, .forcedSaleFill:
            return nil
        }
    }
}
