/// One order in a client's history (REST `GET /v1/orders/history`). Money, prices and
/// sizes are decimal strings.
public struct OrderHistoryRecord: Sendable, Codable, Hashable {
    public var orderId: String
    public var clientOrderId: String?
    public var symbol: String
    public var side: String
    public var orderType: String
    public var price: String
    public var qty: String
    public var filledQty: String
    public var status: String
    public var createdAt: String
    public var updatedAt: String

    public init(orderId: String, clientOrderId: String?, symbol: String, side: String, orderType: String, price: String,
                qty: String, filledQty: String, status: String, createdAt: String, updatedAt: String) {
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
    public var limit: Int

    public init(symbol: String? = nil, from: Int64? = nil, to: Int64? = nil, limit: Int = 100) {
        self.symbol = symbol
        self.from = from
        self.to = to
        self.limit = limit
    }
}

/// Where the gateway reads an account's history from. The SQLite read model conforms
/// to it; the gateway only ever asks for the authenticated account's own rows (MM-3).
public protocol HistoryProvider: Sendable {
    func orders(account: String, query: HistoryQuery) async throws -> [OrderHistoryRecord]
    func trades(account: String, query: HistoryQuery) async throws -> [TradeHistoryRecord]
    func ledger(account: String, query: HistoryQuery) async throws -> [LedgerRecord]
}

/// A history provider with nothing in it (until the read model is wired in).
public struct EmptyHistoryProvider: HistoryProvider {
    public init() {}
    public func orders(account: String, query: HistoryQuery) async throws -> [OrderHistoryRecord] { [] }
    public func trades(account: String, query: HistoryQuery) async throws -> [TradeHistoryRecord] { [] }
    public func ledger(account: String, query: HistoryQuery) async throws -> [LedgerRecord] { [] }
}
