import HarbourCore

/// Impact bid / ask price (PRICE-3): the average fill price of a market order of a fixed
/// impact notional walked through one side of the book, best level first.
///
/// The average is exact: `impact notional / quantity filled`, where the last level may be
/// filled by a fraction of a lot (the quantity is the exact rational `remaining / price`).
/// It is rounded against the taker: the impact **bid** (selling into bids) is rounded
/// **down**, the impact **ask** (buying from asks) **up**.
public enum ImpactPrice {
    /// Which side of the book is walked.
    public enum BookSide: Sendable, Hashable {
        /// Walk the bids (best = highest); yields the impact bid.
        case bid
        /// Walk the asks (best = lowest); yields the impact ask.
        case ask
    }

    /// Binance's impact margin notional: `margin / initial margin rate at max leverage`
    /// (e.g. 200 USDT / 0.8% = 25,000 USDT at 125×), rounded up (walks at least as deep).
    @inlinable
    public static func impactNotional(margin: Amount, initialMarginRate: Rate) -> Amount {
        precondition(initialMarginRate.raw > 0)
        let q = (Int128(margin.raw) * Int128(Rate.one.raw)).divided(by: Int128(initialMarginRate.raw), rounding: .up)
        return Amount(raw: Int64(q))
    }

    /// `margin × maxLeverage`: the same notional when the rate is exactly `1/maxLeverage`.
    @inlinable
    public static func impactNotional(margin: Amount, maxLeverage: Int64) -> Amount {
        Amount(raw: margin.raw * maxLeverage)
    }

    /// The impact price on `side` for `impactNotional` (settlement units), walking
    /// `levels` best first; nil when the side is too thin to fill the whole notional.
    /// Levels with non-positive price or quantity are skipped. Does not allocate.
    public static func compute<Levels: Sequence<BookLevel>>(
        side: BookSide, levels: Levels, impactNotional: Amount, notional: Notional
    ) -> Price? {
        precondition(impactNotional.raw > 0, "impact notional must be positive")
        // Target in product units (price raw × qty raw). When the asset has more decimals
        // than the product, the target is rounded up (at least the impact notional).
        let target: Int128
        if notional.assetDecimals >= notional.productDecimals {
            target = Int128(impactNotional.raw).divided(
                by: DecimalScale.pow10(notional.assetDecimals - notional.productDecimals), rounding: .up)
        } else {
            target = Int128(impactNotional.raw) * DecimalScale.pow10(notional.productDecimals - notional.assetDecimals)
        }
        var filledValue: Int128 = 0   // Σ price × qty of fully taken levels
        var filledQty: Int128 = 0
        let rounding: Rounding = side == .bid ? .down : .up
        for level in levels {
            let p = Int128(level.price.raw)
            let q = Int128(level.quantity.raw)
            guard p > 0, q > 0 else { continue }
            let value = p * q
            if filledValue + value >= target {
                // Partial at p: qty = (target − filledValue) / p exactly, so
                // avg = target / (filledQty + (target − filledValue)/p)
                //     = target × p / (filledQty × p + target − filledValue).
                let denominator = filledQty * p + target - filledValue
                return Price(raw: Int64((target * p).divided(by: denominator, rounding: rounding)))
            }
            filledValue += value
            filledQty += q
        }
        return nil
    }
}
