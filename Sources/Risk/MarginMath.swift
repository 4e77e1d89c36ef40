import HarbourCore

/// Initial and maintenance margin formulas (RISK-1), all rounded up (platform's favour).
public enum MarginMath {
    /// Position notional `|qty| × price` in settlement units, rounded up.
    @inlinable
    public static func positionNotional(_ quantity: Quantity, at price: Price, notional: Notional) -> Amount {
        notional.amount(price, quantity.magnitude, rounding: .up)
    }

    /// `notional × mmr − cum` for a given tier, with the product rounded up.
    @inlinable
    public static func maintenanceMargin(notional: Amount, tier: RiskTier) -> Amount {
        let product = (Int128(notional.raw) * Int128(tier.maintenanceMarginRate.raw))
            .divided(by: Int128(Rate.one.raw), rounding: .up)
        return Amount(raw: Int64(product) - tier.maintenanceAmount.raw)
    }

    /// Maintenance margin for `notional` using the tier that contains it; nil when the
    /// notional is above the table's last cap (no such position is allowed).
    public static func maintenanceMargin(notional: Amount, table: RiskTierTable) -> Amount? {
        guard let tier = table.tier(for: notional) else { return nil }
        return maintenanceMargin(notional: notional, tier: tier)
    }

    /// `notional / leverage`, rounded up.
    @inlinable
    public static func initialMargin(notional: Amount, leverage: Int64) -> Amount {
        precondition(leverage >= 1, "leverage must be at least 1")
        return Amount(raw: Int64(Int128(notional.raw).divided(by: Int128(leverage), rounding: .up)))
    }

    /// `notional × rate`, rounded up (for an initial margin rate such as 1/125 = 0.8%).
    @inlinable
    public static func initialMargin(notional: Amount, rate: Rate) -> Amount {
        rate.apply(to: notional, rounding: .up)
    }

    /// The leverage a position of `notional` may use: the lower of the client's cap and
    /// the tier's max leverage; nil above the last cap.
    public static func allowedLeverage(notional: Amount, table: RiskTierTable, clientCap: Int64) -> Int64? {
        guard let tier = table.tier(for: notional) else { return nil }
        return min(tier.maxLeverage, clientCap)
    }
}
