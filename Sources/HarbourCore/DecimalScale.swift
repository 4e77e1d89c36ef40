/// A number of decimal places: how many fractional digits one raw unit represents.
///
/// Harbour stores every price, size and amount as an integer count of the smallest unit
/// of its asset or instrument (`raw / 10^decimals`). The scale travels with the asset or
/// instrument specification, never with the value, so values stay 8 bytes wide.
public struct DecimalScale: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Fractional digits, 0 through 18.
    public let decimals: Int

    /// `10^decimals`, the number of raw units in one whole unit.
    public let unit: Int64

    public init(_ decimals: Int) {
        precondition((0...18).contains(decimals), "scale must be 0...18 decimals")
        self.decimals = decimals
        var u: Int64 = 1
        for _ in 0..<decimals { u *= 10 }
        self.unit = u
    }

    public var description: String { "1e-\(decimals)" }

    /// `10^n` as a 128-bit integer, for rescaling products.
    @inlinable
    public static func pow10(_ n: Int) -> Int128 {
        var v: Int128 = 1
        for _ in 0..<n { v *= 10 }
        return v
    }
}
