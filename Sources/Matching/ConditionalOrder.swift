import HarbourCore

/// What price a conditional (stop / take-profit) order watches.
public enum TriggerSource: UInt8, Sendable, Hashable {
    case mark, last
    public var name: String { self == .mark ? "mark" : "last" }
    public init?(name: String) {
        switch name {
        case "mark", "MARK_PRICE": self = .mark
        case "last", "CONTRACT_PRICE": self = .last
        default: return nil
        }
    }
}

/// A stop-market, stop-limit or take-profit order waiting for its trigger price.
public struct ConditionalOrder: Sendable {
    public var orderId: Int64
    public var account: UInt32
    public var side: Side
    public var type: OrderType
    public var stopPrice: Int64
    /// Limit price once triggered (limit kinds), 0 for market kinds.
    public var limitPrice: Int64
    public var quantity: Int64
    public var reduceOnly: Bool
    public var timeInForce: TimeInForce
    public var stp: SelfTradePrevention
    public var source: TriggerSource
    public var clientOrderId: String?

    public init(orderId: Int64, account: UInt32, side: Side, type: OrderType, stopPrice: Int64,
                limitPrice: Int64, quantity: Int64, reduceOnly: Bool, timeInForce: TimeInForce,
                stp: SelfTradePrevention, source: TriggerSource, clientOrderId: String?) {
        self.orderId = orderId
        self.account = account
        self.side = side
        self.type = type
        self.stopPrice = stopPrice
        self.limitPrice = limitPrice
        self.quantity = quantity
        self.reduceOnly = reduceOnly
        self.timeInForce = timeInForce
        self.stp = stp
        self.source = source
        self.clientOrderId = clientOrderId
    }

    /// True when the order fires as the watched price rises through `stopPrice`:
    /// buy stops and sell take-profits. The others fire as it falls.
    @inlinable public var firesOnRise: Bool {
        switch type {
        case .stopMarket, .stopLimit: return side == .buy
        default: return side == .sell
        }
    }

    /// Whether `price` reaches this order's trigger.
    @inlinable public func isTriggered(by price: Int64) -> Bool {
        firesOnRise ? price >= stopPrice : price <= stopPrice
    }
}
