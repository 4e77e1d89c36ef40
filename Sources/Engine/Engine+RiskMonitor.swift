import HarbourCore
import Risk

/// Platform risk monitoring (RISK-6) and the publication of ADL ranks (RISK-4).
///
/// A risk sweep runs at every multiple of `config.risk.sweepIntervalMs` of command time,
/// from the first mark price on, before the command that reaches it (like funding). It:
/// 1. samples each instrument's mark into its EWMA volatility and sets the margin add-on
///    of the schedule step it reaches; a new step is an alert (raised; cleared back at
///    zero) and re-checks every account with exposure on the instrument, since the add-on
///    raises maintenance margin (rate + add-on on every tier) and initial margin
///    (notional × add-on on top of notional / leverage);
/// 2. computes open interest (Σ long sizes) per instrument: alert at the configured share
///    of the cap; a position of at least the configured share of open interest is a
///    concentration alert;
/// 3. runs the stress scenarios: every mark moved by the shock at once, each account's
///    loss beyond its equity (cross pool; each isolated position on its own) summed as
///    the shortfall the insurance fund would cover; alert when it reaches the configured
///    share of the fund;
/// 4. ranks both sides of each instrument for auto-deleveraging and publishes each
///    account's quintile when it changes.
/// Events: `riskMetrics` per instrument and `stressTest` per scenario on every sweep;
/// `riskAlert` and `adlRank` only on change. Cost: one pass over accounts plus the ADL
/// sort — proportional to all positions, so it runs on the sweep interval, never per
/// command (see docs/PERFORMANCE.md).
extension Engine {
    // MARK: - Queries

    /// The alerts currently raised, in a fixed order (kind, instrument, account, scenario).
    public var activeAlerts: [RiskAlert] { riskState.active.sorted { $0.key < $1.key }.map(\.value) }

    /// EWMA volatility per sweep interval of an instrument (rounded up).
    public func volatility(_ i: InstrumentID) -> Rate { riskState.volatility[Int(i.index)].volatility }

    /// The margin add-on in force on an instrument.
    public func marginAddOn(_ i: InstrumentID) -> Rate { Rate(raw: riskState.addOns[Int(i.index)]) }

    /// The ADL quintile last published to an account on an instrument (nil: none yet).
    public func publishedAdlRank(_ account: AccountID, _ instrument: InstrumentID) -> Int? {
        let r = accounts[Int(account.index)].positions[Int(instrument.index)].adlRank
        return r == 0 ? nil : Int(r)
    }

    /// The insurance fund's balance (settlement-asset raw units).
    public var insuranceFundBalance: Int64 { ledger.balance(insuranceBook) }

    /// Whether a risk sweep spread over commands is in progress (`RiskSweepPass`).
    public var riskSweepInProgress: Bool { riskState.pass != nil }

    /// When the next risk sweep is due (ms since the epoch; nil before the first mark).
    public var nextRiskSweepAtMs: Int64? { riskState.nextSweepAtMs == .max ? nil : riskState.nextSweepAtMs }

    // MARK: - Scheduling

    /// Starts the sweep clock once a mark exists: the first sweep is at the next multiple
    /// of the interval after `now`.
    func scheduleRiskSweepIfNeeded(now: Int64) {
        guard riskState.nextSweepAtMs == .max, marks.contains(where: { $0 > 0 }) else { return }
        riskState.nextSweepAtMs = Self.nextBoundary(after: now, every: config.risk.sweepIntervalMs)
    }

    // MARK: - The sweep

