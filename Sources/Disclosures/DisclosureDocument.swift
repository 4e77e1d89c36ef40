import Crypto
import Engine
import HarbourCore
import Risk

/// The risk disclosure of one contract (REG-1), generated from the live contract spec and
/// risk parameters, so it can never disagree with the engine: leverage and the margin tier
/// table, liquidation and the loss-allocation waterfall with a worked example computed by
/// the engine, the pricing methodology, fees, affiliated market makers and financing.
///
/// `terms` (Markdown) is what a client acknowledges; its SHA-256 `fingerprint` identifies
/// the version. Current figures (the insurance fund, the last funding rate) are shown
/// beside it but are not part of the terms, so they do not make a new version.
public struct DisclosureDocument: Sendable, Equatable {
    public let symbol: String
    /// The versioned text, Markdown.
    public let terms: String
    /// SHA-256 of `terms`, hex.
    public let fingerprint: String
    public let example: WorkedLiquidationExample?

    /// Builds the disclosure of instrument `index`.
    public static func make(config: VenueConfig, instrument index: Int, marketMakers: [String] = []) -> DisclosureDocument {
        let spec = config.instruments[index]
        let example = WorkedLiquidationExample.compute(config: config, instrument: index)
        var md = Markdown()
        md.line("# \(spec.symbol) — risk disclosure")
        md.line("")
        md.line("A linear perpetual contract on \(spec.underlying), quoted, margined and settled in \(config.settlementAsset.code). "
                + "For professional investors only. You can lose all the margin you post; you cannot lose more than your account's equity "
                + "(losses beyond it are covered by the insurance fund and, when it is exhausted, by auto-deleveraging).")
        contract(&md, spec)
        margin(&md, spec, config, index)
        liquidation(&md, config, example)
        pricing(&md, config.pricing[index], spec)
        fees(&md, config)
        md.line("")
        md.line("## Affiliated market makers")
        md.line(marketMakers.isEmpty ? "No affiliated market maker is registered on this contract."
                                     : "Registered: " + marketMakers.joined(separator: ", ") + ". They trade through the same API, limits, priority and fees as every client.")
        md.line("")
        md.line("## Margin financing")
        md.line("Margin financing against virtual-asset collateral is not offered on this contract.")
        let terms = md.text
        return DisclosureDocument(symbol: spec.symbol, terms: terms, fingerprint: hex(SHA256.hash(data: Array(terms.utf8))), example: example)
    }

    static func contract(_ md: inout Markdown, _ spec: InstrumentSpec) {
        let px = { FixedDecimal.format($0, scale: spec.priceScale) }
        let sz = { FixedDecimal.format($0, scale: spec.sizeScale) }
        md.line("")
        md.line("## The contract")
        md.line("| term | value |")
        md.line("| --- | --- |")
        md.line("| tick size | \(px(spec.tickSize)) |")
        md.line("| lot size | \(sz(spec.lotSize)) |")
        md.line("| order size | \(sz(spec.minQuantity)) to \(sz(spec.maxQuantity)) |")
        md.line("| maximum leverage | \(spec.maxLeverage)x |")
        md.line("| position limit | \(sz(spec.positionLimit)) |")
        md.line("| price band (limit orders vs mark) | ±\(percent(spec.priceBand)) |")
        md.line("| market-order protection | \(percent(spec.marketProtection)) from mark |")
        md.line("| funding interval | \(spec.fundingIntervalMs / 3_600_000) h |")
    }

    static func margin(_ md: inout Markdown, _ spec: InstrumentSpec, _ config: VenueConfig, _ index: Int) {
        let money = { FixedDecimal.format($0, scale: config.settlementAsset.scale) }
        md.line("")
        md.line("## Leverage and margin")
        md.line("Initial margin = notional ÷ leverage (your leverage, at most the tier's maximum and your own cap). "
                + "Maintenance margin = notional × the tier's rate − the tier's deduction, by the position's notional:")
        md.line("")
        md.line("| notional up to | maintenance rate | max leverage | deduction |")
        md.line("| --- | --- | --- | --- |")
        for tier in spec.tiers {
            md.line("| \(money(tier.notionalCap)) | \(percent(tier.maintenanceRate)) | \(tier.maxLeverage)x | \(money(tier.deduction)) |")
        }
        let steps = index < config.risk.instruments.count ? config.risk.instruments[index].volatilityAddOns.steps : []
        if !steps.isEmpty {
            md.line("")
            md.line("When the contract's realised volatility (EWMA of the mark, λ \(config.risk.ewmaLambda.formatted)) rises, "
                    + "a margin add-on applies to initial and maintenance margin: "
                    + steps.map { "volatility ≥ \(percent($0.threshold)) → +\(percent($0.addOn))" }.joined(separator: "; ") + ".")
        }
    }

