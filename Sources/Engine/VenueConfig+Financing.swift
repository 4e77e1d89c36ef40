import Financing
import HarbourCore

/// The venue's margin-financing defaults (FIN-1..6; docs/FINANCING.md): BTC and ETH at
/// the virtual-asset haircut floor or above, one listed share with its own haircut, the
/// standard margin levels, the FIN-3 limits and the credit rule.
extension VenueConfig {
    /// The collateral list, levels, limits and credit rule of the built-in venue.
    public static let standardFinancing: FinancingConfig = {
        do {
            let collateral = [
                CollateralAsset(code: "BTC", kind: .virtualAsset, quantityScale: DecimalScale(8), haircut: Rate(raw: 60_000_000)),
                CollateralAsset(code: "ETH", kind: .virtualAsset, quantityScale: DecimalScale(8), haircut: Rate(raw: 65_000_000)),
                CollateralAsset(code: "0700.HK", kind: .security, quantityScale: DecimalScale(0), haircut: Rate(raw: 30_000_000)),
            ]
            let limits = try ControlLimits(clientShareOfCapital: Rate(raw: 25_000_000), clientShareOfLoanBook: Rate(raw: 40_000_000),
                                           loanBookShareMinimumBook: Amount(raw: 10_000_000 * 1_000_000),
                                           collateralGroupShare: Rate(raw: 60_000_000), collateralShareMinimumPool: Amount(raw: 10_000_000 * 1_000_000),
                                           lendingMultiple: 5)
            let rule = try CreditLimitRule(volatilityDiscount: Rate(raw: 50_000_000), liquidFraction: Rate(raw: 50_000_000),
                                           cap: Amount(raw: 50_000_000 * 1_000_000))
            return try FinancingConfig(collateral: collateral, limits: limits, creditRule: rule)
        } catch {
            fatalError("built-in financing configuration: \(error)")
        }
    }()

    /// Collateral that is not a spot asset (listed securities), held at the venue only to
    /// be pledged: shares at their quantity scale.
    var securityAssets: [Asset] {
        guard let financing else { return [] }
        return financing.collateral.values.filter { $0.kind == .security }.sorted { $0.code < $1.code }
            .map { Asset(code: $0.code, scale: $0.quantityScale) }
    }
}
