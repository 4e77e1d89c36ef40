import HarbourCore

/// The price levels of one side of a book, kept sorted with the best price LAST so that
/// the touch is reached, added and removed at the end of the array in O(1); orders near
/// the touch (the common case) find their level by a short scan from the end.
public struct BookSide: Sendable {
    public let side: Side
    /// Sorted: ascending prices for bids, descending for asks; best at the end.
    public internal(set) var levels: ContiguousArray<PriceLevel> = []

    public init(side: Side) { self.side = side }

    /// Whether `a` is a better price than `b` for this side.
    @inlinable func better(_ a: Int64, _ b: Int64) -> Bool { side == .buy ? a > b : a < b }

    /// Index of the level at `price`, or where it would be inserted (`found` false).
    @inlinable func locate(_ price: Int64) -> (index: Int, found: Bool) {
        var i = levels.count - 1
        // Short scan from the touch; most orders arrive near it.
        var steps = 0
        while i >= 0 && steps < 8 {
            let p = levels[i].price
            if p == price { return (i, true) }
            if better(price, p) { return (i + 1, false) }
            i -= 1
            steps += 1
        }
        if i < 0 { return (0, false) }
        // Binary search in levels[0...i] (sorted worse → better).
        var lo = 0
        var hi = i + 1
        while lo < hi {
            let mid = (lo + hi) >> 1
            let p = levels[mid].price
            if p == price { return (mid, true) }
            if better(price, p) { lo = mid + 1 } else { hi = mid }
        }
        return (lo, false)
    }

    /// The best price, or nil when the side is empty.
    @inlinable public var bestPrice: Int64? { levels.last?.price }

    /// The total quantity at the best level.
    @inlinable public var bestTotal: Int64 { levels.last?.total ?? 0 }
}
