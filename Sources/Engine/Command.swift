import HarbourCore
import Matching

/// How a command names an existing order: by engine id or by the client's own id.
public enum OrderRef: Sendable, Hashable {
    case id(OrderID)
    case client(String)
}

/// A new order, validated by the engine (PERP-2, RISK-2). Prices and sizes are raw
/// units of the instrument's scales; `price` is 0 for market kinds, `stopPrice` 0 for
/// non-conditional kinds.
public struct PlaceOrder: Sendable, Hashable {
    public var account: AccountID
    public var instrument: InstrumentID
    public var side: Side
    public var type: OrderType
    public var timeInForce: TimeInForce
    public var price: Int64
    public var quantity: Int64
    public var stopPrice: Int64
    public var trigger: TriggerSource
    public var reduceOnly: Bool
    public var stp: SelfTradePrevention
    public var clientOrderId: String?

    public init(account: AccountID, instrument: InstrumentID, side: Side, type: OrderType = .limit,
                timeInForce: TimeInForce = .gtc, price: Int64 = 0, quantity: Int64, stopPrice: Int64 = 0,
                trigger: TriggerSource = .mark, reduceOnly: Bool = false,
                stp: SelfTradePrevention = .expireTaker, clientOrderId: String? = nil) {
        self.account = account
        self.instrument = instrument
        self.side = side
        self.type = type
        self.timeInForce = timeInForce
        self.price = price
        self.quantity = quantity
        self.stopPrice = stopPrice
        self.trigger = trigger
        self.reduceOnly = reduceOnly
        self.stp = stp
        self.clientOrderId = clientOrderId
    }
}

/// Everything that can change engine state (PERP-5). Commands arrive in one ordered
/// stream, each with its timestamp; the engine reads no clock and no randomness.
public enum Command: Sendable, Hashable {
    case openAccount(name: String, group: String?, feeTier: String?)
    case deposit(account: AccountID, asset: String, amount: Int64)
    case withdraw(account: AccountID, asset: String, amount: Int64)
    case setLeverage(account: AccountID, instrument: InstrumentID, leverage: Int64)
    case setMarginMode(account: AccountID, instrument: InstrumentID, isolated: Bool)
    case placeOrder(PlaceOrder)
    /// New `price` and/or new total `quantity` (filled part included).
    case amendOrder(account: AccountID, instrument: InstrumentID, order: OrderRef, price: Int64?, quantity: Int64?)
    case cancelOrder(account: AccountID, instrument: InstrumentID, order: OrderRef)
    case cancelAll(account: AccountID, instrument: InstrumentID?)
    /// The mark price in force from this command on.
    case markPrice(instrument: InstrumentID, price: Int64)
    /// Operator: enable, restrict to cancel-only (reduce-only orders still allowed), or disable.
    case setInstrumentStatus(instrument: InstrumentID, status: InstrumentStatus)
    /// A spot price from one index source (PRICE-1) for the perpetual `instrument`,
    /// observed at the command's timestamp. Raw units of the instrument's price scale.
    case indexPrice(instrument: InstrumentID, source: String, price: Int64)
    /// Lets time pass: only the time-driven work due at the timestamp runs (mark basis
    /// and premium sampling, funding, volatility-interruption expiry). Sent every second.
    case tick
    /// Operator: tops up the insurance fund from outside the venue (RISK-4).
    case insuranceDeposit(asset: String, amount: Int64)
    /// Onboarding, suitability, disclosures, four-eyes decisions, market-maker registration.
    case compliance(ComplianceCommand)
    /// Margin financing: staff records, loan operations, prices, forced-sale fills (FIN-1..6).
    case financing(FinancingCommand)
    /// A command the edge could not even decode into the above (unknown account or
    /// symbol, malformed number): the engine answers it with a rejection and changes
    /// nothing, so the refusal is ordered and journaled like any other outcome.
    case invalid(Rejection, clientOrderId: String?)
}
