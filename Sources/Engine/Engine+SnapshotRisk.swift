import HarbourCore
import Risk

/// The platform-risk part of an engine snapshot (version 3), after the pricing part:
///
///     identity: liquidation fee rate and every risk parameter (u32 length, bytes)
///     nextSweepAtMs
///     per instrument: EWMA variance (hi, lo words), last price (0: none), return count, add-on
///     raised alerts in key order: u32 count; each: instrument (i32), account (i64),
///       threshold, value, evidence tag and fields
///     published ADL ranks: u32 count; each: account (u32), instrument (u16), rank (u8)
///
/// The same values go into the state hash (`hashRisk`).
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

    /// Every word of the risk state, in snapshot order (shared by the snapshot and the hash).
    func riskStateWords() -> [Int64] {
        var out: [Int64] = [riskState.nextSweepAtMs]
        for i in specs.indices {
            let v = riskState.volatility[i]
            out += [Int64(truncatingIfNeeded: v.variance >> 64), Int64(truncatingIfNeeded: v.variance),
                    v.lastPrice?.raw ?? 0, v.returnCount, riskState.addOns[i]]
        }
        let alerts = activeAlerts
        out.append(Int64(alerts.count))
        for a in alerts {
            let k = a.key
            out += [Int64(k.instrument), k.account, a.threshold.raw, a.value.raw, Int64(k.kind.rawValue)]
            switch a.evidence {
            case let .volatility(v, addOn, samples): out += [v.raw, addOn.raw, samples]
            case let .concentration(position, oi): out += [position, oi]
            case let .openInterest(oi, cap): out += [oi, cap]
            case let .insuranceCoverage(shock, shortfall, fund, n): out += [shock.raw, shortfall, fund, Int64(n)]
            }
        }
        var ranks: [Int64] = []
        for a in accounts.indices {
            for i in specs.indices where accounts[a].positions[i].adlRank != 0 {
                ranks += [Int64(a), Int64(i), Int64(accounts[a].positions[i].adlRank)]
            }
        }
        out.append(Int64(ranks.count / 3))
        out += ranks
        return out
    }

    func hashRisk(into e: inout StateEncoder) {
        for x in riskStateWords() { e.int(x) }
    }

    func writeRisk(_ w: inout ByteWriter) {
        let id = riskIdentity()
        w.u32(UInt32(id.count))
        w.out.append(contentsOf: id)
        let words = riskStateWords()
        w.u32(UInt32(words.count))
        for x in words { w.i64(x) }
    }

    func restoreRisk(_ r: inout SnapshotReader) throws(SnapshotError) {
        let n = try r.count()
        guard try r.bytes(n).elementsEqual(riskIdentity()) else {
            throw SnapshotError(.configMismatch, "snapshot taken with other risk monitoring parameters or liquidation fee than the configuration's")
        }
        let count = try r.count()
        var words: [Int64] = []
        words.reserveCapacity(count)
        for _ in 0..<count { words.append(try r.i64()) }
        var pos = 0
        func next() throws(SnapshotError) -> Int64 {
            guard pos < words.count else { throw .corrupt("risk state ends early") }
            defer { pos += 1 }
            return words[pos]
        }
        let nextSweep = try next()
        guard nextSweep == .max || Self.saneTimes.contains(nextSweep) else { throw .corrupt("risk sweep time \(nextSweep)") }
        riskState.nextSweepAtMs = nextSweep
        for i in specs.indices {
            let hi = try next(), lo = try next()
            let variance = Int128(hi) << 64 | Int128(UInt64(bitPattern: lo))
            let last = try next(), samples = try next(), addOn = try next()
            guard variance >= 0, last >= 0, samples >= 0, addOn >= 0, addOn <= config.risk.instruments[i].maxAddOn.raw else {
                throw .corrupt("\(specs[i].symbol): risk state out of range")
            }
            riskState.volatility[i] = EWMAVolatility(lambda: config.risk.ewmaLambda, variance: variance,
                                                    lastPrice: last > 0 ? Price(raw: last) : nil, returnCount: samples)
            riskState.addOns[i] = addOn
        }
        let alertCount = try next()
        guard alertCount >= 0, alertCount <= Int64(words.count) else { throw .corrupt("alert count \(alertCount)") }
        for _ in 0..<alertCount {
            let inst = try next(), acct = try next(), threshold = Rate(raw: try next()), value = Rate(raw: try next())
            let tag = try next()
            guard inst >= -1, inst < Int64(specs.count), acct >= -1, acct < Int64(accounts.count) else {
                throw .corrupt("alert about instrument \(inst) / account \(acct)")
            }
            let evidence: RiskEvidence
            switch tag {
            case 1: evidence = .volatility(volatility: Rate(raw: try next()), addOn: Rate(raw: try next()), samples: try next())
            case 2: evidence = .concentration(position: try next(), openInterest: try next())
            case 3: evidence = .openInterest(openInterest: try next(), cap: try next())
            case 4:
                let shock = Rate(raw: try next()), shortfall = try next(), fund = try next(), k = try next()
                guard k >= 0, k <= Int64(accounts.count) else { throw .corrupt("alert accounts in shortfall \(k)") }
                evidence = .insuranceCoverage(shock: shock, shortfall: shortfall, insuranceFund: fund, accountsInShortfall: Int(k))
            default: throw .corrupt("alert kind \(tag)")
            }
            let alert = RiskAlert(raised: true, instrument: inst >= 0 ? InstrumentID(UInt16(inst)) : nil,
                                  account: acct >= 0 ? AccountID(UInt32(acct)) : nil,
                                  threshold: threshold, value: value, evidence: evidence)
            guard riskState.active.updateValue(alert, forKey: alert.key) == nil else { throw .corrupt("alert repeated") }
        }
        let rankCount = try next()
        guard rankCount >= 0, rankCount <= Int64(words.count) else { throw .corrupt("ADL rank count \(rankCount)") }
        for _ in 0..<rankCount {
            let a = try next(), i = try next(), q = try next()
            guard a >= 0, a < Int64(accounts.count), i >= 0, i < Int64(specs.count), (1...5).contains(q) else {
                throw .corrupt("ADL rank \(a)/\(i)/\(q)")
            }
            accounts[Int(a)].positions[Int(i)].adlRank = UInt8(q)
        }
        guard pos == words.count else { throw .corrupt("\(words.count - pos) extra risk words") }
    }
}