    /// The sweep due at `now`: volatility and add-ons at once; the pass over accounts in
    /// this command when there are at most `riskSweepAccountsPerCommand` accounts, else
    /// spread over the following commands (`RiskSweepPass`; a pass still running when the
    /// next sweep is due simply continues).
    func runRiskSweep(now: Int64) {
        timeWorkRan = true
        riskState.nextSweepAtMs = Self.nextBoundary(after: now, every: config.risk.sweepIntervalMs)
        let alerts = sampleVolatility()
        if riskState.pass == nil && accounts.count <= riskSweepAccountsPerCommand {
            sweepAllAccounts(alerts: alerts)
            return
        }
        for alert in alerts { publish(alert) }
        if riskState.pass == nil {
            riskState.pass = RiskSweepPass(startedAtMs: now, accounts: accounts.count, instruments: specs.count,
                                           scenarios: config.risk.stressShocks.count)
        }
    }

    /// 1. Volatility and margin add-ons: the alerts of a new add-on step (not yet published).
    func sampleVolatility() -> [RiskAlert] {
        let params = config.risk
        var alerts: [RiskAlert] = []
        for i in 0..<specs.count where marks[i] > 0 {
            riskState.volatility[i].update(price: Price(raw: marks[i]))
            let vol = riskState.volatility[i].volatility
            let schedule = params.instruments[i].volatilityAddOns
            let addOn = schedule.addOn(for: vol)
            guard addOn.raw != riskState.addOns[i] else { continue }
            riskState.addOns[i] = addOn.raw
            let step = schedule.steps.last(where: { $0.threshold <= vol }) ?? schedule.steps.first
            alerts.append(RiskAlert(raised: addOn.raw > 0, instrument: InstrumentID(UInt16(i)), account: nil,
                                    threshold: step?.threshold ?? .zero, value: vol,
                                    evidence: .volatility(volatility: vol, addOn: addOn,
                                                          samples: riskState.volatility[i].returnCount)))
            for a in accounts.indices where accounts[a].positions[i].hasExposure {
                riskState.pendingChecks.append(UInt32(a))
            }
        }
        return alerts
    }

    /// Steps 2–4 over every account in one command.
    func sweepAllAccounts(alerts volatilityAlerts: [RiskAlert]) {
        let params = config.risk
        let n = specs.count
        var alerts = volatilityAlerts

        // 2. Open interest; stale ADL ranks of closed positions.
        var oi = [Int64](repeating: 0, count: n)
        for a in accounts.indices {
            for i in 0..<n {
                let s = accounts[a].positions[i].size
                if s > 0 { oi[i] += s } else if s == 0 && accounts[a].positions[i].adlRank != 0 {
                    accounts[a].positions[i].adlRank = 0
                }
            }
        }
        alerts += openInterestResults(oi)

        // 3. Concentration and stress, one pass over accounts.
        let shocks = params.stressShocks
        var shortfall = [Int128](repeating: 0, count: shocks.count)
        var inShortfall = [Int64](repeating: 0, count: shocks.count)
        var concentrated: [RiskAlertKey: RiskAlert] = [:]
        let shocked = shockedMarks()
        for a in accounts.indices {
            var any = false
            for i in 0..<n where accounts[a].positions[i].size != 0 { any = true; break }
            guard any else { continue }
            for i in 0..<n {
                let size = accounts[a].positions[i].size
                guard size != 0, let alert = concentrationAlert(UInt32(a), instrument: i, size: Int64(size.magnitude), openInterest: oi) else { continue }
                concentrated[alert.key] = alert
            }
            for s in shocks.indices {
                let loss = stressShortfall(UInt32(a), shocked: shocked[s])
                if loss > 0 { shortfall[s] += loss; inShortfall[s] += 1 }
            }
        }
        alerts += concentrationResults(concentrated, openInterest: oi)
        alerts += stressResults(shortfall: shortfall, inShortfall: inShortfall)

        // Publish changes only: a raise of what is not raised (or a new volatility step),
        // a clear of what is.
        for alert in alerts { publish(alert) }

        // 4. ADL quintiles.
        for i in 0..<n where marks[i] > 0 {
            for longs in [true, false] {
                let ranking = adlRanking(instrument: i, longs: longs)
                for (r, entry) in ranking.enumerated() {
                    let q = UInt8(5 - (r * 5) / ranking.count)
                    if accounts[Int(entry.account)].positions[i].adlRank != q {
                        accounts[Int(entry.account)].positions[i].adlRank = q
                        events.append(.adlRank(account: AccountID(entry.account), instrument: InstrumentID(UInt16(i)), rank: Int(q)))
                    }
                }
            }
        }
    }

