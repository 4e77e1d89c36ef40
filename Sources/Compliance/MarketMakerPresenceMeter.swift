import HarbourCore

/// Measures an affiliated market maker's presence (MM-4) on one contract from its own
/// order events: the time, within continuous trading, during which its best bid and best
/// ask form a firm two-way quote under its terms. A pure reducer over command time, so it
/// runs as a projection of the event stream and a replay gives the same figures.
///
/// Feed it, in command-time order, the MM's resting orders as they appear, shrink and go,
/// and the contract's trading state; `closeDay(at:)` returns the day's report and starts
/// the next day with the current book.
public struct MarketMakerPresenceMeter: Sendable {
    /// One day's measurement.
    public struct DayReport: Sendable, Hashable, Codable {
        public let symbol: String
        public let fromMs: Int64
        public let toMs: Int64
        /// Continuous trading time in the day (ms).
        public let tradingMs: Int64
        /// Of which, with a firm two-way quote (ms).
        public let presentMs: Int64
        /// presentMs / tradingMs in basis points, rounded down (0 with no trading time).
        public let presenceBps: Int64
        /// presentMs ≥ minPresence × tradingMs, exactly.
        public let met: Bool
    }

    public let terms: MarketMakerTerms
    private var orders: [Int64: (side: Side, price: Int64, remaining: Int64)] = [:]
    private var continuous: Bool
    private var lastMs: Int64
    private var dayStartMs: Int64
    private var tradingMs: Int64 = 0
    private var presentMs: Int64 = 0

    public init(terms: MarketMakerTerms, startMs: Int64, continuousTrading: Bool = true) {
        self.terms = terms
        lastMs = startMs
        dayStartMs = startMs
        continuous = continuousTrading
    }

    /// An order of the MM rests in the book (or its remaining size changed by an amend).
    public mutating func rested(orderId: Int64, side: Side, price: Int64, remaining: Int64, at now: Int64) {
        accrue(to: now)
        orders[orderId] = remaining > 0 ? (side, price, remaining) : nil
    }

    /// An order's remaining size after a fill or a size decrease (0: gone).
    public mutating func remainingChanged(orderId: Int64, to remaining: Int64, at now: Int64) {
        accrue(to: now)
        guard let order = orders[orderId] else { return }
        orders[orderId] = remaining > 0 ? (order.side, order.price, remaining) : nil
    }

    /// An order left the book (cancelled, expired, filled).
    public mutating func removed(orderId: Int64, at now: Int64) {
        accrue(to: now)
        orders[orderId] = nil
    }

    /// The contract entered or left continuous trading (cancel-only, halt, volatility
    /// interruption are not continuous trading and do not count either way).
    public mutating func tradingStateChanged(continuous: Bool, at now: Int64) {
        accrue(to: now)
        self.continuous = continuous
    }

    /// Whether the MM's current quotes form a firm two-way quote.
    public var isPresent: Bool {
        guard let bid = best(.buy), let ask = best(.sell) else { return false }
        return terms.isFirmTwoWay(bid: bid.price, bidSize: bid.size, ask: ask.price, askSize: ask.size)
    }

    /// Ends the day at `now` and returns its report; the next day starts at `now`.
    public mutating func closeDay(at now: Int64) -> DayReport {
        accrue(to: now)
        let bps = tradingMs == 0 ? 0 : Int64(Int128(presentMs) * 10_000 / Int128(tradingMs))
        let met = tradingMs > 0 && Int128(presentMs) * 10_000 >= Int128(terms.minPresenceBps) * Int128(tradingMs)
        let report = DayReport(symbol: terms.symbol, fromMs: dayStartMs, toMs: now, tradingMs: tradingMs,
                               presentMs: presentMs, presenceBps: bps, met: met)
        dayStartMs = now
        tradingMs = 0
        presentMs = 0
        return report
    }

    /// Counts the time since the last input under the state before this input.
    private mutating func accrue(to now: Int64) {
        precondition(now >= lastMs, "command time never goes backwards")
        let span = now - lastMs
        lastMs = now
        guard continuous, span > 0 else { return }
        tradingMs += span
        if isPresent { presentMs += span }
    }

    /// The best price on `side` and the MM's total size at it.
    private func best(_ side: Side) -> (price: Int64, size: Int64)? {
        var best: (price: Int64, size: Int64)?
        for order in orders.values where order.side == side {
            if let current = best, current.price == order.price {
                best = (current.price, current.size + order.remaining)
            } else if best == nil || (side == .buy ? order.price > best!.price : order.price < best!.price) {
                best = (order.price, order.remaining)
            }
        }
        return best
    }
}
