import HarbourCore

/// Open-order totals of one account on one instrument, recomputed from the book (for
/// snapshot restore and `Engine.invariantViolations()`), to compare with the totals the
/// engine keeps incrementally in `PositionState`.
struct OpenOrderAggregate: Equatable {
    var buyQuantity: Int64 = 0, buyValue: Int64 = 0, sellQuantity: Int64 = 0, sellValue: Int64 = 0
    var count: Int32 = 0, reduceOnly: Int32 = 0

    init() {}

    /// The totals an account's position keeps.
    init(kept p: PositionState) {
        buyQuantity = p.buyQuantity; buyValue = p.buyValue; sellQuantity = p.sellQuantity; sellValue = p.sellValue
        count = p.openOrders; reduceOnly = p.reduceOnlyOrders
    }

    /// False on overflow.
    mutating func add(side: Side, price: Int64, remaining: Int64, reduceOnly ro: Bool) -> Bool {
        let (value, o1) = price.multipliedReportingOverflow(by: remaining)
        if o1 { return false }
        if side == .buy {
            let (q, o2) = buyQuantity.addingReportingOverflow(remaining)
            let (v, o3) = buyValue.addingReportingOverflow(value)
            if o2 || o3 { return false }
            buyQuantity = q; buyValue = v
        } else {
            let (q, o2) = sellQuantity.addingReportingOverflow(remaining)
            let (v, o3) = sellValue.addingReportingOverflow(value)
            if o2 || o3 { return false }
            sellQuantity = q; sellValue = v
        }
        guard count < Int32.max else { return false }
        count += 1
        if ro { reduceOnly += 1 }
        return true
    }
}
