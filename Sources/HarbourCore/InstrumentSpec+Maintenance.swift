extension InstrumentSpec {
    /// Maintenance margin of one position of `notional` (raw settlement-asset units, i.e.
    /// |size| × mark × productToAsset): the rate of the tier the notional falls in plus the
    /// volatility add-on in force (`addOnRaw`, raw 1e-8, RISK-6), rounded UP, less the
    /// tier's deduction, never below zero (RISK-1..3).
    ///
    /// The one definition: the engine's liquidation and margin checks and the REG-3
    /// `positions` report all call it, so the venue and its reports cannot disagree.
    @inlinable public func maintenanceMargin(notional: Int128, addOnRaw: Int64) -> Int128 {
        let tier = tier(forNotional: notional.clampedInt64)
        let rate = Int128(tier.maintenanceRate.raw + addOnRaw)
        return max(0, Rate.scaled(notional, byRaw: rate, rounding: .up) - Int128(tier.deduction))
    }
}
