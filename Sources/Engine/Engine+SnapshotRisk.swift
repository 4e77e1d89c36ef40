import HarbourCore
import Risk

/// The platform-risk part of an engine snapshot (version 3), after the pricing part:
///
///     identity: liquidation fee rate and every risk parameter (u32 length, bytes)
///     RiskMonitorState.code: nextSweepAtMs; per instrument EWMA variance (hi, lo), last
///       price (0: none), return count, add-on; raised alerts in key order (u32 count;
///       each instrument, account, threshold, value, kind, evidence fields, all i64)
///     codeADLRanks: published ADL ranks (u32 count; each account, instrument, rank, i64)
///
/// One description (`code`) writes the snapshot, restores it and feeds the state hash
/// (where every integer is an 8-byte word, as before the description was shared).
extension Engine {
    /// The risk configuration as bytes (the snapshot refuses another).
    func riskIdentity() -> [UInt8] {
        var w = ByteWriter(out: [])
        let r = config.risk
        w.i64(config.liquidationFeeRate.raw)
        w.i64(r.sweepIntervalMs); w.i64(r.ewmaLambda.raw); w.i64(r.insuranceCoverageAlert.raw)
        w.u32(UInt32(r.stressShocks.count))
        for s in r.stressShocks { w.i64(s.raw) }
        for p in r.instruments {
            w.u32(UInt32(p.volatilityAddOns.steps.count))
            for s in p.volatilityAddOns.steps { w.i64(s.threshold.raw); w.i64(s.addOn.raw) }
            w.i64(p.openInterestCap); w.i64(p.openInterestAlert.raw); w.i64(p.concentrationAlert.raw)
            w.i64(p.concentrationMinOpenInterest)
        }
        return w.out
    }

    /// The published ADL ranks (RISK-4; kept on the positions): count, then account,
    /// instrument, rank of every position with a rank, in account then instrument order.
    func codeADLRanks<Coder: StateCoder>(_ coder: inout Coder) throws(SnapshotError) {
        var ranks: [(account: Int64, instrument: Int64, rank: Int64)] = []
        if !coder.isReading {
            for a in accounts.indices {
                for i in specs.indices where accounts[a].positions[i].adlRank != 0 {
                    ranks.append((Int64(a), Int64(i), Int64(accounts[a].positions[i].adlRank)))
                }
            }
        }
        var count = ranks.count
        try coder.codeCount(&count)
        for k in 0..<count {
            var (a, i, q) = coder.isReading ? (0, 0, 0) : ranks[k]
            try coder.code(&a); try coder.code(&i); try coder.code(&q)
            guard coder.isReading else { continue }
            try coder.require(a >= 0 && a < Int64(accounts.count) && i >= 0 && i < Int64(specs.count) && (1...5).contains(q),
                              "ADL rank \(a)/\(i)/\(q)")
            accounts[Int(a)].positions[Int(i)].adlRank = UInt8(q)
        }
    }

    /// The risk part of the state hash: the same description as the snapshot's.
    func hashRisk(into e: inout StateEncoder) {
        riskState.encode(into: &e)
        do { try codeADLRanks(&e) } catch { preconditionFailure("hashing cannot fail: \(error)") }
    }

    func writeRisk(_ w: inout ByteWriter) {
        let id = riskIdentity()
        w.u32(UInt32(id.count))
        w.out.append(contentsOf: id)
        riskState.encode(into: &w)
        do { try codeADLRanks(&w) } catch { preconditionFailure("writing cannot fail: \(error)") }
    }

    func restoreRisk(_ r: inout SnapshotReader) throws(SnapshotError) {
        let n = try r.count()
        guard try r.bytes(n).elementsEqual(riskIdentity()) else {
            throw SnapshotError(.configMismatch, "snapshot taken with other risk monitoring parameters or liquidation fee than the configuration's")
        }
        try riskState.code(&r)
        try codeADLRanks(&r)
        // Across components: alerts name accounts that exist.
        for alert in riskState.active.values {
            if let account = alert.account, Int(account.index) >= accounts.count { throw .corrupt("alert about account \(account.index)") }
            if case let .insuranceCoverage(_, _, _, k) = alert.evidence, k > accounts.count {
                throw .corrupt("alert accounts in shortfall \(k)")
            }
        }
    }
}
