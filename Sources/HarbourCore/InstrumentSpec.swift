/// The contract specification of one linear perpetual (PERP-1): how it is quoted, sized,
/// margined and limited. Loaded from configuration; the engine never edits it silently.
///
/// Prices are integers of `priceScale`, sizes of `sizeScale`, money of the settlement
/// asset's scale. `priceScale.decimals + sizeScale.decimals` must not exceed the asset's
/// decimals, so that every notional (price × size) is exact in the settlement asset.
public struct InstrumentSpec: Sendable, Hashable {
    public let symbol: String
    public let underlying: String
    public let settlementAsset: Asset
    public let priceScale: DecimalScale
    public let sizeScale: DecimalScale
    /// Smallest price increment, raw price units.
    public let tickSize: Int64
    /// Smallest size increment, raw size units.
    public let lotSize: Int64
    public let minQuantity: Int64
    public let maxQuantity: Int64
    /// Largest price an order or mark may have, raw price units (bounds all products).
    public let maxPrice: Int64
    public let maxLeverage: Int64
    /// Risk-limit tiers, ascending by `notionalCap`; the last one caps the position.
    public let tiers: [MaintenanceTier]
    /// Limit orders further than this from mark are refused (PRICE-4).
    public let priceBand: Rate
    /// Market orders fill no further than this from mark (protection band).
    public let marketProtection: Rate
    /// Largest absolute position (plus same-side open orders), raw size units.
    public let positionLimit: Int64
    public let maxOpenOrders: Int
    public let fundingIntervalMs: Int64

    public init(symbol: String, underlying: String, settlementAsset: Asset, priceScale: DecimalScale,
                sizeScale: DecimalScale, tickSize: Int64, lotSize: Int64, minQuantity: Int64,
                maxQuantity: Int64, maxPrice: Int64, maxLeverage: Int64, tiers: [MaintenanceTier],
                priceBand: Rate, marketProtection: Rate, positionLimit: Int64, maxOpenOrders: Int,
                fundingIntervalMs: Int64) {
        self.symbol = symbol
        self.underlying = underlying
        self.settlementAsset = settlementAsset
        self.priceScale = priceScale
        self.sizeScale = sizeScale
        self.tickSize = tickSize
        self.lotSize = lotSize
        self.minQuantity = minQuantity
        self.maxQuantity = maxQuantity
        self.maxPrice = maxPrice
        self.maxLeverage = maxLeverage
        self.tiers = MaintenanceTier.withDeductions(tiers)
        self.priceBand = priceBand
        self.marketProtection = marketProtection
        self.positionLimit = positionLimit
        self.maxOpenOrders = maxOpenOrders
        self.fundingIntervalMs = fundingIntervalMs
    }

    /// The same contract with new risk limits (PERP-1 live change, approved by four-eyes):
    /// everything that fixes how it is quoted and sized stays; tiers get fresh deductions.
    public func withRiskLimits(maxLeverage: Int64, tiers: [MaintenanceTier], positionLimit: Int64) -> InstrumentSpec {
        InstrumentSpec(symbol: symbol, underlying: underlying, settlementAsset: settlementAsset, priceScale: priceScale,
                       sizeScale: sizeScale, tickSize: tickSize, lotSize: lotSize, minQuantity: minQuantity, maxQuantity: maxQuantity,
                       maxPrice: maxPrice, maxLeverage: maxLeverage, tiers: tiers, priceBand: priceBand,
                       marketProtection: marketProtection, positionLimit: positionLimit, maxOpenOrders: maxOpenOrders,
                       fundingIntervalMs: fundingIntervalMs)
    }

    /// Raw product units (price raw × size raw) per settlement-asset unit factor:
    /// `asset = product × productToAsset`.
    public var productToAsset: Int64 {
        let d = settlementAsset.scale.decimals - priceScale.decimals - sizeScale.decimals
        var f: Int64 = 1
        for _ in 0..<d { f *= 10 }
        return f
    }

    /// Problems that make the spec unusable (empty when it is sound).
    public func validationProblems() -> [String] {
        var p: [String] = []
        if priceScale.decimals + sizeScale.decimals > settlementAsset.scale.decimals {
            p.append("\(symbol): price decimals + size decimals exceed the settlement asset's decimals; notionals would not be exact")
        }
        if tickSize <= 0 { p.append("\(symbol): tick size must be positive") }
        if lotSize <= 0 {
            p.append("\(symbol): lot size must be positive")
        } else {
            if minQuantity <= 0 || minQuantity % lotSize != 0 { p.append("\(symbol): min quantity must be a positive multiple of the lot") }
            if maxQuantity < minQuantity || maxQuantity % lotSize != 0 { p.append("\(symbol): max quantity must be a multiple of the lot, ≥ min") }
        }
        if maxLeverage < 1 { p.append("\(symbol): max leverage must be ≥ 1") }
        if tiers.isEmpty { p.append("\(symbol): at least one risk tier") }
        for i in tiers.indices.dropFirst() where tiers[i].notionalCap <= tiers[i - 1].notionalCap {
            p.append("\(symbol): tier caps must ascend")
        }
        if positionLimit <= 0 { p.append("\(symbol): position limit must be positive") }
        if !p.isEmpty { return p }   // the bound below assumes a sound spec
        // Bound every product: max price × (position limit + all open orders) in asset
        // units must stay far inside Int64.
        let worst = Int128(maxPrice) * Int128(positionLimit + Int64(maxOpenOrders + 1) * maxQuantity) * Int128(productToAsset)
        if worst > Int128(1) << 61 { p.append("\(symbol): max price × position bound overflows 61 bits") }
        return p
    }

    /// The tier that applies to a position of `notional` (asset units).
    @inlinable public func tier(forNotional notional: Int64) -> MaintenanceTier {
        for t in tiers where notional <= t.notionalCap { return t }
        return tiers[tiers.count - 1]
    }
}
