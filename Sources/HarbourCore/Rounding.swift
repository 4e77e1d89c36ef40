/// An explicit rounding direction for every division that can leave a remainder.
///
/// Harbour never rounds implicitly: each call site names the direction that favours the
/// platform by at most one smallest unit (PERP-4), and books or carries the residue.
public enum Rounding: Sendable, Hashable {
    /// Toward negative infinity.
    case down
    /// Toward positive infinity.
    case up
    /// Toward zero (truncation).
    case towardZero
    /// Away from zero.
    case awayFromZero
}

extension Int128 {
    /// Divides by a positive divisor with the given rounding.
    @inlinable
    public func divided(by divisor: Int128, rounding: Rounding) -> Int128 {
        precondition(divisor > 0, "divisor must be positive")
        let q = self / divisor
        let r = self % divisor
        if r == 0 { return q }
        switch rounding {
        case .towardZero: return q
        case .down: return self < 0 ? q - 1 : q
        case .up: return self > 0 ? q + 1 : q
        case .awayFromZero: return self < 0 ? q - 1 : q + 1
        }
    }

    /// Narrows to Int64, or nil when the value does not fit.
    @inlinable
    public var exactInt64: Int64? {
        (self >= Int128(Int64.min) && self <= Int128(Int64.max)) ? Int64(self) : nil
    }

    /// Narrows to Int64, saturating at the bounds (only for comparisons, never for money).
    @inlinable
    public var clampedInt64: Int64 {
        if self > Int128(Int64.max) { return .max }
        if self < Int128(Int64.min) { return .min }
        return Int64(self)
    }
}
