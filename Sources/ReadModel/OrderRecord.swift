import GRDB

/// An order as the read model knows it. Prices and sizes are decimal strings; `side`,
/// `orderType`, `timeInForce`, `price`, `stopPrice` and `qty` are nil when the projector
/// was not given the command that placed the order (and `price` for market orders).
public struct OrderRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var orderId: Int64
    public var account: String
    public var symbol: String
    public var side: String?
    public var orderType: String?
    public var timeInForce: String?
    public var clientOrderId: String?
    public var status: OrderStatus
    /// Why the order ended (canceled: "USER", "MASS_CANCEL"; expired: "IOC", "FOK", "STP",
    /// "REDUCE_ONLY", ...; rejected: the reject code).
    public var reason: String?
    public var price: String?
    public var stopPrice: String?
    /// Total quantity (filled part included).
    public var qty: String?
    public var filledQty: String
    public var reduceOnly: Bool
    /// Sequence of the command that triggered a conditional order.
    public var triggeredSeq: UInt64?
    public var createdSeq: UInt64
    public var createdTs: Int64
    public var updatedSeq: UInt64
    public var updatedTs: Int64
    /// Placed by a registered affiliated market maker on a contract it makes (MM-1); for
    /// the venue's records and staff, never shown to other clients.
    public var affiliatedMarketMaker: Bool

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
