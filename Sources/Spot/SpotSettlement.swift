import HarbourCore

/// The exact arithmetic of spot orders and fills (SPOT-1): notionals, fees, deliveries
/// and what an open order keeps locked. Pure functions of the spec; the engine posts them.
///
/// A buy order locks, for its remaining quantity `q` at its limit price `P`,
/// `q × P × quoteFactor + (q / lot) × ⌈lot × P × quoteFactor × r⌉` of quote, where `r` is
/// the highest fee rate it may pay (maker or taker, never below 0). The lock is linear in
/// `q`, so a fill of `q'` releases exactly `lock(q')`; and since ⌈·⌉ is subadditive, the
/// fee actually charged on any fill (⌈notional × rate⌉ at a price ≤ P) never exceeds the
/// fee part released. What is left over goes back to the buyer's cash: no residue.
/// A sell order locks `q × baseFactor` of base; its fee is paid out of the proceeds.
public enum SpotSettlement {
    /// Quote raw units of `quantity` at `price`.
    @inlinable
    public static func notional(_ spec: SpotMarketSpec, price: Int64, quantity: Int64) -> Int64 {
        price * quantity * spec.quoteFactor
    }

    /// Base raw units delivered for `quantity`.
    @inlinable
    public static func delivery(_ spec: SpotMarketSpec, quantity: Int64) -> Int64 { quantity * spec.baseFactor }

    /// The fee on `notional` at `rate`: positive (charged, rounded up) or negative (a
    /// rebate, rounded down in magnitude) — the venue's side either way.
    @inlinable
    public static func fee(notional: Int64, rate: Rate) -> Int64 {
        if rate.raw >= 0 { return rate.apply(to: Amount(raw: notional), rounding: .up).raw }
        return -Rate(raw: -rate.raw).apply(to: Amount(raw: notional), rounding: .down).raw
    }

    /// The fee reserved per lot of a buy at `price` for fee rate `rate` (≥ 0).
    @inlinable
    public static func feePerLot(_ spec: SpotMarketSpec, price: Int64, rate: Rate) -> Int64 {
        fee(notional: notional(spec, price: price, quantity: spec.market.lotSize), rate: Rate(raw: max(0, rate.raw)))
    }

    /// Quote a buy of `quantity` at limit `price` locks while open (see the type's comment).
    @inlinable
    public static func buyLock(_ spec: SpotMarketSpec, price: Int64, quantity: Int64, rate: Rate) -> Int64 {
        notional(spec, price: price, quantity: quantity) + quantity / spec.market.lotSize * feePerLot(spec, price: price, rate: rate)
    }

    /// The highest fee rate an order of a tier may pay (maker or taker, at least 0).
    @inlinable
    public static func lockRate(_ tier: FeeTier) -> Rate { Rate(raw: max(0, tier.maker.raw, tier.taker.raw)) }
}
