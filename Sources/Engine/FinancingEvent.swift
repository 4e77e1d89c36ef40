import Financing
import HarbourCore

/// What margin financing changed (FIN-1..6), in the event stream and so in the journal's
/// audit trail. Amounts are settlement raw units, quantities raw units of the asset.
public enum FinancingEvent: Sendable, Hashable {
    case clientSet(account: AccountID, agreement: String, relatedGroup: String?, annualRate: Int64,
                   settlement: MarginClient.InterestSettlement, securitiesMarginLoans: Int64, by: String)
    case creditAssessed(account: AccountID, ruleLimit: Int64, approvedLimit: Int64, reviewDueAt: Int64, by: String)
    case loanOpened(loan: Int64, account: AccountID)
    case collateralPledged(loan: Int64, account: AccountID, asset: String, quantity: Int64, pledged: Int64)
    case collateralReleased(loan: Int64, account: AccountID, asset: String, quantity: Int64, pledged: Int64)
    case loanDrawn(loan: Int64, account: AccountID, amount: Int64, principal: Int64)
    case loanRepaid(loan: Int64, account: AccountID, amount: Int64, principal: Int64, accruedInterest: Int64)
    case collateralPriced(asset: String, price: Int64)
    case capitalSet(figure: Int64, by: String)
    /// A FIN-3 limit the book went over (`raised`) or back under without a drawdown — a
    /// market move, interest, a capital or haircut change — for the risk team at once, with
    /// the figure over the limit and the limit (settlement raw units, `ControlBreach.measured`).
    case controlBreach(code: String, subject: String, message: String, raised: Bool, value: Int64, limit: Int64)
    /// The daily FIN-3 control report: one limit's figure for one subject at the day's
    /// interest accrual (`LoanBook.controlUtilisation`): value and limit in settlement raw
    /// units, utilisation in 1e-8 units (rounded up), `applies` false below a minimum size.
    case controlUtilisation(ControlUtilisation)
    /// A four-eyes haircut change took effect (every loan holding the asset re-evaluated).
    case haircutSet(asset: String, haircut: Int64, by: String)
    /// Four-eyes FIN-3 limits took effect (the risk team's change; the reason is the request's).
    case limitsSet(FinancingLimitFigures, by: String)
    /// One scenario of the scheduled monthly loan-book stress test (FIN-6), run at the first
    /// command of each UTC month: totals in settlement raw units, shares of the broker's
    /// capital in 1e-8 units (rounded up).
    case stressTested(scenario: String, clients: Int64, loansUnderWater: Int64, marginShortfall: Int64, uncoveredLoss: Int64,
                      capital: Int64, capitalAtRiskShare: Int64, shortfallShareOfCapital: Int64)
    /// A margin notice to the client (early warning, call, call met, forced sale, fill,
    /// unsecured shortfall) with the margin value and loan it was judged on.
    case notice(MarginNotice)
    /// A forced sale of a virtual asset went to the spot book as an IOC sell within the
    /// price-protection band: the order and what it sold.
    case forcedSaleOrder(instruction: Int64, loan: Int64, account: AccountID, asset: String, quantity: Int64,
                         limitPrice: Int64, order: Int64, filled: Int64, proceeds: Int64)
}
