import HarbourCore

/// The outcome of one index computation (PRICE-1): the price, whether it is live or
/// held, and what happened to each configured source (disclosed and logged).
public struct IndexResult: Sendable, Hashable {
    /// Whether the index was computed from enough sources.
    public enum Status: Sendable, Hashable {
        /// Computed from at least `minSources` eligible sources.
        case ok
        /// Too few eligible sources: the index holds its last value (nil if it never had
        /// one) and the engine should put the instrument into cancel-only.
        case degraded
    }

    /// What happened to one source in this computation.
    public enum SourceStatus: Sendable, Hashable {
        /// Contributed to the weighted median.
        case used
        /// Never sent a price.
        case noData
        /// Last update older than `staleAfterMs` (age in ms).
        case stale(ageMs: Int64)
        /// Deviated from the weighted median of the other fresh sources by more than
        /// `maxDeviation`; `deviation` is |p − m| / m, rounded down.
        case deviating(deviation: Rate, medianOfOthers: Price)
    }

    /// One source's line in the result, in configuration order.
    public struct SourceOutcome: Sendable, Hashable {
        public let index: Int
        public let name: String
        /// The last price received, if any.
        public let price: Price?
        public let status: SourceStatus

        /// For the engine's snapshot restore (package-only; results otherwise come from
        /// `IndexPriceCalculator.compute`).
        package init(index: Int, name: String, price: Price?, status: SourceStatus) {
            self.index = index
            self.name = name
            self.price = price
            self.status = status
        }
    }

    /// The index price (computed, or held when degraded); nil only when degraded before
    /// any index was ever computed.
    public let price: Price?
    public let status: Status
    /// Every configured source, in configuration order.
    public let sources: [SourceOutcome]

    /// For the engine's snapshot restore (package-only; results otherwise come from
    /// `IndexPriceCalculator.compute`).
    package init(price: Price?, status: Status, sources: [SourceOutcome]) {
        self.price = price
        self.status = status
        self.sources = sources
    }

    /// Number of sources that contributed.
    public var usedCount: Int { sources.reduce(0) { $0 + ($1.status == .used ? 1 : 0) } }
}
