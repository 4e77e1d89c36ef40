import Crypto
import HarbourCore
import Matching

/// The state hash (PERP-5): SHA-256 over a canonical encoding of everything that can
/// influence a future event — counters, prices, books in priority order, conditional
/// orders, accounts and positions, client-order-id memory and every ledger balance.
extension Engine {
    public func stateHash() -> String {
        var e = StateEncoder()
        e.int(nextOrderId)
        e.int(lastTimestamp)
        e.int(Int64(nextGroup))
        for i in specs.indices {
            e.string(specs[i].symbol)
            e.int(marks[i])
            e.int(lastPrices[i])
            e.int(Int64(statuses[i].rawValue))
            for side in [Side.buy, .sell] {
                let orders = books[i].ordersInPriority(side)
                e.int(orders.count)
                for o in orders {
                    e.int(o.orderId); e.int(o.account); e.int(o.group); e.int(o.price)
                    e.int(o.quantity); e.int(o.remaining); e.bool(o.reduceOnly)
                }
            }
            for src in 0..<2 {
                let all = conditionals[i][src].all
                e.int(all.count)
                for c in all {
                    e.int(c.orderId); e.int(c.account); e.int(Int64(c.side.rawValue)); e.int(Int64(c.type.rawValue))
                    e.int(c.stopPrice); e.int(c.limitPrice); e.int(c.quantity); e.bool(c.reduceOnly)
                    e.int(Int64(c.timeInForce.rawValue)); e.int(Int64(c.stp.rawValue)); e.optionalString(c.clientOrderId)
                }
            }
        }
        e.int(accounts.count)
        for acct in accounts {
            e.string(acct.name); e.int(acct.group); e.int(acct.feeTier); e.int(acct.cashBook)
            for p in acct.positions {
                e.int(p.size); e.int(p.cost); e.int(p.leverage); e.bool(p.isolated); e.int(p.isolatedBook)
                e.int(p.buyQuantity); e.int(p.buyValue); e.int(p.sellQuantity); e.int(p.sellValue)
                e.int(p.openOrders); e.int(p.reduceOnlyOrders)
            }
            let live = acct.clientOrderIds.live.sorted { $0.value < $1.value }
            e.int(live.count)
            for (k, v) in live { e.string(k); e.int(v) }
            let finished = acct.clientOrderIds.finishedInOrder
            e.int(finished.count)
            for k in finished { e.string(k) }
        }
        ledger.encode(into: &e)
        hashPricing(into: &e)
        hashRisk(into: &e)
        // Liquidation index (derived: computed from the state above when not yet built,
        // into a copy, so that hashing changes nothing).
        let index = liq.valid ? liq : rebuiltLiquidationIndex()
        e.int(config.liquidationFeeRate.raw)
        for inst in index.instruments {
            e.int(inst.longs.entries.count)
            for x in inst.longs.entries { e.int(x.price); e.int(x.account) }
            e.int(inst.shorts.entries.count)
            for x in inst.shorts.entries { e.int(x.price); e.int(x.account) }
            e.int(inst.multi.count)
            for x in inst.multi { e.int(x) }
        }
        let digest = SHA256.hash(data: e.bytes)
        return digest.map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }
}
