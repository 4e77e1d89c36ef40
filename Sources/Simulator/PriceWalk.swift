/// A seeded random walk of a reference price in ticks, used as the simulated index
/// feed of the demo venue. Integer arithmetic only; the same seed gives the same path.
public struct PriceWalk: Sendable {
    private var state: UInt64
    public private(set) var price: Int64
    public let tick: Int64
    /// Largest step per update, in ticks.
    public let maxStepTicks: Int64
    /// The walk stays within ±`spanBasisPoints` of its start.
    private let low: Int64
    private let high: Int64

    public init(seed: UInt64, start: Int64, tick: Int64, maxStepTicks: Int64, spanBasisPoints: Int64 = 1500) {
        state = seed
        price = start
        self.tick = tick
        self.maxStepTicks = maxStepTicks
        low = start - start * spanBasisPoints / 10_000
        high = start + start * spanBasisPoints / 10_000
    }

    public mutating func next() -> Int64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let step = Int64(z % UInt64(2 * maxStepTicks + 1)) - maxStepTicks
        price = min(high, max(low, price + step * tick))
        price -= price % tick
        return price
    }
}
