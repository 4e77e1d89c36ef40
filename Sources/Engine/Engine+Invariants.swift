import HarbourCore
import Matching

/// The engine's invariants, recomputed from scratch (issue 13): what every command must
/// leave true. The property tests and crash scenarios call `invariantViolations()` after
/// every command; with `checksInvariants` on, a debug build asserts it in `applyInPlace`.
extension Engine {
    /// Everything found wrong, each a sentence; empty when the state is sound. O(state):
    /// for tests and debugging, never on the product's hot path.
    public func invariantViolations() -> [String] {
        var problems: [String] = []
        problems += ledger.invariantViolations()
        for (asset, sum) in ledger.sums(defaultAsset: config.settlementAsset.code) where sum != 0 {
            problems.append("the \(asset) books sum to \(sum), not zero")
        }
        problems += spotLockViolations()
        problems += stpGroupViolations()
        problems += positionsPoolViolations()
        problems += openOrderViolations()
        problems += liquidationIndexViolations()
        problems += riskState.invariantViolations()
        problems += financingViolations()
        return problems
    }

    /// The positions pool equals −Σ position cost (RISK-5): open PnL at trade prices.
    private func positionsPoolViolations() -> [String] {
        var cost: Int128 = 0
        for account in accounts {
            for i in specs.indices { cost += Int128(account.positions[i].cost) * Int128(productToAsset[i]) }
        }
        let pool = Int128(ledger.balance(poolBook))
        return pool == -cost ? [] : ["the positions pool is \(pool), but −Σ position cost is \(-cost)"]
    }

    /// The open-order totals kept per account and instrument equal those of the resting orders.
    private func openOrderViolations() -> [String] {
        let instrumentCount = specs.count
        var recomputed = [OpenOrderAggregate](repeating: OpenOrderAggregate(), count: accounts.count * instrumentCount)
        for i in specs.indices {
            for side in [Side.buy, .sell] {
                for order in books[i].ordersInPriority(side) {
                    _ = recomputed[Int(order.account) * instrumentCount + i]
                        .add(side: side, price: order.price, remaining: order.remaining, reduceOnly: order.reduceOnly)
                }
            }
        }
        var problems: [String] = []
        for account in accounts.indices {
            for i in specs.indices where recomputed[account * instrumentCount + i] != OpenOrderAggregate(kept: accounts[account].positions[i]) {
                problems.append("account \(accounts[account].name) on \(specs[i].symbol): open-order totals \(OpenOrderAggregate(kept: accounts[account].positions[i])) differ from its resting orders' \(recomputed[account * instrumentCount + i])")
            }
        }
        return problems
    }

    /// The liquidation index (RISK-3) equals one rebuilt from positions, cash and marks.
    private func liquidationIndexViolations() -> [String] {
        guard liq.valid else { return [] }
        let kept = liq
        let rebuilt = rebuiltLiquidationIndex()
        var problems: [String] = []
        for i in specs.indices {
            let (a, b) = (kept.instruments[i], rebuilt.instruments[i])
            if a.longs.entries != b.longs.entries { problems.append("\(specs[i].symbol): long liquidation entries differ from a rebuild") }
            if a.shorts.entries != b.shorts.entries { problems.append("\(specs[i].symbol): short liquidation entries differ from a rebuild") }
            if a.multi != b.multi { problems.append("\(specs[i].symbol): multi-instrument accounts differ from a rebuild") }
        }
        return problems
    }
}
