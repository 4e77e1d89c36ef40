import HarbourCore
import Matching

/// Cross-margin equity and requirements (RISK-1, RISK-2).
///
/// For each instrument the account trades in cross mode:
/// - equity adds the unrealised PnL at mark: `size × mark − cost`;
/// - position initial margin is `|size| × mark / L` (plus `|size| × mark × add-on` while a
///   volatility add-on is in force, RISK-6), where `L` is the lower of the
///   account's leverage and the risk tier's maximum for the worst-case notional
///   (position plus every open order on one side filled);
/// - open orders add, for the worse of the two sides: the initial margin of the part
///   that would open or increase exposure (valued at the higher of order price and
///   mark), the loss of buying above / selling below mark, and the fee the orders
///   would pay as takers.
/// Isolated positions hold their margin in their own book; only their open orders
/// draw on the cross pool. Every division rounds up: requirements are never understated.
extension Engine {
    /// An order counted as if it were resting, for pre-trade checks.
    struct ExtraOrder {
        var instrument: UInt16
        var side: Side
        var quantity: Int64
        var price: Int64
    }

    /// Equity and margin requirements of an account's cross pool, settlement-asset units.
    public struct MarginSummary: Sendable, Hashable {
        public let equity: Int128
        public let initialRequired: Int128
        public let maintenanceRequired: Int128
        /// Equity left after initial margin (negative when short of it).
        public var available: Int128 { equity - initialRequired }
    }

    public func marginSummary(_ account: AccountID) -> MarginSummary { margin(of: account.index) }

    func margin(of a: UInt32, extra: ExtraOrder? = nil) -> MarginSummary {
        // Fields are read in place: copying the AccountState or an InstrumentSpec would
        // retain and release their strings and arrays on every pre-trade check.
        let ai = Int(a)
        var equity = Int128(ledger.balance(accounts[ai].cashBook))
        var initial: Int128 = 0
        var maintenance: Int128 = 0
        let feeRate = Int128(config.feeTiers[accounts[ai].feeTier].taker.raw)
        for i in 0..<accounts[ai].positions.count {
            let p = accounts[ai].positions[i]
            var bq = p.buyQuantity, bv = p.buyValue, sq = p.sellQuantity, sv = p.sellValue
            if let e = extra, Int(e.instrument) == i {
                if e.side == .buy { bq += e.quantity; bv += e.quantity * e.price } else { sq += e.quantity; sv += e.quantity * e.price }
            }
            if p.size == 0 && bq == 0 && sq == 0 { continue }
            let mark = Int128(marks[i])
            let f = Int128(productToAsset[i])
            let size = Int128(p.size)
            let worstQty = max((size + Int128(bq)).magnitude, (size - Int128(sq)).magnitude)
            let worstNotional = Int128(worstQty) * mark * f
            let tier = specs[i].tier(forNotional: worstNotional.clampedInt64)
            let lev = Int128(min(p.leverage, tier.maxLeverage))
            let addOn = Int128(riskState.addOns[i])
            if !p.isolated {
                equity += (size * mark - Int128(p.cost)) * f
                let posNotional = Int128(size.magnitude) * mark * f
                initial += posNotional.divided(by: lev, rounding: .up)
                if addOn != 0 { initial += Rate.scaled(posNotional, byRaw: addOn, rounding: .up) }
                maintenance += positionMaintenance(i, notional: posNotional)
            }
            var buySide: Int128 = 0
            if bq > 0 {
                let bq128 = Int128(bq), bv128 = Int128(bv)
                let opening = max(0, bq128 - max(0, -size))
                let valued = max(bv128, bq128 * mark)
                buySide = (valued * f * opening).divided(by: bq128 * lev, rounding: .up)
                if addOn != 0 { buySide += (valued * f * opening * addOn).divided(by: bq128 * Rate.rawDenominator, rounding: .up) }
                buySide += max(0, bv128 - bq128 * mark) * f
                buySide += Rate.scaled(bv128 * f, byRaw: feeRate, rounding: .up)
            }
            var sellSide: Int128 = 0
            if sq > 0 {
                let sq128 = Int128(sq), sv128 = Int128(sv)
                let opening = max(0, sq128 - max(0, size))
                let valued = max(sv128, sq128 * mark)
                sellSide = (valued * f * opening).divided(by: sq128 * lev, rounding: .up)
                if addOn != 0 { sellSide += (valued * f * opening * addOn).divided(by: sq128 * Rate.rawDenominator, rounding: .up) }
                sellSide += max(0, sq128 * mark - sv128) * f
                sellSide += Rate.scaled(sv128 * f, byRaw: feeRate, rounding: .up)
            }
            initial += max(buySide, sellSide)
        }
        return MarginSummary(equity: equity, initialRequired: initial, maintenanceRequired: maintenance)
    }

    /// Cash an account may withdraw: never more than its cash, nor more than the equity
    /// not needed as initial margin.
    func withdrawable(_ a: UInt32) -> Int128 {
        let m = margin(of: a)
        return max(0, min(Int128(ledger.balance(accounts[Int(a)].cashBook)), m.equity - m.initialRequired))
    }
}
