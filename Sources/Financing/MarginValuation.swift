import HarbourCore

/// Exact valuation of collateral (FIN-2, FIN-5). Prices are settlement-asset raw units
/// per whole unit of the collateral asset (BTC at 60,000 USD = 60_000_000_000 micro-USD);
/// quantities are raw units at the asset's quantity scale.
///
///     margin value = Σ qty × price × (1 − haircut)    rounded down once, over the sum
///
/// Each term's numerator `qty.raw × price.raw × (1e8 − haircut.raw) × 10^(d − decimals)`
/// shares one denominator `1e8 × 10^d` (d: the largest quantity scale on the collateral
/// list), so the sum is exact and the only rounding — down, in the broker's favour — is
/// the final division. `Int128` holds every product for quantities up to 1e15 raw units
/// and prices up to 1e13 (the bounds `LoanBook` enforces at entry).
public struct MarginValuation: Sendable, Hashable {
    /// Decimals of the common denominator's quantity part.
    public let decimals: Int
    /// `1e8 × 10^decimals`.
    public let denominator: Int128

    public init(maxQuantityDecimals: Int) {
        decimals = maxQuantityDecimals
        denominator = Int128(Rate.one.raw) * DecimalScale.pow10(maxQuantityDecimals)
    }

    /// Largest accepted raw quantity and price (keeps every product inside `Int128`).
    public static let maxQuantityRaw: Int64 = 1_000_000_000_000_000
    public static let maxPriceRaw: Int64 = 10_000_000_000_000

    /// The per-price-unit weight of a holding: `qty × (1e8 − haircut) × 10^(d − decimals)`.
    /// Margin-value numerator = weight × price.
    public func weight(_ quantity: Quantity, of asset: CollateralAsset) -> Int128 {
        Int128(quantity.raw) * Int128(Rate.one.raw - asset.haircut.raw) * DecimalScale.pow10(decimals - asset.quantityScale.decimals)
    }

    /// Margin value of one holding, rounded down.
    public func marginValue(_ quantity: Quantity, of asset: CollateralAsset, at price: Price) -> Amount {
        Amount(raw: Int64((weight(quantity, of: asset) * Int128(price.raw)).divided(by: denominator, rounding: .down)))
    }

    /// Market value (no haircut) of one holding, rounded down.
    public static func marketValue(_ quantity: Quantity, of asset: CollateralAsset, at price: Price) -> Amount {
        let product = Int128(quantity.raw) * Int128(price.raw)
        return Amount(raw: Int64(product.divided(by: Int128(asset.quantityScale.unit), rounding: .down)))
    }

    /// The exact numerator of a set of holdings' margin value (over `denominator`).
    public func numerator(_ holdings: [(CollateralAsset, Quantity, Price)]) -> Int128 {
        var sum: Int128 = 0
        for (asset, quantity, price) in holdings { sum += weight(quantity, of: asset) * Int128(price.raw) }
        return sum
    }

    /// Σ margin value of the holdings, rounded down once.
    public func marginValue(_ holdings: [(CollateralAsset, Quantity, Price)]) -> Amount {
        Amount(raw: Int64(numerator(holdings).divided(by: denominator, rounding: .down)))
    }

    /// The highest price of one holding (weight `weight`) at which the total margin value
    /// is below `required`, with the other holdings' numerator fixed at `others`; nil when
    /// no positive price puts it below (the others already cover it) — and `Int64.max`
    /// when every price does (the asset counts for nothing).
    ///
    /// floor((weight × P + others) / D) < required  ⟺  weight × P < required × D − others
    ///   ⟺  P ≤ ⌈(required × D − others) / weight⌉ − 1      (exact; no price is missed)
    public func crossingPrice(weight: Int128, others: Int128, required: Int128) -> Int64? {
        let gap = required * denominator - others
        if gap <= 0 { return nil }
        if weight <= 0 { return .max }
        let price = gap.divided(by: weight, rounding: .up) - 1
        return price < 1 ? nil : price.clampedInt64
    }
}