    // MARK: - Parts shared by the one-shot sweep and the sliced pass

    /// `riskMetrics` per instrument with a mark (published now); the open-interest alerts
    /// (returned, to publish in order).
    func openInterestResults(_ oi: [Int64]) -> [RiskAlert] {
        let params = config.risk
        var alerts: [RiskAlert] = []
        for i in 0..<specs.count where marks[i] > 0 {
            events.append(.riskMetrics(RiskMetrics(instrument: InstrumentID(UInt16(i)), volatility: volatility(InstrumentID(UInt16(i))),
                                                   marginAddOn: Rate(raw: riskState.addOns[i]), openInterest: oi[i],
                                                   samples: riskState.volatility[i].returnCount)))
            let p = params.instruments[i], cap = openInterestCaps[i]
            if cap > 0 {
                let value = Rate(raw: (Int128(oi[i]) * Int128(Rate.one.raw)).divided(by: Int128(cap), rounding: .down).clampedInt64)
                alerts.append(RiskAlert(raised: value >= p.openInterestAlert, instrument: InstrumentID(UInt16(i)), account: nil,
                                        threshold: p.openInterestAlert, value: value,
                                        evidence: .openInterest(openInterest: oi[i], cap: cap)))
            } else {
                // A cap removed by a risk-limit change: an alert it raised clears.
                alerts.append(RiskAlert(raised: false, instrument: InstrumentID(UInt16(i)), account: nil, threshold: p.openInterestAlert,
                                        value: .zero, evidence: .openInterest(openInterest: oi[i], cap: 0)))
            }
        }
        return alerts
    }

    /// The concentration alert of a position of `size` (magnitude) of account `a`, when
    /// open interest is large enough to judge and the position is at least the alert share.
    func concentrationAlert(_ a: UInt32, instrument i: Int, size: Int64, openInterest oi: [Int64]) -> RiskAlert? {
        let p = config.risk.instruments[i]
        guard oi[i] > 0, oi[i] >= p.concentrationMinOpenInterest else { return nil }
        let share = Rate(raw: (Int128(size) * Int128(Rate.one.raw)).divided(by: Int128(oi[i]), rounding: .down).clampedInt64)
        guard share >= p.concentrationAlert else { return nil }
        return RiskAlert(raised: true, instrument: InstrumentID(UInt16(i)), account: AccountID(a),
                         threshold: p.concentrationAlert, value: share,
                         evidence: .concentration(position: size, openInterest: oi[i]))
    }

    /// Clears of raised concentration alerts not in `concentrated`, then its raises, both
    /// in key order (dictionary order differs between processes and histories).
    func concentrationResults(_ concentrated: [RiskAlertKey: RiskAlert], openInterest oi: [Int64]) -> [RiskAlert] {
        var alerts: [RiskAlert] = []
        let stale = riskState.active.filter { $0.key.kind == .concentration && concentrated[$0.key] == nil }
        for (key, old) in stale.sorted(by: { $0.key < $1.key }) {
            let i = Int(key.instrument), size = accounts[Int(key.account)].positions[i].size.magnitude
            let share = oi[i] > 0 ? Rate(raw: (Int128(size) * Int128(Rate.one.raw)).divided(by: Int128(oi[i]), rounding: .down).clampedInt64) : .zero
            alerts.append(RiskAlert(raised: false, instrument: old.instrument, account: old.account, threshold: old.threshold,
                                    value: share, evidence: .concentration(position: Int64(size), openInterest: oi[i])))
        }
        alerts.append(contentsOf: concentrated.values.sorted { $0.key < $1.key })
        return alerts
    }

