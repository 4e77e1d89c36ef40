import HarbourCore
import Ledger

/// Settlement of one fill on the position and the ledger (RISK-5, PERP-4).
///
/// Positions keep their exact cost (Σ signed price × size). Closing part of a position
/// removes `cost × closed / |size|` of it, rounded up (towards +∞), which rounds the
/// realised PnL down — in the platform's favour — while the unit left over stays in the
/// remaining position's cost, so it is realised later and never lost. Realised PnL moves
/// between the client's cash and the positions pool; fees between cash and house fees.
extension Engine {
    /// Settles `quantity` of `side` at `price` for one party; returns the fee charged
    /// (negative for a rebate).
    @inline(__always)
    func settleFill(account a: UInt32, instrument i: UInt16, side: Side, quantity: Int64, price: Int64, feeRate: Rate) -> Int64 {
        let ai = Int(a), ii = Int(i)
        let f = productToAsset[ii]
        let cashBook = accounts[ai].cashBook
        var p = accounts[ai].positions[ii]
        let signed = side.sign * quantity
        if p.size == 0 || (p.size > 0) == (side == .buy) {
            p.cost += signed * price
            p.size += signed
            if p.isolated { lockIsolatedMargin(&p, cashBook: cashBook, quantity: quantity, price: price, f: f) }
        } else {
            let absSize = p.size.magnitude
            let closing = min(UInt64(quantity), absSize)
            let removed: Int64 = closing == absSize
                ? p.cost
                : Int64((Int128(p.cost) * Int128(closing)).divided(by: Int128(absSize), rounding: .up))
            let realized = -side.sign * Int64(closing) * price - removed
            if p.isolated {
                let locked = ledger.balance(p.isolatedBook)
                let release = closing == absSize ? locked
                    : Int64((Int128(locked) * Int128(closing)).divided(by: Int128(absSize), rounding: .down))
                ledger.post(from: p.isolatedBook, to: cashBook, amount: release, reason: .isolatedMargin)
            }
            p.cost -= removed
            p.size += side.sign * Int64(closing)
            ledger.transfer(from: poolBook, to: cashBook, signedAmount: realized * f, reason: .realizedPnl)
            let rest = quantity - Int64(closing)
            if rest > 0 {
                p.cost = side.sign * rest * price
                p.size = side.sign * rest
                if p.isolated { lockIsolatedMargin(&p, cashBook: cashBook, quantity: rest, price: price, f: f) }
            }
        }
        accounts[ai].positions[ii] = p
        // Fee on the exact notional: charges round up, rebates round down.
        let notional = Amount(raw: quantity * price * f)
        let fee: Int64
        if feeRate.raw >= 0 {
            fee = feeRate.apply(to: notional, rounding: .up).raw
            ledger.post(from: cashBook, to: feesBook, amount: fee, reason: .fee)
        } else {
            fee = -Rate(raw: -feeRate.raw).apply(to: notional, rounding: .down).raw
            ledger.post(from: feesBook, to: cashBook, amount: -fee, reason: .rebate)
        }
        touchPosition(a, i)
        touchBalance(a)
        return fee
    }

    /// Moves the initial margin of an isolated increase from cash into the position.
    @inline(__always)
    func lockIsolatedMargin(_ p: inout PositionState, cashBook: Int32, quantity: Int64, price: Int64, f: Int64) {
        let im = (Int128(quantity) * Int128(price) * Int128(f)).divided(by: Int128(p.leverage), rounding: .up)
        ledger.post(from: cashBook, to: p.isolatedBook, amount: Int64(im), reason: .isolatedMargin)
    }
}
