import Compliance
import HarbourCore

/// Live changes of a perpetual's risk limits (PERP-1, REG-4): maximum leverage, the tier
/// table, the position limit and the open-interest cap change only by a four-eyes request
/// of the risk team, applied by the approving command as the contract's next version —
/// in the journal, the snapshot and the state hash, so replay reaches the same limits at
/// the same sequence number. Nothing else about a contract changes while it trades.
///
/// At approval: leverage settings above the new maximum are lowered to it (a `leverage`
/// event each, on the client's stream); every account holding the contract is re-checked
/// against the new maintenance margin in the same command (and liquidated if it is now
/// below); positions above a lower position limit stay, and may only be reduced.
extension Engine {
    /// The risk limits in force on perpetual `instrument`.
    public func riskLimits(_ instrument: InstrumentID) -> RiskLimits {
        let i = Int(instrument.index)
        return RiskLimits(spec: specs[i], openInterestCap: openInterestCaps[i])
    }

    /// The version of `instrument`'s risk limits in force: 0 is the configuration's.
    public func riskLimitVersion(_ instrument: InstrumentID) -> Int64 {
        riskLimitVersions.last { $0.instrument == instrument }?.version ?? 0
    }

    /// The perpetuals' specs in force (the configuration's with approved versions applied).
    public var perpetualSpecs: [InstrumentSpec] { specs }

    /// The venue configuration with the risk limits in force: what disclosures and the
    /// exchange information describe.
    public var liveConfig: VenueConfig {
        var c = config
        c.instruments = specs
        for i in specs.indices { c.risk.instruments[i].openInterestCap = openInterestCaps[i] }
        return c
    }

    /// Whether `change` can be made on `instrument` now; on success what it changes and
    /// what approving it would do to the book at the current marks.
    func checkRiskLimits(_ instrument: InstrumentID, _ change: RiskLimitChange) -> Result<[String], Rejection> {
        if let r = notPerpetual(instrument, "risk limits") { return .failure(r) }
        guard validInstrument(instrument) else { return .failure(Rejection(.unknownSymbol, "unknown symbol")) }
        let i = Int(instrument.index), spec = specs[i]
        guard compliance.products[i].stage != .delisted else {
            return .failure(Rejection(.productNotApproved, "\(spec.symbol) is delisted: its limits no longer change"))
        }
        guard !change.isEmpty else {
            return .failure(Rejection(.invalidRiskLimits, "a change names at least one of maxLeverage, positionLimit, openInterestCap, tiers"))
        }
        let now = riskLimits(instrument), next = change.resolved(against: now)
        let problems = next.problems(on: spec, maxAddOn: config.risk.instruments[i].maxAddOn)
        guard problems.isEmpty else { return .failure(Rejection(.invalidRiskLimits, problems.joined(separator: "; "))) }
        var findings = Self.differences(now, next, spec)
        if findings.isEmpty { return .success(["the limits are unchanged"]) }
        findings += impact(of: next, on: i)
        return .success(findings)
    }

    /// What differs between two sets of limits, as "field old → new".
    static func differences(_ a: RiskLimits, _ b: RiskLimits, _ spec: InstrumentSpec) -> [String] {
        var out: [String] = []
        let money = spec.settlementAsset.scale
        if a.maxLeverage != b.maxLeverage { out.append("maxLeverage \(a.maxLeverage)x → \(b.maxLeverage)x") }
        if a.positionLimit != b.positionLimit { out.append("positionLimit \(spec.sizeString(a.positionLimit)) → \(spec.sizeString(b.positionLimit))") }
        if a.openInterestCap != b.openInterestCap {
            out.append("openInterestCap \(spec.sizeString(a.openInterestCap)) → \(spec.sizeString(b.openInterestCap))")
        }
        let applied = RiskLimits(spec: b.applied(to: spec), openInterestCap: b.openInterestCap).tiers
        if a.tiers != applied {
            out.append("tiers \(RiskLimits.Tier.format(a.tiers, money: money)) → \(RiskLimits.Tier.format(applied, money: money))")
        }
        return out
    }

    /// What approving `next` on perpetual `i` would do now: leverage settings lowered,
    /// positions above the limit, accounts that would be below maintenance at the marks.
    func impact(of next: RiskLimits, on i: Int) -> [String] {
        let spec = specs[i]
        var lowered = 0, aboveLimit = 0, holders: [UInt32] = []
        for a in accounts.indices {
            let p = accounts[a].positions[i]
            if p.leverage > next.maxLeverage { lowered += 1 }
            if p.size.magnitude > UInt64(next.positionLimit) { aboveLimit += 1 }
            if p.hasExposure { holders.append(UInt32(a)) }
        }
        // The margin functions read the specs in force: measure with the new ones, then put
        // the old ones back (nothing else runs in between; the engine is one thread).
        let saved = specs[i]
        specs[i] = next.applied(to: saved)
        marketSpecs[i] = specs[i]
        var breached = 0
        for a in holders where accountBelowMaintenance(a) { breached += 1 }
        specs[i] = saved
        marketSpecs[i] = saved
        var out = ["\(holders.count) account(s) hold \(spec.symbol); their margin is re-checked at approval"]
        if lowered > 0 { out.append("\(lowered) leverage setting(s) above \(next.maxLeverage)x are lowered to \(next.maxLeverage)x at approval") }
        if aboveLimit > 0 { out.append("\(aboveLimit) position(s) are above the new position limit: they may only reduce") }
        if breached > 0 {
            out.append("WARNING: \(breached) account(s) would be below maintenance margin at the current marks and would be liquidated at approval")
        }
        return out
    }

