import HarbourCore

/// Volatility interruption (PRICE-4): when the mark moves more than `threshold` (relative)
/// from any mark observed within the last `windowMs`, matching pauses (cancel-only) for
/// `coolOffMs`; afterwards the engine resumes (with an auction or directly — its choice)
/// and the window starts afresh.
///
/// Observations are kept in a fixed ring of `capacity` entries (allocated once); when it
/// is full the oldest is overwritten, so callers should observe at most `capacity` times
/// per window (e.g. once per second for a 60 s window). Deterministic: time is an input.
public struct VolatilityInterruption: Sendable {
    /// Trading state implied by the observations so far.
    public enum State: Sendable, Hashable {
        case continuous
        /// Paused until `untilMs` (exclusive).
        case paused(untilMs: Int64)
    }

    /// Why a pause started.
    public struct Trigger: Sendable, Hashable {
        /// The earlier mark the move is measured from.
        public let reference: Price
        public let mark: Price
        /// |mark − reference| / reference, rounded down.
        public let move: Rate
        public let pausedUntilMs: Int64
    }

    public let threshold: Rate
    public let windowMs: Int64
    public let coolOffMs: Int64
    public let capacity: Int
    public private(set) var state: State = .continuous

    private var times: [Int64]
    private var prices: [Int64]
    private var head = 0
    private var count = 0

    public init(threshold: Rate, windowMs: Int64, coolOffMs: Int64, capacity: Int) {
        precondition(threshold.raw > 0 && windowMs > 0 && coolOffMs >= 0 && capacity >= 1)
        self.threshold = threshold
        self.windowMs = windowMs
        self.coolOffMs = coolOffMs
        self.capacity = capacity
        times = Array(repeating: 0, count: capacity)
        prices = Array(repeating: 0, count: capacity)
    }

    /// Restores a guard from the `stateWords` of one built with the same parameters
    /// (snapshots): the observations go back into the ring oldest first, so which one is
    /// overwritten next is exactly as in the original. Nil — never a trap — when the
    /// parameters are invalid or the words are not a state the guard can be in (wrong
    /// length, count outside 0...capacity).
    public init?(threshold: Rate, windowMs: Int64, coolOffMs: Int64, capacity: Int, restoring words: [Int64]) {
        guard threshold.raw > 0, windowMs > 0, coolOffMs >= 0, capacity >= 1, words.count >= 2 else { return nil }
        let until = words[0], n = words[1]
        guard n >= 0, n <= Int64(capacity), n <= Int64((words.count - 2) / 2), 2 + 2 * Int(n) == words.count else {
            return nil
        }
        self.init(threshold: threshold, windowMs: windowMs, coolOffMs: coolOffMs, capacity: capacity)
        if until != -1 { state = .paused(untilMs: until) }
        for k in 0..<Int(n) {
            times[k] = words[2 + 2 * k]
            prices[k] = words[3 + 2 * k]
        }
        count = Int(n)
        head = Int(n) % capacity
    }

    /// Every piece of mutable state as integers, in a canonical order (for state hashes):
    /// paused-until (−1 when continuous), count, then (time, price) oldest first.
    public var stateWords: [Int64] {
        var out: [Int64] = []
        if case .paused(let until) = state { out.append(until) } else { out.append(-1) }
        out.append(Int64(count))
        for k in 0..<count {
            let slot = (head - count + k + capacity) % capacity
            out.append(times[slot]); out.append(prices[slot])
        }
        return out
    }

    /// The state at `nowMs` (a pause ends by itself when its cool-off has passed).
    public func state(atMs nowMs: Int64) -> State {
        if case .paused(let until) = state, nowMs >= until { return .continuous }
        return state
    }

    /// Records a mark; returns the trigger when this observation starts a pause.
    public mutating func observe(mark: Price, nowMs: Int64) -> Trigger? {
        if case .paused(let until) = state {
            if nowMs < until { return nil }
            state = .continuous
            count = 0
            head = 0
        }
        var worst: (ref: Int64, diff: UInt128)?
        let one = UInt128(Rate.one.raw)
        var k = 0
        while k < count {
            let slot = (head - count + k + capacity) % capacity
            k += 1
            guard nowMs - times[slot] <= windowMs, prices[slot] > 0 else { continue }
            let ref = prices[slot]
            let diff = Int128(mark.raw - ref).magnitude
            // diff / ref > threshold  ⇔  diff × 1e8 > threshold × ref
            if diff * one > UInt128(threshold.raw) * UInt128(ref) {
                // Keep the largest relative move: diff/ref > w.diff/w.ref.
                if let w = worst, diff * UInt128(w.ref) <= w.diff * UInt128(ref) { continue }
                worst = (ref, diff)
            }
        }
        times[head] = nowMs
        prices[head] = mark.raw
        head = (head + 1) % capacity
        if count < capacity { count += 1 }
        guard let w = worst else { return nil }
        let until = nowMs + coolOffMs
        state = .paused(untilMs: until)
        let move = Int128(w.diff * one).divided(by: Int128(w.ref), rounding: .down)
        return Trigger(reference: Price(raw: w.ref), mark: mark, move: Rate(raw: move.clampedInt64), pausedUntilMs: until)
    }
}
