import HarbourCore
import Risk

/// The risk sweep spread over commands (`RiskSweepPass`): each command's share of the pass,
/// run at its start with the rest of the time-driven work.
extension Engine {
    /// Runs this command's slice of the pass in progress: `riskSweepAccountsPerCommand`
    /// account visits, or more when the pass is behind its schedule (finished within half
    /// the sweep interval of command time, so an idle venue that sees only the server's
    /// ticks still completes every pass).
    func stepRiskSweep(now: Int64) {
        guard var pass = riskState.pass else { return }
        timeWorkRan = true
        riskState.pass = nil  // mutated out of place: no copy of its arrays
        var left = riskSweepBudget(pass, now: now)
        while left > 0 {
            let end = min(pass.accounts, pass.cursor + left)
            left -= end - pass.cursor
            if pass.measuring { measureAccounts(&pass, upTo: end) } else { rankAccounts(pass, upTo: end) }
            pass.cursor = end
            guard end == pass.accounts else { break }
            guard pass.measuring else { return }  // ranked every account: the pass is over
            publishMeasured(&pass)
            pass.measuring = false
            pass.cursor = 0
        }
        riskState.pass = pass
    }

    /// Account visits for this command: the per-command share, or what the schedule says
    /// should be done by `now` (2 × accounts by half the sweep interval) when that is more.
    func riskSweepBudget(_ pass: RiskSweepPass, now: Int64) -> Int64 {
        let half = Int128(max(1, config.risk.sweepIntervalMs / 2))
        let elapsed = Int128(min(max(0, now - pass.startedAtMs), Int64(half)))
        let due = (Int128(2 * pass.accounts) * elapsed / half).clampedInt64
        return max(Int64(max(1, riskSweepAccountsPerCommand)), due - pass.visited)
    }

    /// Phase 1 for accounts `pass.cursor..<end`: interest, concentration candidates, stress
    /// shortfalls, the ADL sample; stale ranks of closed positions cleared.
    func measureAccounts(_ pass: inout RiskSweepPass, upTo end: Int64) {
        let n = specs.count
        let shocked = shockedMarks()
        for a in Int(pass.cursor)..<Int(end) {
            var any = false
            for i in 0..<n {
                let s = accounts[a].positions[i].size
                if s > 0 { pass.openInterest[i] += s; any = true } else if s < 0 { pass.shortInterest[i] += -s; any = true } else if accounts[a].positions[i].adlRank != 0 {
                    accounts[a].positions[i].adlRank = 0
                }
            }
            guard any else { continue }
            let sampled = Int64(a) % pass.sampleStride == 0
            for i in 0..<n {
                let size = accounts[a].positions[i].size
                guard size != 0 else { continue }
                if Self.mayBeConcentrated(Int64(size.magnitude), pass, instrument: i, share: config.risk.instruments[i].concentrationAlert) {
                    pass.candidates.append(.init(account: UInt32(a), instrument: Int64(i), size: Int64(size.magnitude)))
                }
                if sampled && marks[i] > 0 {
                    pass.samples[2 * i + (size > 0 ? 0 : 1)].append(.init(score: adlScore(UInt32(a), instrument: i), account: UInt32(a)))
                }
            }
            for s in shocked.indices {
                let loss = stressShortfall(UInt32(a), shocked: shocked[s])
                if loss > 0 { pass.shortfall[s] += loss; pass.inShortfall[s] += 1 }
            }
        }
        let instruments = config.risk.instruments
        let long = pass.openInterest, short = pass.shortInterest
        pass.candidates.removeAll { c in
            let i = Int(c.instrument)
            return Int128(c.size) * Int128(Rate.one.raw) < Int128(instruments[i].concentrationAlert.raw) * Int128(max(long[i], short[i]))
        }
    }

    /// Whether a position of `size` is at least `share` of the larger of the long and
    /// short interest measured so far.
    static func mayBeConcentrated(_ size: Int64, _ pass: RiskSweepPass, instrument i: Int, share: Rate) -> Bool {
        Int128(size) * Int128(Rate.one.raw) >= Int128(share.raw) * Int128(max(pass.openInterest[i], pass.shortInterest[i]))
    }

    /// The end of phase 1: metrics, concentration, stress and their alerts, published as the
    /// one-shot sweep publishes them; the ADL samples sorted for phase 2.
    func publishMeasured(_ pass: inout RiskSweepPass) {
        let oi = pass.openInterest
        var alerts = openInterestResults(oi)
        var concentrated: [RiskAlertKey: RiskAlert] = [:]
        for c in pass.candidates {
            if let alert = concentrationAlert(c.account, instrument: Int(c.instrument), size: c.size, openInterest: oi) {
                concentrated[alert.key] = alert
            }
        }
        alerts += concentrationResults(concentrated, openInterest: oi)
        alerts += stressResults(shortfall: pass.shortfall, inShortfall: pass.inShortfall)
        for alert in alerts { publish(alert) }
        pass.candidates = []
        for list in pass.samples.indices { pass.samples[list].sort(by: RiskSweepPass.Sample.ahead) }
    }

    /// Phase 2 for accounts `pass.cursor..<end`: each open position's quintile against the
    /// sample of its side, published when it changes.
    func rankAccounts(_ pass: RiskSweepPass, upTo end: Int64) {
        for a in Int(pass.cursor)..<Int(end) {
            for i in 0..<specs.count where marks[i] > 0 {
                let size = accounts[a].positions[i].size
                guard size != 0 else { continue }
                let entry = RiskSweepPass.Sample(score: adlScore(UInt32(a), instrument: i), account: UInt32(a))
                guard let q = pass.quintile(entry, list: 2 * i + (size > 0 ? 0 : 1)),
                      accounts[a].positions[i].adlRank != q else { continue }
                accounts[a].positions[i].adlRank = q
                events.append(.adlRank(account: AccountID(UInt32(a)), instrument: InstrumentID(UInt16(i)), rank: Int(q)))
            }
        }
    }
}
