import Compliance
import HarbourCore
import Ledger
import Risk

/// A fill between a resting (maker) and an incoming (taker) order.
public struct Trade: Sendable, Hashable {
    public let instrument: InstrumentID
    public let price: Int64
    public let quantity: Int64
    public let makerOrderId: OrderID
    public let takerOrderId: OrderID
    public let makerAccount: AccountID
    public let takerAccount: AccountID
    public let takerSide: Side
    /// Signed: positive is paid by the client, negative a rebate to it (asset units).
    public let makerFee: Int64
    public let takerFee: Int64
}

/// The end of an order's life other than a fill: cancelled by its owner or expired by a rule.
public struct OrderEnd: Sendable, Hashable {
    public let orderId: OrderID
    public let account: AccountID
    public let instrument: InstrumentID
    public let clientOrderId: String?
    /// Why: "IOC", "FOK", "STP", "REDUCE_ONLY", "MARKET_PROTECTION", "USER", "MASS_CANCEL".
    public let reason: String
    /// Quantity left unfilled when it ended.
    public let remaining: Int64
}

/// A liquidation step (RISK-4): the account was below maintenance and `size` of its
/// position is being closed (`partial`: down one risk tier; otherwise all of it).
/// Equity and maintenance margin are those of the cross pool (or of the isolated position)
/// when the step started.
public struct LiquidationEvent: Sendable, Hashable {
    public let account: AccountID
    public let instrument: InstrumentID
    public let size: Int64
    public let markPrice: Int64
    public let equity: Int64
    public let maintenanceMargin: Int64
    public let partial: Bool
}

/// Something that happened, in the order it happened (PERP-5). Events are the only
/// output of the engine: read models, streams and the audit trail are built from them.
public enum Event: Sendable, Hashable {
    case accountOpened(account: AccountID, group: UInt32)
    case accepted(orderId: OrderID, account: AccountID, instrument: InstrumentID, clientOrderId: String?)
    case rejected(Rejection, account: AccountID?, orderId: OrderID?, clientOrderId: String?)
    case trade(Trade)
    case canceled(OrderEnd)
    case expired(OrderEnd)
    case amended(orderId: OrderID, account: AccountID, instrument: InstrumentID, price: Int64, quantity: Int64, clientOrderId: String?)
    case triggered(orderId: OrderID, account: AccountID, instrument: InstrumentID, clientOrderId: String?)
    /// The position after the command: signed size and exact cost (Σ signed price × size
    /// in raw product units; entry price = cost / size).
    case position(account: AccountID, instrument: InstrumentID, size: Int64, cost: Int64, isolatedMargin: Int64)
    /// A client's cash balance after the command.
    case balance(account: AccountID, asset: String, amount: Int64)
    case leverage(account: AccountID, instrument: InstrumentID, leverage: Int64)
    case marginMode(account: AccountID, instrument: InstrumentID, isolated: Bool)
    case mark(instrument: InstrumentID, price: Int64)
    case instrumentStatus(instrument: InstrumentID, status: InstrumentStatus)
    /// One double-entry movement on the ledger.
    case posting(Posting)
    /// An index computation (PRICE-1): price (held when degraded) and every source's fate.
    case index(instrument: InstrumentID, result: IndexResult)
    /// The parts of a new index-driven mark (PRICE-2); followed by `mark`.
    case markComponents(instrument: InstrumentID, components: MarkPriceComponents)
    /// A funding settlement (PRICE-3).
    case funding(FundingEvent)
    /// Matching paused (cancel-only) by a volatility interruption (PRICE-4).
    case volatilityInterruption(VolatilityInterruptionEvent)
    /// The cool-off of a volatility interruption has passed.
    case volatilityResumed(instrument: InstrumentID)
    /// An account below maintenance margin is being liquidated (RISK-4).
    case liquidation(LiquidationEvent)
    /// The insurance fund covered a loss beyond an account's equity.
    case insurancePayout(account: AccountID, amount: Int64)
    /// Auto-deleveraging: `quantity` of the bankrupt `account`'s position closed against
    /// `counterparty`'s opposite position at the bankruptcy `price`.
    case adl(account: AccountID, counterparty: AccountID, instrument: InstrumentID, quantity: Int64, price: Int64)
    /// A platform risk alert raised or cleared (RISK-6).
    case riskAlert(RiskAlert)
    /// One stress scenario of the periodic risk sweep (RISK-6).
    case stressTest(StressTestResult)
    /// An instrument's volatility, margin add-on and open interest, from the risk sweep.
    case riskMetrics(RiskMetrics)
    /// An account's auto-deleveraging quintile on an instrument changed (RISK-4):
    /// 5 = first in line, 1 = last. Published by the risk sweep to the account.
    case adlRank(account: AccountID, instrument: InstrumentID, rank: Int)
    /// The insurance fund's balance after an operator top-up.
    case insuranceFund(balance: Int64)
    /// Onboarding, suitability, disclosure, four-eyes and market-maker records (PI, REG-4, MM-1).
    case compliance(ComplianceEvent)
    /// Margin financing: clients, credit, loans, collateral, notices, forced sales (FIN-1..6).
    case financing(FinancingEvent)
}