    /// `stressTest` per scenario (published now); the insurance-coverage alerts (returned).
    func stressResults(shortfall: [Int128], inShortfall: [Int64]) -> [RiskAlert] {
        let params = config.risk
        var alerts: [RiskAlert] = []
        let fund = ledger.balance(insuranceBook)
        for (s, shock) in params.stressShocks.enumerated() {
            let total = shortfall[s].clampedInt64, count = Int(inShortfall[s])
            let result = StressTestResult(shock: shock, shortfall: total, insuranceFund: fund, accountsInShortfall: count)
            events.append(.stressTest(result))
            let value: Rate = fund > 0
                ? Rate(raw: min((Int128(total) * Int128(Rate.one.raw)).divided(by: Int128(fund), rounding: .up), Self.uncoveredRatio).clampedInt64)
                : Rate(raw: total > 0 ? Int64(Self.uncoveredRatio) : 0)
            alerts.append(RiskAlert(raised: total > 0 && value >= params.insuranceCoverageAlert, instrument: nil, account: nil,
                                    threshold: params.insuranceCoverageAlert, value: value,
                                    evidence: .insuranceCoverage(shock: shock, shortfall: total, insuranceFund: fund,
                                                                 accountsInShortfall: count)))
        }
        return alerts
    }

    /// Shocked marks per scenario and instrument, for longs and shorts (rounded against the
    /// holder), computed once instead of per position.
    func shockedMarks() -> [[(long: Int64, short: Int64)]] {
        config.risk.stressShocks.map { shock in
            let scenario = StressScenario(name: "", shock: shock)
            return (0..<specs.count).map { i in
                marks[i] > 0 ? (scenario.shockedPrice(Price(raw: marks[i]), for: Quantity(raw: 1)).raw,
                                scenario.shockedPrice(Price(raw: marks[i]), for: Quantity(raw: -1)).raw) : (0, 0)
            }
        }
    }

    /// Shortfall ratio published when the fund is empty: 1,000,000 (as a Rate).
    static let uncoveredRatio = Int128(1_000_000) * Int128(Rate.one.raw)

    /// Publishes an alert if it changes the raised set (volatility: also a new step);
    /// open-interest and coverage alerts clear only below 90% of their threshold.
    func publish(_ alert: RiskAlert) {
        let key = alert.key
        if alert.raised {
            if let old = riskState.active[key], old.threshold == alert.threshold { return }
            riskState.active[key] = alert
        } else {
            guard let old = riskState.active[key] else { return }
            // Hysteresis for measures that drift around their threshold (open interest,
            // insurance coverage): a raised alert clears only below 90% of its threshold,
            // so it does not flap from sweep to sweep.
            if key.kind == .openInterest || key.kind == .insuranceCoverage,
               Int128(alert.value.raw) * 10 >= Int128(old.threshold.raw) * 9 { return }
            riskState.active[key] = nil
        }
        events.append(.riskAlert(alert))
    }

    /// The loss beyond equity of account `a` with every mark at its shocked value
    /// (`shocked[i]`: for a long, for a short — rounded against the holder by
    /// `StressScenario`): the cross pool's negative equity plus each isolated position's.
    func stressShortfall(_ a: UInt32, shocked: [(long: Int64, short: Int64)]) -> Int128 {
        var cross = Int128(ledger.balance(accounts[Int(a)].cashBook))
        var hasCross = false
        var isolatedLoss: Int128 = 0
        for i in 0..<specs.count {
            let p = accounts[Int(a)].positions[i]
            guard p.size != 0, marks[i] > 0 else { continue }
            let price = p.size > 0 ? shocked[i].long : shocked[i].short
            let pnl = (Int128(p.size) * Int128(price) - Int128(p.cost)) * Int128(productToAsset[i])
            if p.isolated {
                isolatedLoss += max(0, -(Int128(isolatedMargin(a, i)) + pnl))
            } else {
                cross += pnl
                hasCross = true
            }
        }
        return (hasCross ? max(0, -cross) : 0) + isolatedLoss
    }
}
