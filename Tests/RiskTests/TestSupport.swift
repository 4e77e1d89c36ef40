import HarbourCore

/// BTC-PERP as the tests use it: price in 0.1 USD, size in 0.001 BTC, USD in micro-dollars.
enum BTC {
    static let priceScale = DecimalScale(1)
    static let sizeScale = DecimalScale(3)
    static let notional = Notional(priceScale: priceScale, sizeScale: sizeScale, asset: Asset.usd.scale)
    static func px(_ s: String) -> Price { try! Price(s, scale: priceScale) }
    static func qty(_ s: String) -> Quantity { try! Quantity(s, scale: sizeScale) }
    static func usd(_ s: String) -> Amount { try! Amount(s, scale: Asset.usd.scale) }
    static func rate(_ s: String) -> Rate { try! Rate(s) }
}

/// Deterministic generator for repeatable randomised tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
