import HarbourCore

/// One account's state on one instrument: its net position, margin settings and the
/// aggregates of its open orders that pre-trade risk needs in O(1).
struct PositionState: Sendable {
    /// Signed size, raw size units (long > 0).
    var size: Int64 = 0
    /// Σ signed (price raw × size raw) of the open position: exact, so realised PnL
    /// never loses a unit; the entry price is `cost / size`.
    var cost: Int64 = 0
    var leverage: Int64
    var isolated = false
    /// Ledger book of the isolated margin, -1 until first used.
    var isolatedBook: Int32 = -1
    /// Open (resting) buy orders: Σ remaining and Σ price × remaining.
    var buyQuantity: Int64 = 0
    var buyValue: Int64 = 0
    var sellQuantity: Int64 = 0
    var sellValue: Int64 = 0
    /// Head slot of this account's resting orders in the instrument's book.
    var orderHead: Int32 = -1
    var openOrders: Int32 = 0
    var reduceOnlyOrders: Int32 = 0
    /// Auto-deleveraging quintile last published to the account (RISK-4): 1...5, 0 = none.
    var adlRank: UInt8 = 0
    /// Command number at which a position event was last queued (coalescing).
    var touchedAt: Int64 = -1

    init(leverage: Int64) { self.leverage = leverage }

    /// Adds an order's open quantity at `price` to the totals of its side: the one place
    /// the buy/sell open-order aggregates grow.
    @inline(__always)
    mutating func addOpen(_ side: Side, quantity: Int64, price: Int64) {
        if side == .buy {
            buyQuantity += quantity
            buyValue += quantity * price
        } else {
            sellQuantity += quantity
            sellValue += quantity * price
        }
    }

    /// Takes `quantity` at `price` off the totals of `side` (a fill, a cancel, a size
    /// decrease): the one place they shrink.
    @inline(__always)
    mutating func removeOpen(_ side: Side, quantity: Int64, price: Int64) {
        if side == .buy {
            buyQuantity -= quantity
            buyValue -= quantity * price
        } else {
            sellQuantity -= quantity
            sellValue -= quantity * price
        }
    }

    /// Whether anything is open here (position or orders).
    var hasExposure: Bool { size != 0 || openOrders > 0 }
}

extension PositionState: StateCoding {
    /// Size, cost, leverage, isolated flag and book, open-order totals and counts.
    /// `orderHead` and `adlRank` are coded by their owners (the owner list as order ids,
    /// the ranks with risk); `touchedAt` is per-command scratch.
    mutating func code<Coder: StateCoder>(_ coder: inout Coder) throws(Engine.SnapshotError) {
        try coder.code(&size); try coder.code(&cost); try coder.code(&leverage)
        try coder.code(&isolated); try coder.code(&isolatedBook)
        try coder.code(&buyQuantity); try coder.code(&buyValue); try coder.code(&sellQuantity); try coder.code(&sellValue)
        try coder.code(&openOrders); try coder.code(&reduceOnlyOrders)
        try coder.require(openOrders >= 0 && (0...openOrders).contains(reduceOnlyOrders),
                          "order counts \(openOrders)/\(reduceOnlyOrders)")
        try coder.require(isolatedBook >= -1, "isolated book \(isolatedBook)")
        try coder.require(!isolated || isolatedBook != -1, "isolated position without an isolated book")
    }
}