    static func liquidation(_ md: inout Markdown, _ config: VenueConfig, _ example: WorkedLiquidationExample?) {
        md.line("")
        md.line("## Liquidation and loss allocation")
        md.line("When your equity falls below the maintenance margin at the **mark price** (never the last trade price), "
                + "your open orders are cancelled and the position is reduced by liquidation orders into the book, one tier at a "
                + "time, at prices no worse than the bankruptcy price. A liquidation fee of \(percent(config.liquidationFeeRate)) of "
                + "the notional goes to the insurance fund (capped at your remaining equity). A loss beyond your equity is covered "
                + "by the insurance fund; when the fund cannot cover it, positions on the other side are auto-deleveraged, the most "
                + "profitable and most leveraged first; your ADL rank is published to you.")
        guard let example else { return }
        let spec = config.instruments.first { $0.symbol == example.symbol }!
        let px = { FixedDecimal.format($0, scale: spec.priceScale) }
        let money = { FixedDecimal.format($0, scale: config.settlementAsset.scale) }
        md.line("")
        md.line("### Worked example (computed by the engine)")
        md.line("| | |")
        md.line("| --- | --- |")
        md.line("| position | long \(FixedDecimal.format(example.quantity, scale: spec.sizeScale)) at \(px(example.entryPrice)), isolated, leverage \(example.leverage)x |")
        md.line("| margin posted | \(money(example.margin)) |")
        md.line("| liquidation price | \(px(example.liquidationPrice)) (liquidated at a mark at or below it) |")
        md.line("| bankruptcy price | \(example.bankruptcyPrice.map(px) ?? "—") (the margin is exhausted) |")
        md.line("| loss at the liquidation price | \(money(example.lossAtLiquidation)) |")
        md.line("| liquidation fee | \(money(example.fee)) |")
        md.line("")
        md.line("Replay it yourself — save these lines and run `harbour replay FILE`:")
        md.line("")
        md.line("```")
        for line in example.replayLines { md.line(line) }
        md.line("```")
    }

    static func pricing(_ md: inout Markdown, _ p: PricingParameters, _ spec: InstrumentSpec) {
        md.line("")
        md.line("## Pricing methodology")
        md.line("- **Index price**: the weighted median of " + p.sources.map { "\($0.name) (weight \($0.weight))" }.joined(separator: ", ")
                + ". A source is excluded when it has not updated for \(p.staleAfterMs / 1000) s or deviates more than "
                + "\(percent(p.maxDeviation)) from the median of the others; with fewer than \(p.minSources) sources left the index "
                + "holds and the contract goes cancel-only.")
        md.line("- **Mark price** = index + basis, the basis being the moving average of (order-book mid − index) over "
                + "\(p.basisSamples) samples \(p.basisSampleIntervalMs / 1000) s apart, clamped to ±\(percent(p.basisCap)) of the index.")
        md.line("- **Funding** every \(spec.fundingIntervalMs / 3_600_000) h: rate = premium + clamp(interest − premium, ±\(percent(p.interestClamp))), "
                + "interest \(percent(p.interestPer8h)) per 8 h, premium from the impact bid/ask for a \(FixedDecimal.format(p.impactMargin, scale: spec.settlementAsset.scale)) "
                + "impact notional sampled every \(p.premiumSampleIntervalMs / 1000) s and averaged; capped to "
                + "\(percent(p.fundingFloor))…\(percent(p.fundingCap)). Each position pays or receives size × mark × rate; longs pay when the rate is positive.")
        md.line("- **Volatility interruption**: a mark move of more than \(percent(p.volatilityThreshold)) within \(p.volatilityWindowMs / 1000) s "
                + "pauses matching (cancel-only) for \(p.volatilityCoolOffMs / 1000) s.")
    }

    static func fees(_ md: inout Markdown, _ config: VenueConfig) {
        md.line("")
        md.line("## Fees")
        md.line("| tier | maker | taker |")
        md.line("| --- | --- | --- |")
        for tier in config.feeTiers { md.line("| \(tier.name) | \(percent(tier.maker)) | \(percent(tier.taker)) |") }
    }

    /// A rate as a percentage with no more decimals than it has.
    static func percent(_ rate: Rate) -> String { FixedDecimal.format(rate.raw, scale: DecimalScale(6)) + "%" }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { b in let s = String(b, radix: 16); return s.count == 1 ? "0" + s : s }.joined()
    }
}

/// Builds Markdown line by line.
struct Markdown {
    private(set) var text = ""
    mutating func line(_ s: String) { text += s + "\n" }
}