    /// Whether account `a` is below maintenance on any isolated position or its cross pool.
    func accountBelowMaintenance(_ a: UInt32) -> Bool {
        for i in 0..<specs.count {
            let p = accounts[Int(a)].positions[i]
            if p.size != 0, p.isolated, marks[i] > 0, isolatedGap(a, instrument: i, price: marks[i]) < 0 { return true }
        }
        let m = margin(of: a)
        return m.maintenanceRequired > 0 && m.equity < m.maintenanceRequired
    }

    /// Applies an approved change as the next version; events appended.
    func approveRiskLimits(_ instrument: InstrumentID, _ change: RiskLimitChange, request: FourEyesRequest<StaffChange>,
                           requestId: String, checker: String, now: Int64) {
        let i = Int(instrument.index)
        let version = RiskLimitVersion(instrument: instrument, version: riskLimitVersion(instrument) + 1,
                                       limits: change.resolved(against: riskLimits(instrument)), requestId: requestId,
                                       proposedBy: request.maker, approvedBy: checker, at: now, reason: request.reason)
        install(version)
        events.append(.compliance(.riskLimitsSet(version)))
        let maxLeverage = specs[i].maxLeverage
        for a in accounts.indices {
            if accounts[a].positions[i].leverage > maxLeverage {
                accounts[a].positions[i].leverage = maxLeverage
                events.append(.leverage(account: AccountID(UInt32(a)), instrument: instrument, leverage: maxLeverage))
            }
            // Maintenance changed: new liquidation triggers, and whoever is now below is
            // liquidated in this command (as for a new volatility add-on).
            if accounts[a].positions[i].hasExposure { riskState.pendingChecks.append(UInt32(a)) }
        }
    }

    /// Puts `v` in force (approval, and restoring a snapshot).
    func install(_ v: RiskLimitVersion) {
        let i = Int(v.instrument.index)
        specs[i] = v.limits.applied(to: specs[i])
        marketSpecs[i] = specs[i]
        openInterestCaps[i] = v.limits.openInterestCap
        riskLimitVersions.append(v)
    }

    /// The approved versions, in approval order (snapshot, restore, state hash): count, then
    /// per version instrument, version, limits, tier table, request, maker, checker, time,
    /// reason. Restoring installs each after checking it is the instrument's next version
    /// and sound, so the specs in force are rebuilt before any position is read.
    func codeRiskLimitVersions<Coder: StateCoder>(_ coder: inout Coder) throws(SnapshotError) {
        var n = riskLimitVersions.count
        try coder.codeCount(&n)
        let written = coder.isReading ? [] : riskLimitVersions
        for k in 0..<n {
            let v = coder.isReading ? nil : written[k]
            var instrument = UInt32(v?.instrument.index ?? 0), version = v?.version ?? 0
            var lev = v?.limits.maxLeverage ?? 0, limit = v?.limits.positionLimit ?? 0, cap = v?.limits.openInterestCap ?? 0
            var requestId = v?.requestId ?? "", maker = v?.proposedBy ?? "", checker = v?.approvedBy ?? "", at = v?.at ?? 0
            var reason = v?.reason ?? ""
            try coder.code(&instrument); try coder.code(&version)
            try coder.code(&lev); try coder.code(&limit); try coder.code(&cap)
            let tiers = try ComplianceBook.code(tiers: v?.limits.tiers ?? [], &coder)
            try coder.code(&requestId); try coder.code(&maker); try coder.code(&checker); try coder.code(&at); try coder.code(&reason)
            guard coder.isReading else { continue }
            try coder.require(Int(instrument) < specs.count, "risk-limit version of instrument \(instrument)")
            let id = InstrumentID(UInt16(instrument))
            try coder.require(version == riskLimitVersion(id) + 1, "risk-limit version \(version) of instrument \(instrument)")
            let limits = RiskLimits(maxLeverage: lev, positionLimit: limit, openInterestCap: cap, tiers: tiers)
            let problems = limits.problems(on: specs[Int(instrument)], maxAddOn: config.risk.instruments[Int(instrument)].maxAddOn)
            try coder.require(problems.isEmpty, "risk-limit version \(version): \(problems.joined(separator: "; "))")
            install(RiskLimitVersion(instrument: id, version: version, limits: limits, requestId: requestId, proposedBy: maker,
                                     approvedBy: checker, at: at, reason: reason))
        }
    }
}
