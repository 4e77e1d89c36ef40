import HarbourCore

/// Index price per underlying from several spot sources (PRICE-1).
///
/// Method (disclosed):
/// 1. A source is *fresh* when it has sent a price and `now − lastUpdate ≤ staleAfterMs`;
///    otherwise it is excluded as `.noData` or `.stale`.
/// 2. Each fresh source is compared with the weighted median of the *other* fresh sources
///    (one pass, every source judged against the same fresh set); it is excluded as
///    `.deviating` when `|p − m| / m > maxDeviation`. A source with no other fresh source
///    to compare with is kept.
/// 3. If fewer than `minSources` remain, the index holds its last value and the result is
///    `.degraded`. Otherwise the index is the weighted median of the remaining sources.
///
/// Weighted median: sources sorted by (price, configuration order); the first price at
/// which the cumulative weight reaches more than half the total. When the cumulative
/// weight equals exactly half, the index is the midpoint of that price and the next one,
/// rounded down to the price unit. This makes ties deterministic.
///
/// The calculator is a value type holding per-source state in fixed arrays; updates do
/// not allocate.
public struct IndexPriceCalculator: Sendable {
    public let sources: [IndexSource]
    public let staleAfterMs: Int64
    public let maxDeviation: Rate
    public let minSources: Int

    private var lastPrice: [Int64]
    private var lastUpdateMs: [Int64]
    private var hasPrice: [Bool]
    /// Scratch buffer for sorting fresh sources (source indices), reused across calls.
    private var order: [Int]
    /// The last computed (non-degraded) index.
    public private(set) var lastIndex: Price?

    public init(sources: [IndexSource], staleAfterMs: Int64, maxDeviation: Rate, minSources: Int) {
        precondition(!sources.isEmpty, "an index needs at least one source")
        precondition(minSources >= 1 && minSources <= sources.count, "minSources must be 1...sources.count")
        precondition(staleAfterMs >= 0 && maxDeviation.raw >= 0)
        self.sources = sources
        self.staleAfterMs = staleAfterMs
        self.maxDeviation = maxDeviation
        self.minSources = minSources
        lastPrice = Array(repeating: 0, count: sources.count)
        lastUpdateMs = Array(repeating: 0, count: sources.count)
        hasPrice = Array(repeating: false, count: sources.count)
        order = []
        order.reserveCapacity(sources.count)
    }

    /// Restores a calculator from the `stateWords` of one built with the same parameters
    /// (snapshots). Nil — never a trap — when the parameters are invalid or the words are
    /// not a state the calculator can be in: wrong length, has-price not 0/1, a recorded
    /// price ≤ 0, a source without a price that is not all zeros, a negative last index.
    public init?(sources: [IndexSource], staleAfterMs: Int64, maxDeviation: Rate, minSources: Int,
                 restoring words: [Int64]) {
        guard !sources.isEmpty, minSources >= 1, minSources <= sources.count, staleAfterMs >= 0,
              maxDeviation.raw >= 0, words.count == 3 * sources.count + 1 else { return nil }
        self.init(sources: sources, staleAfterMs: staleAfterMs, maxDeviation: maxDeviation, minSources: minSources)
        for i in sources.indices {
            let has = words[3 * i], price = words[3 * i + 1], at = words[3 * i + 2]
            switch has {
            case 1: guard price > 0 else { return nil }
            case 0: guard price == 0, at == 0 else { return nil }
            default: return nil
            }
            hasPrice[i] = has == 1
            lastPrice[i] = price
            lastUpdateMs[i] = at
        }
        let last = words[3 * sources.count]
        guard last >= 0 else { return nil }
        lastIndex = last == 0 ? nil : Price(raw: last)
    }

    /// Position of the source named `name` in the configuration, if any.
    public func sourceIndex(named name: String) -> Int? {
        sources.firstIndex { $0.name == name }
    }

    /// Records a price from source number `source`. Out-of-order updates (older than the
    /// one held) and non-positive prices are ignored; returns whether it was recorded.
    @discardableResult
    public mutating func update(source: Int, price: Price, timestampMs: Int64) -> Bool {
        precondition(sources.indices.contains(source), "unknown index source")
        guard price.raw > 0 else { return false }
        if hasPrice[source] && timestampMs < lastUpdateMs[source] { return false }
        lastPrice[source] = price.raw
        lastUpdateMs[source] = timestampMs
        hasPrice[source] = true
        return true
    }

