import HarbourCore

/// One order as the surveillance projection knows it: who, where, which side, its limit
/// price (0 for a market order, which never rests) and its total and filled size, taken
/// from the command that placed it and the events that followed.
public struct ProjectedOrder: Sendable, Hashable {
    public let orderId: OrderID
    public let account: AccountID
    public let instrument: InstrumentID
    public let side: Side
    public internal(set) var price: Int64
    /// Total size, filled part included (the engine's amend semantics).
    public internal(set) var quantity: Int64
    public internal(set) var filled: Int64

    /// Size still open.
    public var remaining: Int64 { quantity - filled }
    /// Whether the order counts in the book's levels (limit orders; market orders never rest).
    var onBook: Bool { price > 0 && remaining > 0 }
}
