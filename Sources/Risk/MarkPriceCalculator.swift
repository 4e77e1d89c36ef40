import HarbourCore

/// Mark price = index + smoothed, clamped basis (PRICE-2). Last price never enters it.
///
/// Method (disclosed):
/// - A basis sample is taken at most once per fixed interval (`sampleIntervalMs`, aligned
///   to multiples of the interval since time 0): `mid − index`, where
///   `mid = (bestBid + bestAsk) / 2`. Samples are kept exactly, in half price units
///   (`bestBid + bestAsk − 2 × index`), so the mid is never rounded.
/// - When the book has no bid or no ask, the sample is **zero basis** (the mark falls
///   back toward the index) under `.zeroBasis`, or no sample is taken under `.skip`.
/// - If several intervals pass between calls, one sample is taken (no back-fill).
/// - The basis is the mean of the last `capacity` samples (ring buffer), divided
///   rounding toward zero (toward the index, favouring neither side), then clamped to
///   ±`basisCap × index` (cap rounded down, i.e. slightly tighter).
///
/// The ring buffer is allocated once at construction; sampling does not allocate.
public struct MarkPriceCalculator: Sendable {
    /// What to do when there is no two-sided book at sampling time.
    public enum MissingMidPolicy: Sendable, Hashable {
        /// Record a basis sample of zero.
        case zeroBasis
        /// Take no sample this interval.
        case skip
    }

    public let capacity: Int
    public let sampleIntervalMs: Int64
    public let basisCap: Rate
    public let missingMid: MissingMidPolicy

    /// Samples in half price units.
    private var ring: [Int64]
    private var head = 0
    public private(set) var count = 0
    private var sum: Int128 = 0
    /// The next time a sample is due; nil before the first sample.
    public private(set) var nextSampleAtMs: Int64?

    public init(capacity: Int, sampleIntervalMs: Int64, basisCap: Rate, missingMid: MissingMidPolicy = .zeroBasis) {
        precondition(capacity >= 1 && sampleIntervalMs >= 1 && basisCap.raw >= 0)
        self.capacity = capacity
        self.sampleIntervalMs = sampleIntervalMs
        self.basisCap = basisCap
        self.missingMid = missingMid
        ring = Array(repeating: 0, count: capacity)
    }

    /// Restores a calculator from the `stateWords` of one built with the same parameters
    /// (snapshots): the samples go back into the ring oldest first, so the ring, its sum
    /// and the next slot to overwrite are exactly those of the original. Nil — never a
    /// trap — when the parameters are invalid or the words are not a state the calculator
    /// can be in (wrong length, count outside 0...capacity, a next sample time that is not
    /// −1 or a multiple of the interval).
    public init?(capacity: Int, sampleIntervalMs: Int64, basisCap: Rate, missingMid: MissingMidPolicy = .zeroBasis,
                 restoring words: [Int64]) {
        guard capacity >= 1, sampleIntervalMs >= 1, basisCap.raw >= 0, words.count >= 2 else { return nil }
        let next = words[0], n = words[1]
        guard n >= 0, n <= Int64(capacity), n == Int64(words.count - 2) else { return nil }
        guard next == -1 || next % sampleIntervalMs == 0 else { return nil }
        self.init(capacity: capacity, sampleIntervalMs: sampleIntervalMs, basisCap: basisCap, missingMid: missingMid)
        for k in 0..<Int(n) { push(words[2 + k]) }
        nextSampleAtMs = next == -1 ? nil : next
    }

    /// Takes a basis sample if one is due at `nowMs`; returns whether it did.
    @discardableResult
    public mutating func sampleIfDue(nowMs: Int64, index: Price, bestBid: Price?, bestAsk: Price?) -> Bool {
        if let due = nextSampleAtMs, nowMs < due { return false }
        // Next interval boundary strictly after now (time arithmetic, floor of the period).
        nextSampleAtMs = (Int128(nowMs).divided(by: Int128(sampleIntervalMs), rounding: .down) + 1).clampedInt64 * sampleIntervalMs
        let doubled: Int64
        if let b = bestBid, let a = bestAsk {
            doubled = b.raw + a.raw - 2 * index.raw
        } else if missingMid == .zeroBasis {
            doubled = 0
        } else {
            return false
        }
        push(doubled)
        return true
    }

    /// Records a basis sample unconditionally, in half price units (`bid + ask − 2·index`).
    public mutating func push(_ doubledBasis: Int64) {
        if count == capacity {
            sum -= Int128(ring[head])
        } else {
            count += 1
        }
        ring[head] = doubledBasis
        sum += Int128(doubledBasis)
        head += 1
        if head == capacity { head = 0 }
    }

    /// Every piece of mutable state as integers, in a canonical order (for state hashes):
    /// next sample time (−1 when none), count, then the samples oldest first.
    public var stateWords: [Int64] {
        var out: [Int64] = [nextSampleAtMs ?? -1, Int64(count)]
        for k in 0..<count { out.append(ring[(head - count + k + capacity) % capacity]) }
        return out
    }

    /// The mark price and its components for `index`.
    public func mark(index: Price) -> MarkPriceComponents {
        let average: Int64 = count == 0 ? 0 : Int64(sum.divided(by: Int128(2 * count), rounding: .towardZero))
        let cap = Int64((Int128(index.raw) * Int128(basisCap.raw)).divided(by: Int128(Rate.one.raw), rounding: .down))
        let applied = min(max(average, -cap), cap)
        return MarkPriceComponents(
            index: index, basisAverage: Price(raw: average), basisApplied: Price(raw: applied),
            clamped: applied != average, mark: Price(raw: index.raw + applied), sampleCount: count)
    }
}
