/// One row of a contract's risk-limit table (PERP-1, RISK-1): up to `notionalCap` of
/// position notional, maintenance margin is `notional × maintenanceRate − deduction`
/// and leverage is at most `maxLeverage`. `deduction` (Binance's "maintenance amount")
/// keeps the maintenance margin continuous across tier boundaries.
public struct MaintenanceTier: Sendable, Hashable {
    /// Upper bound of position notional for this tier, in settlement-asset units.
    public let notionalCap: Int64
    public let maintenanceRate: Rate
    public let maxLeverage: Int64
    /// Continuity deduction, in settlement-asset units (derived, see `withDeductions`).
    public let deduction: Int64

    public init(notionalCap: Int64, maintenanceRate: Rate, maxLeverage: Int64, deduction: Int64 = 0) {
        self.notionalCap = notionalCap
        self.maintenanceRate = maintenanceRate
        self.maxLeverage = maxLeverage
        self.deduction = deduction
    }

    /// Derives each tier's deduction so that maintenance margin is continuous:
    /// `cum_i = cum_{i-1} + cap_{i-1} × (mmr_i − mmr_{i-1})`. The products are exact
    /// multiples of 1e-8 of an asset unit; the deduction is rounded DOWN (a smaller
    /// deduction means a larger maintenance margin: the platform's side).
    public static func withDeductions(_ tiers: [MaintenanceTier]) -> [MaintenanceTier] {
        var out: [MaintenanceTier] = []
        var cum: Int128 = 0
        for (i, t) in tiers.enumerated() {
            if i > 0 {
                let prev = tiers[i - 1]
                cum += (Int128(prev.notionalCap) * Int128(t.maintenanceRate.raw - prev.maintenanceRate.raw))
            }
            out.append(MaintenanceTier(notionalCap: t.notionalCap, maintenanceRate: t.maintenanceRate,
                                       maxLeverage: t.maxLeverage,
                                       deduction: Int64(cum.divided(by: 100_000_000, rounding: .down))))
        }
        return out
    }
}
