import HarbourCore

/// Premium index samples and their average over a funding interval (PRICE-3).
///
/// `premium = [max(0, impactBid − index) − max(0, index − impactAsk)] / index`, as a Rate
/// rounded toward zero (the division favours neither longs nor shorts; funding is
/// client-to-client).
///
/// Averaging: `.simpleMean` (default) is the plain mean of the samples. `.linearWeighted`
/// weights sample i (1-based, oldest first) by i — the "time-weighted average" Binance
/// describes for its premium index (weights 1..n); we could not cite Binance's primary
/// text for it here, so it is offered as an option, not the default. Both averages are
/// rounded toward zero. The accumulator is three integers; adding a sample never allocates.
public struct PremiumIndex: Sendable, Hashable {
    /// How the samples of one interval are averaged.
    public enum Averaging: Sendable, Hashable {
        case simpleMean
        case linearWeighted
    }

    public private(set) var count: Int64 = 0
    private var sum: Int128 = 0
    private var weightedSum: Int128 = 0

    public init() {}

    /// Restores an accumulator from its `stateWords` (snapshots). Nil — never a trap — when
    /// the words are not a state the accumulator can be in: wrong length, a negative count,
    /// sums without samples, or sums whose averages do not fit a `Rate` (either averaging
    /// would then trap). At most 2³² samples (one per second for 136 years), so adding
    /// further samples can never overflow the 128-bit sums.
    public init?(restoring words: [Int64]) {
        guard words.count == 5, words[0] >= 0, words[0] <= Int64(UInt32.max) else { return nil }
        let n = words[0]
        let sum = Int128(words[1]) << 64 | Int128(UInt64(bitPattern: words[2]))
        let weightedSum = Int128(words[3]) << 64 | Int128(UInt64(bitPattern: words[4]))
        if n == 0 {
            guard sum == 0, weightedSum == 0 else { return nil }
        } else {
            let range = Int128(Int64.min)...Int128(Int64.max)
            let weights = (Int128(n) * Int128(n + 1)).divided(by: 2, rounding: .towardZero)
            guard range.contains(sum.divided(by: Int128(n), rounding: .towardZero)),
                  range.contains(weightedSum.divided(by: weights, rounding: .towardZero)) else { return nil }
        }
        count = n
        self.sum = sum
        self.weightedSum = weightedSum
    }

    /// One premium sample from impact prices and the index.
    @inlinable
    public static func premium(impactBid: Price, impactAsk: Price, index: Price) -> Rate {
        precondition(index.raw > 0, "index must be positive")
        let up = max(0, impactBid.raw - index.raw)
        let down = max(0, index.raw - impactAsk.raw)
        let r = (Int128(up - down) * Int128(Rate.one.raw)).divided(by: Int128(index.raw), rounding: .towardZero)
        return Rate(raw: Int64(r))
    }

    /// Adds a sample (in time order).
    public mutating func add(_ premium: Rate) {
        count += 1
        sum += Int128(premium.raw)
        weightedSum += Int128(count) * Int128(premium.raw)
    }

    /// The interval's average premium; zero when no sample was taken.
    public func average(_ averaging: Averaging = .simpleMean) -> Rate {
        guard count > 0 else { return .zero }
        switch averaging {
        case .simpleMean:
            return Rate(raw: Int64(sum.divided(by: Int128(count), rounding: .towardZero)))
        case .linearWeighted:
            // n(n+1) is always even, so this division is exact.
            let weights = (Int128(count) * Int128(count + 1)).divided(by: 2, rounding: .towardZero)
            return Rate(raw: Int64(weightedSum.divided(by: weights, rounding: .towardZero)))
        }
    }

    /// The accumulator as integers (for state hashes): count, then each 128-bit sum as
    /// (high, low) words.
    public var stateWords: [Int64] {
        [count, Int64(truncatingIfNeeded: sum >> 64), Int64(truncatingIfNeeded: sum),
         Int64(truncatingIfNeeded: weightedSum >> 64), Int64(truncatingIfNeeded: weightedSum)]
    }

    /// Starts the next interval.
    public mutating func reset() { self = PremiumIndex() }
}