    /// Records a price from the source named `name`; false if unknown or ignored.
    @discardableResult
    public mutating func update(source name: String, price: Price, timestampMs: Int64) -> Bool {
        guard let i = sourceIndex(named: name) else { return false }
        return update(source: i, price: price, timestampMs: timestampMs)
    }

    /// Computes the index at `nowMs` and remembers it when not degraded.
    public mutating func compute(nowMs: Int64) -> IndexResult {
        let n = sources.count
        // Fresh sources, sorted by (price, configuration order).
        order.removeAll(keepingCapacity: true)
        for i in 0..<n where hasPrice[i] && nowMs - lastUpdateMs[i] <= staleAfterMs { order.append(i) }
        let prices = lastPrice
        order.sort { prices[$0] != prices[$1] ? prices[$0] < prices[$1] : $0 < $1 }

        var statuses = [IndexResult.SourceStatus](repeating: .noData, count: n)
        for i in 0..<n where hasPrice[i] { statuses[i] = .stale(ageMs: nowMs - lastUpdateMs[i]) }

        // Deviation check of each fresh source against the weighted median of the others.
        var usedWeight: Int64 = 0
        var usedCount = 0
        for i in order {
            if order.count > 1, let m = Self.weightedMedian(order, prices: prices, sources: sources, excluding: i, included: nil) {
                let diff = Int128(prices[i] - m).magnitude
                // |p − m| / m > maxDeviation  ⇔  |p − m| × 1e8 > maxDeviation × m (exact).
                if diff * UInt128(Rate.one.raw) > UInt128(maxDeviation.raw) * UInt128(m) {
                    let dev = Int128(diff * UInt128(Rate.one.raw)).divided(by: Int128(m), rounding: .down)
                    statuses[i] = .deviating(deviation: Rate(raw: dev.clampedInt64), medianOfOthers: Price(raw: m))
                    continue
                }
            }
            statuses[i] = .used
            usedWeight += sources[i].weight
            usedCount += 1
        }

        var outcomes: [IndexResult.SourceOutcome] = []
        outcomes.reserveCapacity(n)
        for i in 0..<n {
            outcomes.append(.init(index: i, name: sources[i].name,
                                  price: hasPrice[i] ? Price(raw: lastPrice[i]) : nil, status: statuses[i]))
        }
        if usedCount < minSources {
            return IndexResult(price: lastIndex, status: .degraded, sources: outcomes)
        }
        let median = Self.weightedMedian(order, prices: prices, sources: sources, excluding: -1, included: statuses)!
        lastIndex = Price(raw: median)
        return IndexResult(price: lastIndex, status: .ok, sources: outcomes)
    }

    /// Every piece of mutable state as integers, in a canonical order (for state hashes):
    /// per source (configuration order) has-price, last price, last update; then the
    /// last index (0 when none).
    public var stateWords: [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(3 * sources.count + 1)
        for i in sources.indices { out.append(hasPrice[i] ? 1 : 0); out.append(lastPrice[i]); out.append(lastUpdateMs[i]) }
        out.append(lastIndex?.raw ?? 0)
        return out
    }

    /// Weighted median over `sorted` (source indices sorted by price), skipping `excluding`
    /// and, when `included` is given, every source whose status is not `.used`.
    static func weightedMedian(
        _ sorted: [Int], prices: [Int64], sources: [IndexSource], excluding: Int,
        included: [IndexResult.SourceStatus]?
    ) -> Int64? {
        @inline(__always) func counts(_ i: Int) -> Bool {
            i != excluding && (included == nil || included![i] == .used)
        }
        var total: Int128 = 0
        for i in sorted where counts(i) { total += Int128(sources[i].weight) }
        if total == 0 { return nil }
        var cumulative: Int128 = 0
        var k = 0
        while k < sorted.count {
            let i = sorted[k]
            k += 1
            guard counts(i) else { continue }
            cumulative += Int128(sources[i].weight)
            if cumulative * 2 > total { return prices[i] }
            if cumulative * 2 == total {
                // Exactly half: midpoint with the next counted price, rounded down.
                var j = k
                while j < sorted.count && !counts(sorted[j]) { j += 1 }
                let next = prices[sorted[j]]
                return Int64((Int128(prices[i]) + Int128(next)).divided(by: 2, rounding: .down))
            }
        }
        return nil
    }
}
