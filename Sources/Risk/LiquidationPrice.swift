import HarbourCore

/// Liquidation and bankruptcy prices of a one-way (BOTH) position (RISK-4), with
/// Binance's USDⓈ-M formula for one position:
///
///     LP = (WB − TMM1 + UPNL1 + cum − side × |Q| × EP) / (|Q| × MMR − side × |Q|)
///
/// where WB is the wallet balance (cross: the account's cross wallet balance; isolated:
/// the position's isolated margin, with TMM1 = UPNL1 = 0), TMM1 / UPNL1 the maintenance
/// margin and unrealised PnL of the account's *other* cross positions, and MMR / cum the
/// tier's rate and maintenance amount. It is the price at which the account's equity
/// equals its maintenance margin.
///
/// Exact integer arithmetic; one division, then the tick: a long's prices are rounded
/// **up**, a short's **down** (toward the platform: the position is liquidated no later
/// than the exact price). nil when the position is zero or the price would be ≤ 0
/// (Binance displays "--").
public enum LiquidationPrice {
    /// What the formula needs besides the tier.
    public struct Inputs: Sendable, Hashable {
        /// WB: cross wallet balance, or the isolated position's margin.
        public var walletBalance: Amount
        /// TMM1: maintenance margin of the account's other positions (0 when isolated).
        public var otherMaintenanceMargin: Amount
        /// UPNL1: unrealised PnL of the account's other positions (0 when isolated).
        public var otherUnrealizedPnl: Amount
        /// Signed position size (long > 0).
        public var position: Quantity
        /// Entry price of the position.
        public var entryPrice: Price

        /// Isolated margin: TMM1 = UPNL1 = 0.
        public static func isolated(margin: Amount, position: Quantity, entryPrice: Price) -> Inputs {
            Inputs(walletBalance: margin, otherMaintenanceMargin: .zero, otherUnrealizedPnl: .zero,
                   position: position, entryPrice: entryPrice)
        }

        /// Cross margin.
        public static func cross(walletBalance: Amount, otherMaintenanceMargin: Amount, otherUnrealizedPnl: Amount,
                                 position: Quantity, entryPrice: Price) -> Inputs {
            Inputs(walletBalance: walletBalance, otherMaintenanceMargin: otherMaintenanceMargin,
                   otherUnrealizedPnl: otherUnrealizedPnl, position: position, entryPrice: entryPrice)
        }
    }

    /// Liquidation price with a given tier's MMR and cum.
    public static func price(_ inputs: Inputs, tier: RiskTier, notional: Notional, tickSize: Int64) -> Price? {
        price(inputs, maintenanceMarginRate: tier.maintenanceMarginRate, maintenanceAmount: tier.maintenanceAmount,
              notional: notional, tickSize: tickSize)
    }

    /// Liquidation price with an explicit MMR and cum.
    public static func price(_ inputs: Inputs, maintenanceMarginRate mmr: Rate, maintenanceAmount cum: Amount,
                             notional: Notional, tickSize: Int64) -> Price? {
        precondition(tickSize >= 1)
        let q = Int128(inputs.position.raw)
        if q == 0 { return nil }
        let (up, down) = factors(notional)
        let one = Int128(Rate.one.raw)
        let a = Int128(inputs.walletBalance.raw) - Int128(inputs.otherMaintenanceMargin.raw)
            + Int128(inputs.otherUnrealizedPnl.raw) + Int128(cum.raw)
        let ep = Int128(inputs.entryPrice.raw)
        let raw: Int128
        if q > 0 {
            // P = (Q·EP·up − A·down)·1e8 / (Q·up·(1e8 − mmr)), rounded up.
            let num = (q * ep * up - a * down) * one
            let den = q * up * (one - Int128(mmr.raw))
            raw = num.divided(by: den, rounding: .up)
        } else {
            let qa = -q
            // P = (A·down + Q·EP·up)·1e8 / (Q·up·(1e8 + mmr)), rounded down.
            let num = (a * down + qa * ep * up) * one
            let den = qa * up * (one + Int128(mmr.raw))
            raw = num.divided(by: den, rounding: .down)
        }
        return toTick(raw, long: q > 0, tickSize: tickSize)
    }

    /// Liquidation price using the tier table: as Binance instructs, the tier must be the
    /// one the position's notional *at the liquidation price* falls in, so every tier is
    /// tried and the first self-consistent result returned. If rounding leaves none
    /// consistent, the most conservative candidate (long: highest, short: lowest) is used.
    public static func price(_ inputs: Inputs, table: RiskTierTable, notional: Notional, tickSize: Int64) -> Price? {
        var fallback: Price?
        for (i, tier) in table.tiers.enumerated() {
            guard let lp = price(inputs, tier: tier, notional: notional, tickSize: tickSize) else { continue }
            let n = MarginMath.positionNotional(inputs.position, at: lp, notional: notional)
            if table.tierIndex(for: n) == i { return lp }
            if let f = fallback {
                fallback = inputs.position.raw > 0 ? max(f, lp) : min(f, lp)
            } else {
                fallback = lp
            }
        }
        return fallback
    }

    /// Bankruptcy price: where the equity backing the position is zero,
    /// `WB + UPNL1 + side × |Q| × (P − EP) = 0` ⇒ `P = EP − side × (WB + UPNL1) / |Q|`.
    /// TMM1 is not deducted (it is a requirement, not a loss). Long rounded up, short down.
    public static func bankruptcyPrice(_ inputs: Inputs, notional: Notional, tickSize: Int64) -> Price? {
        precondition(tickSize >= 1)
        let q = Int128(inputs.position.raw)
        if q == 0 { return nil }
        let (up, down) = factors(notional)
        let e = Int128(inputs.walletBalance.raw) + Int128(inputs.otherUnrealizedPnl.raw)
        let ep = Int128(inputs.entryPrice.raw)
        let raw: Int128
        if q > 0 {
            raw = (q * ep * up - e * down).divided(by: q * up, rounding: .up)
        } else {
            raw = (-q * ep * up + e * down).divided(by: -q * up, rounding: .down)
        }
        return toTick(raw, long: q > 0, tickSize: tickSize)
    }

    /// (up, down) such that `amount = price.raw × qty.raw × up / down`.
    @inline(__always)
    static func factors(_ n: Notional) -> (Int128, Int128) {
        n.assetDecimals >= n.productDecimals
            ? (DecimalScale.pow10(n.assetDecimals - n.productDecimals), 1)
            : (1, DecimalScale.pow10(n.productDecimals - n.assetDecimals))
    }

    @inline(__always)
    static func toTick(_ raw: Int128, long: Bool, tickSize: Int64) -> Price? {
        let t = Int128(tickSize)
        let ticks = raw.divided(by: t, rounding: long ? .up : .down)
        let v = ticks * t
        guard v > 0, let p = v.exactInt64 else { return nil }
        return Price(raw: p)
    }
}
