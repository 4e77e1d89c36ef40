import Crypto
import HarbourCore
import Matching

/// The state hash (PERP-5): SHA-256 over a canonical encoding of everything that can
/// influence a future event — counters, prices, books in priority order, conditional
/// orders, accounts and positions, client-order-id memory and every ledger balance.
extension Engine {
    public func stateHash() -> String {
        var e = StateEncoder()
        infallible { () throws(SnapshotError) in try codeCounters(&e) }
        for i in specs.indices {
            e.string(specs[i].symbol)
            infallible { () throws(SnapshotError) in try codeInstrumentPrices(i, &e) }
            for side in [Side.buy, .sell] {
                let orders = books[i].ordersInPriority(side)
                e.int(orders.count)
                for o in orders { infallible { () throws(SnapshotError) in _ = try RestingOrder.code(o, side: side, &e) } }
            }
            for (src, source) in [TriggerSource.mark, .last].enumerated() {
                let all = conditionals[i][src].all
                e.int(all.count)
                for c in all { infallible { () throws(SnapshotError) in _ = try ConditionalOrder.code(c, source: source, &e) } }
            }
        }
        e.int(accounts.count)
        for acct in accounts {
            infallible { () throws(SnapshotError) in _ = try AccountState.codeHeader(acct, &e) }
            for p in acct.positions { p.encode(into: &e) }
            acct.clientOrderIds.encode(into: &e)
        }
        ledger.encode(into: &e)
        hashPricing(into: &e)
        hashRisk(into: &e)
        compliance.encode(into: &e)
        var spotCopy = spot
        infallible { () throws(SnapshotError) in try spotCopy.code(&e, accepts: { _ in nil }) }
        if financingUsed { infallible { () throws(SnapshotError) in try codeFinancing(&e) } }
        if !riskLimitVersions.isEmpty { infallible { () throws(SnapshotError) in try codeRiskLimitVersions(&e) } }
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

extension Engine {
    /// The engine's counters: next order id, the last command's time, the next STP group;
    /// in snapshots only, the command count and whether postings are published (neither
    /// is in the state hash).
    func codeCounters<Coder: StateCoder>(_ coder: inout Coder) throws(SnapshotError) {
        var orderId = nextOrderId, time = lastTimestamp, group = nextGroup
        try coder.code(&orderId)
        try coder.require(orderId >= 1, "nextOrderId \(orderId)")
        try coder.code(&time)
        try coder.code(&group)
        var commands = commandCount, postings = emitPostings
        if !coder.isHash {
            try coder.code(&commands)
            try coder.require(commands >= 0, "commandCount \(commands)")
            try coder.code(&postings)
        }
        guard coder.isReading else { return }
        nextOrderId = orderId
        lastTimestamp = time
        nextGroup = group
        commandCount = commands
        emitPostings = postings
    }
}
