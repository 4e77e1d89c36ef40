import HarbourCore

/// The financing configuration, validated at load (FIN-2, FIN-3, FIN-5): the settlement
/// asset, the eligible-collateral list (a virtual-asset haircut below 60% is refused
/// with an error naming the asset), the margin levels, the control limits, the credit
/// rule, the call deadline in business days, and the forced-sale price band.
public struct FinancingConfig: Sendable, Hashable {
    public let settlement: Asset
    public internal(set) var collateral: [String: CollateralAsset]
    public let levels: MarginLevels
    public internal(set) var limits: ControlLimits
    public let creditRule: CreditLimitRule
    public let callDeadlineBusinessDays: Int
    public let calendar: BusinessCalendar
    /// A forced sale on the spot book fills no lower than index × (1 − band).
    public let forcedSaleBand: Rate

    public init(settlement: Asset = .usd, collateral: [CollateralAsset], levels: MarginLevels = .standard, limits: ControlLimits,
                creditRule: CreditLimitRule, callDeadlineBusinessDays: Int = 2, calendar: BusinessCalendar = BusinessCalendar(),
                forcedSaleBand: Rate = Rate(raw: 5_000_000)) throws(FinancingError) {
        var byCode: [String: CollateralAsset] = [:]
        for asset in collateral {
            guard !asset.code.isEmpty, asset.code != settlement.code else {
                throw .invalidHaircut(asset: asset.code, "a collateral asset has a code other than the settlement asset's")
            }
            try CollateralAsset.validate(haircut: asset.haircut, for: asset.code, kind: asset.kind)
            guard byCode.updateValue(asset, forKey: asset.code) == nil else { throw .duplicateAsset(asset.code) }
        }
        guard (1...20).contains(callDeadlineBusinessDays) else {
            throw .invalidLevels("the call deadline is 1 to 20 business days, not \(callDeadlineBusinessDays)")
        }
        guard forcedSaleBand >= .zero, forcedSaleBand < .one else { throw .invalidLevels("the forced-sale band is in [0%, 100%)") }
        self.settlement = settlement
        self.collateral = byCode
        self.levels = levels
        self.limits = limits
        self.creditRule = creditRule
        self.callDeadlineBusinessDays = callDeadlineBusinessDays
        self.calendar = calendar
        self.forcedSaleBand = forcedSaleBand
    }

    /// The largest quantity scale on the list (the valuation's common denominator).
    public var valuation: MarginValuation {
        MarginValuation(maxQuantityDecimals: collateral.values.map(\.quantityScale.decimals).max() ?? 0)
    }
}

/// A sensitive financing change (REG-4), carried by a `FourEyesRequest` and applied by
/// `LoanBook.apply` only once a different checker approved it.
public enum FinancingChange: Sendable, Hashable {
    /// A new haircut for one collateral asset (the VA floor still holds), applied at once
    /// to every loan.
    case haircut(asset: String, Rate)
    /// New FIN-3 limits.
    case limits(ControlLimits)
}
