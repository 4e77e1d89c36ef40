import ReadModel

/// One order in a client's history (REST `GET /v1/orders/history`). Money, prices and
/// sizes are decimal strings. `price` is nil (left out of the JSON) for market orders, and
/// `price` and `qty` for an order whose placing command the read model does not have
/// (one the venue placed, such as a liquidation order): never an empty string.
public struct OrderHistoryRecord: Sendable, Codable, Hashable {
    public var orderId: String
    public var clientOrderId: String?
    public var symbol: String
    public var side: String
    public var orderType: String
    public var price: String?
    public var qty: String?
    public var filledQty: String
    public var status: String
    public var createdAt: String
    public var updatedAt: String

    public init(orderId: String, clientOrderId: String?, symbol: String, side: String, orderType: String, price: String?,
                qty: String?, filledQty: String, status: String, createdAt: String, updatedAt: String) {
        self.orderId = orderId
        self.clientOrderId = clientOrderId
        self.symbol = symbol
        self.side = side
        self.orderType = orderType
        self.price = price
        self.qty = qty
        self.filledQty = filledQty
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One of a client's fills (REST `GET /v1/trades/history`).
public struct TradeHistoryRecord: Sendable, Codable, Hashable {
    public var sequence: String
    public var orderId: String
    public var symbol: String
    public var side: String
    public var price: String
    public var qty: String
    public var fee: String
    public var liquidity: String
    public var timestamp: String

    public init(sequence: String, orderId: String, symbol: String, side: String, price: String, qty: String,
                fee: String, liquidity: String, timestamp: String) {
        self.sequence = sequence
        self.orderId = orderId
        self.symbol = symbol
        self.side = side
        self.price = price
        self.qty = qty
        self.fee = fee
        self.liquidity = liquidity
        self.timestamp = timestamp
    }
}

/// One cash movement of a client (REST `GET /v1/ledger`).
public struct LedgerRecord: Sendable, Codable, Hashable {
    public var sequence: String
    public var asset: String
    public var amount: String
    public var reason: String
    public var balanceAfter: String
    public var timestamp: String

    public init(sequence: String, asset: String, amount: String, reason: String, balanceAfter: String, timestamp: String) {
        self.sequence = sequence
        self.asset = asset
        self.amount = amount
        self.reason = reason
        self.balanceAfter = balanceAfter
        self.timestamp = timestamp
    }
}

/// A window on history: an optional symbol, a time range (ms since the epoch, inclusive)
/// and a row limit.
public struct HistoryQuery: Sendable, Hashable {
    public var symbol: String?
    public var from: Int64?
    public var to: Int64?
    /// Only rows of commands after this journal sequence, oldest first (forward paging).
    public var afterSequence: Int64?
    public var limit: Int

    public init(symbol: String? = nil, from: Int64? = nil, to: Int64? = nil, afterSequence: Int64? = nil, limit: Int = 100) {
        self.symbol = symbol
        self.from = from
        self.to = to
        self.afterSequence = afterSequence
        self.limit = limit
    }
}

/// Where the gateway reads an account's history from. The SQLite read model conforms
/// to it; the gateway only ever asks for the authenticated account's own rows (MM-3).
public protocol HistoryProvider: Sendable {
    func orders(account: String, query: HistoryQuery) async throws -> [OrderHistoryRecord]
    /// One of `account`'s orders by id, or (with `orderId` nil) the newest placed with
    /// `clientOrderId`: an indexed lookup, whatever the account's history; nil when unknown.
    func order(account: String, orderId: Int64?, clientOrderId: String?) async throws -> OrderHistoryRecord?
    func trades(account: String, query: HistoryQuery) async throws -> [TradeHistoryRecord]
    func ledger(account: String, query: HistoryQuery) async throws -> [LedgerRecord]
    func fundingHistory(symbol: String, limit: Int) async throws -> [FundingHistoryRecord]
    func statement(account: String, from: Int64, to: Int64) async throws -> AccountStatement?
    /// Liquidation steps, insurance payouts and ADL fills involving `account` (RISK-4),
    /// newest first.
    func liquidations(account: String, query: HistoryQuery) async throws -> [LiquidationActivity]
    /// `account`'s last published ADL quintile (5 = first in line) per symbol.
    func adlRanks(account: String) async throws -> [String: Int]
    /// Platform risk alerts (RISK-6), newest first; nil when there is no read model.
    func riskAlerts(_ filter: RiskAlertFilter) async throws -> [RiskAlertRecord]?
    /// The regulatory report `name` for `day` (a business day or a range; REG-3); nil when there
    /// is no read model.
    func report(_ name: String, day: BusinessDay, options: ReportOptions) async throws -> ReportTable?
    /// The latest result of each stress scenario; nil when there is no read model.
    func stressTests() async throws -> [StressTestRecord]?
    /// The latest risk metrics per instrument; nil when there is no read model.
    func riskMetrics() async throws -> [RiskMetricsRecord]?
}

/// One settled funding of an instrument (REST `GET /v1/funding/{symbol}/history`).
public struct FundingHistoryRecord: Sendable, Codable, Hashable {
    public var symbol: String
    public var fundingTime: Int64
    public var rate: String
    public var premium: String
    public var interest: String
    public var markPrice: String
    public init(symbol: String, fundingTime: Int64, rate: String, premium: String, interest: String, markPrice: String) {
        self.symbol = symbol
        self.fundingTime = fundingTime
        self.rate = rate
        self.premium = premium
        self.interest = interest
        self.markPrice = markPrice
    }
}

/// A client's statement for a time window (REST `GET /v1/statement`, RISK-5): opening and
/// closing cash, and what moved it, each a decimal string in the settlement asset.
public struct AccountStatement: Sendable, Codable, Hashable {
    public var account: String
    public var asset: String
    public var from: Int64
    public var to: Int64
    public var openingBalance: String
    public var deposits: String
    public var withdrawals: String
    public var fees: String
    public var realizedPnl: String
    public var funding: String
    public var otherNet: String
    public var closingBalance: String
    public var trades: Int
    public init(account: String, asset: String, from: Int64, to: Int64, openingBalance: String, deposits: String,
                withdrawals: String, fees: String, realizedPnl: String, funding: String, otherNet: String,
                closingBalance: String, trades: Int) {
        self.account = account
        self.asset = asset
        self.from = from
        self.to = to
        self.openingBalance = openingBalance
        self.deposits = deposits
        self.withdrawals = withdrawals
        self.fees = fees
        self.realizedPnl = realizedPnl
        self.funding = funding
        self.otherNet = otherNet
        self.closingBalance = closingBalance
        self.trades = trades
    }
}

extension HistoryProvider {
    /// No order history without a read model.
    public func order(account: String, orderId: Int64?, clientOrderId: String?) async throws -> OrderHistoryRecord? { nil }
    /// Settled funding of a symbol, newest first (none without a read model).
    public func fundingHistory(symbol: String, limit: Int) async throws -> [FundingHistoryRecord] { [] }
    /// A statement for [from, to) (nil without a read model).
    public func statement(account: String, from: Int64, to: Int64) async throws -> AccountStatement? { nil }
    /// No liquidation history without a read model.
    public func liquidations(account: String, query: HistoryQuery) async throws -> [LiquidationActivity] { [] }
    /// No published ranks without a read model.
    public func adlRanks(account: String) async throws -> [String: Int] { [:] }
    /// Not available without a read model.
    public func riskAlerts(_ filter: RiskAlertFilter) async throws -> [RiskAlertRecord]? { nil }
    /// Not available without a read model.
    public func report(_ name: String, day: BusinessDay, options: ReportOptions) async throws -> ReportTable? { nil }
    /// Not available without a read model.
    public func stressTests() async throws -> [StressTestRecord]? { nil }
    /// Not available without a read model.
    public func riskMetrics() async throws -> [RiskMetricsRecord]? { nil }
}

/// A history provider with nothing in it (until the read model is wired in).
public struct EmptyHistoryProvider: HistoryProvider {
    public init() {}
    public func orders(account: String, query: HistoryQuery) async throws -> [OrderHistoryRecord] { [] }
    public func trades(account: String, query: HistoryQuery) async throws -> [TradeHistoryRecord] { [] }
    public func ledger(account: String, query: HistoryQuery) async throws -> [LedgerRecord] { [] }
}
