import HarbourCore

/// The specification of one spot market (SPOT-1): a base virtual asset (BTC, ETH) traded
/// against the quote (settlement) asset, settled delivery-versus-payment on the ledger.
///
/// Prices are raw units of `priceScale` (quote per whole base unit), sizes raw units of
/// `sizeScale`. A size in base-asset raw units is `size × baseFactor`; a notional in quote
/// raw units is `price × size × quoteFactor`. Both factors are exact powers of ten, so no
/// settlement ever rounds: `sizeScale ≤ base decimals` and `priceScale + sizeScale ≤ quote
/// decimals` are required (`validationProblems`).
public struct SpotMarketSpec: Sendable, Hashable {
    /// The market as the order path sees it (symbol, scales, tick, lot, sizes, bands).
    /// Its leverage, tiers, position limit and funding interval mean nothing on spot.
    public let market: InstrumentSpec
    /// The asset bought and sold.
    public let base: Asset

    public var symbol: String { market.symbol }
    /// The asset paid and received (the venue's settlement asset).
    public var quote: Asset { market.settlementAsset }

    public init(symbol: String, base: Asset, quote: Asset, priceScale: DecimalScale, sizeScale: DecimalScale,
                tickSize: Int64, lotSize: Int64, minQuantity: Int64, maxQuantity: Int64, maxPrice: Int64,
                priceBand: Rate, marketProtection: Rate, maxOpenOrders: Int) {
        self.base = base
        market = InstrumentSpec(
            symbol: symbol, underlying: base.code, settlementAsset: quote, priceScale: priceScale, sizeScale: sizeScale,
            tickSize: tickSize, lotSize: lotSize, minQuantity: minQuantity, maxQuantity: maxQuantity, maxPrice: maxPrice,
            maxLeverage: 1, tiers: [MaintenanceTier(notionalCap: Int64.max, maintenanceRate: Rate(raw: 0), maxLeverage: 1)],
            priceBand: priceBand, marketProtection: marketProtection, positionLimit: maxQuantity,
            maxOpenOrders: maxOpenOrders, fundingIntervalMs: 0)
    }

    /// Base-asset raw units per raw size unit.
    public var baseFactor: Int64 { Self.power10(base.scale.decimals - market.sizeScale.decimals) }
    /// Quote-asset raw units per raw (price × size) unit.
    public var quoteFactor: Int64 { market.productToAsset }

    /// Problems that make the spec unusable (empty when it is sound).
    public func validationProblems() -> [String] {
        var p: [String] = []
        if market.sizeScale.decimals > base.scale.decimals {
            p.append("\(symbol): size decimals exceed \(base.code)'s decimals; deliveries would not be exact")
        }
        if base.code == quote.code { p.append("\(symbol): base and quote asset are the same") }
        p += market.validationProblems()
        if p.isEmpty {
            // Every notional (and a buy's reservation, fees included) must stay far inside Int64.
            let worst = Int128(market.maxPrice) * Int128(market.maxQuantity) * Int128(quoteFactor) * 2
            if worst > Int128(1) << 60 { p.append("\(symbol): max price × max quantity overflows 60 bits") }
        }
        return p
    }

    static func power10(_ n: Int) -> Int64 {
        var f: Int64 = 1
        for _ in 0..<max(0, n) { f *= 10 }
        return f
    }
}
