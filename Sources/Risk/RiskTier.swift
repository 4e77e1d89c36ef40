import HarbourCore

/// One row of a contract's risk-limit (maintenance-margin) tier table (RISK-1).
///
/// A position whose notional is at most `notionalCap` (and above the previous tier's cap)
/// uses this tier's maintenance margin rate, maximum leverage and maintenance amount.
/// The maintenance amount ("cum" in Binance's rule book) is what makes maintenance
/// margin continuous across tier boundaries: `MM = notional × mmr − cum`.
public struct RiskTier: Sendable, Hashable {
    /// Upper bound of the tier's position notional, inclusive, in settlement-asset units.
    public let notionalCap: Amount
    /// Maintenance margin rate applied to the whole notional while in this tier.
    public let maintenanceMarginRate: Rate
    /// Highest leverage allowed for a position in this tier.
    public let maxLeverage: Int64
    /// Maintenance amount deducted from `notional × mmr` ("cum").
    public let maintenanceAmount: Amount

    public init(notionalCap: Amount, maintenanceMarginRate: Rate, maxLeverage: Int64, maintenanceAmount: Amount) {
        precondition(notionalCap.raw > 0, "tier cap must be positive")
        precondition(maintenanceMarginRate.raw > 0 && maintenanceMarginRate < Rate.one, "mmr must be in (0, 100%)")
        precondition(maxLeverage >= 1, "max leverage must be at least 1")
        self.notionalCap = notionalCap
        self.maintenanceMarginRate = maintenanceMarginRate
        self.maxLeverage = maxLeverage
        self.maintenanceAmount = maintenanceAmount
    }

    /// Initial margin rate at this tier's max leverage (`1 / maxLeverage`), rounded up.
    public var initialMarginRateAtMaxLeverage: Rate {
        Rate(raw: Int64(Int128(Rate.one.raw).divided(by: Int128(maxLeverage), rounding: .up)))
    }
}
