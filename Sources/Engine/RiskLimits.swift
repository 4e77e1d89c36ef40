import HarbourCore

/// The risk parameters of one perpetual that the risk team changes while it trades
/// (PERP-1, REG-4): maximum leverage, the risk-limit (maintenance) tiers, the position
/// limit and the open-interest cap. Everything else about a contract (tick, lot, scales,
/// funding interval) is fixed by the venue's configuration. Money in settlement raw
/// units, sizes in raw size units, rates in 1e-8.
public struct RiskLimits: Sendable, Hashable {
    /// One row of the tier table as staff write it; the continuity deduction is derived.
    public struct Tier: Sendable, Hashable {
        public let notionalCap: Int64
        public let maintenanceRate: Int64
        public let maxLeverage: Int64

        public init(notionalCap: Int64, maintenanceRate: Int64, maxLeverage: Int64) {
            self.notionalCap = notionalCap
            self.maintenanceRate = maintenanceRate
            self.maxLeverage = maxLeverage
        }
    }

    public let maxLeverage: Int64
    public let positionLimit: Int64
    /// 0: no cap (RISK-6 alerts only).
    public let openInterestCap: Int64
    public let tiers: [Tier]

    /// The highest maximum leverage a change may set.
    public static let leverageCeiling: Int64 = 125
    /// The most tiers a table may have.
    public static let maxTiers = 32

    public init(maxLeverage: Int64, positionLimit: Int64, openInterestCap: Int64, tiers: [Tier]) {
        self.maxLeverage = maxLeverage
        self.positionLimit = positionLimit
        self.openInterestCap = openInterestCap
        self.tiers = tiers
    }

    /// The limits in force for `spec` with `openInterestCap`.
    public init(spec: InstrumentSpec, openInterestCap: Int64) {
        self.init(maxLeverage: spec.maxLeverage, positionLimit: spec.positionLimit, openInterestCap: openInterestCap,
                  tiers: spec.tiers.map { Tier(notionalCap: $0.notionalCap, maintenanceRate: $0.maintenanceRate.raw, maxLeverage: $0.maxLeverage) })
    }

    /// `spec` carrying these limits (tier leverage never above the contract's maximum).
    public func applied(to spec: InstrumentSpec) -> InstrumentSpec {
        spec.withRiskLimits(maxLeverage: maxLeverage,
                            tiers: tiers.map { MaintenanceTier(notionalCap: $0.notionalCap, maintenanceRate: Rate(raw: $0.maintenanceRate),
                                                               maxLeverage: min($0.maxLeverage, maxLeverage)) },
                            positionLimit: positionLimit)
    }

    /// What makes these limits unusable on `spec` whose largest volatility add-on is
    /// `maxAddOn` (empty when sound). Every rule is one a client could otherwise trip over:
    /// a position opened at a tier's full leverage must not start below maintenance.
    public func problems(on spec: InstrumentSpec, maxAddOn: Rate) -> [String] {
        var p: [String] = []
        let symbol = spec.symbol
        if !(1...Self.leverageCeiling).contains(maxLeverage) { p.append("maxLeverage must be 1 to \(Self.leverageCeiling)") }
        if positionLimit <= 0 || positionLimit % spec.lotSize != 0 {
            p.append("positionLimit must be a positive multiple of the lot \(spec.sizeString(spec.lotSize))")
        }
        if openInterestCap < 0 { p.append("openInterestCap must not be negative (0: none)") }
        if tiers.isEmpty || tiers.count > Self.maxTiers { p.append("the tier table has 1 to \(Self.maxTiers) rows") }
        for (n, t) in tiers.enumerated() {
            let row = "tier \(n + 1)"
            if t.notionalCap <= 0 { p.append("\(row): the notional cap must be positive") }
            if n > 0, t.notionalCap <= tiers[n - 1].notionalCap { p.append("\(row): notional caps must ascend") }
            if t.maintenanceRate <= 0 || t.maintenanceRate + maxAddOn.raw >= Rate.one.raw {
                p.append("\(row): the maintenance rate must be positive and, with the largest add-on \(maxAddOn.formatted), below 1")
            }
            if n > 0, t.maintenanceRate < tiers[n - 1].maintenanceRate { p.append("\(row): maintenance rates must not fall as notional grows") }
            if t.maxLeverage < 1 { p.append("\(row): max leverage must be at least 1") }
            if n > 0, t.maxLeverage > tiers[n - 1].maxLeverage { p.append("\(row): max leverage must not rise as notional grows") }
            let leverage = Int128(min(t.maxLeverage, max(1, maxLeverage)))
            // The volatility add-on is added to initial and maintenance margin alike: it cancels out here.
            if Int128(t.maintenanceRate) * leverage >= Int128(Rate.one.raw) {
                p.append("\(row): at \(leverage)x the initial margin would not cover the maintenance margin (rate × leverage must stay below 1)")
            }
        }
        if p.isEmpty { p += applied(to: spec).validationProblems() }
        return p.map { "\(symbol): \($0)" }
    }
}

/// A proposed change of a perpetual's risk limits: each absent field keeps the value in
/// force when the change is approved (so two changes to different fields compose).
public struct RiskLimitChange: Sendable, Hashable {
    public let maxLeverage: Int64?
    public let positionLimit: Int64?
    public let openInterestCap: Int64?
    public let tiers: [RiskLimits.Tier]?

    public init(maxLeverage: Int64? = nil, positionLimit: Int64? = nil, openInterestCap: Int64? = nil, tiers: [RiskLimits.Tier]? = nil) {
        self.maxLeverage = maxLeverage
        self.positionLimit = positionLimit
        self.openInterestCap = openInterestCap
        self.tiers = tiers
    }

    public var isEmpty: Bool { maxLeverage == nil && positionLimit == nil && openInterestCap == nil && tiers == nil }

    /// The limits after this change on top of `current`.
    public func resolved(against current: RiskLimits) -> RiskLimits {
        RiskLimits(maxLeverage: maxLeverage ?? current.maxLeverage, positionLimit: positionLimit ?? current.positionLimit,
                   openInterestCap: openInterestCap ?? current.openInterestCap, tiers: tiers ?? current.tiers)
    }
}

/// One approved version of a perpetual's risk limits (engine state, in snapshots and the
/// state hash): in force from the approving command on. Version 0 is the configuration's.
public struct RiskLimitVersion: Sendable, Hashable {
    public let instrument: InstrumentID
    public let version: Int64
    public let limits: RiskLimits
    public let requestId: String
    public let proposedBy: String
    public let approvedBy: String
    public let at: Int64
    public let reason: String

    public init(instrument: InstrumentID, version: Int64, limits: RiskLimits, requestId: String, proposedBy: String,
                approvedBy: String, at: Int64, reason: String) {
        self.instrument = instrument
        self.version = version
        self.limits = limits
        self.requestId = requestId
        self.proposedBy = proposedBy
        self.approvedBy = approvedBy
        self.at = at
        self.reason = reason
    }
}

/// Why a tier table's text was refused.
public struct TableProblem: Error, Sendable, CustomStringConvertible {
    public let description: String
}

extension RiskLimits.Tier {
    /// A tier table in the replay/API form `notionalCap:maintenanceRate:maxLeverage;…`
    /// (`50000:0.004:50;250000:0.005:50`), money at `money`'s scale, rates as fractions.
    public static func parseTable(_ text: String, money: DecimalScale) -> Result<[RiskLimits.Tier], TableProblem> {
        var out: [RiskLimits.Tier] = []
        for (n, row) in text.split(separator: ";", omittingEmptySubsequences: false).enumerated() {
            let parts = row.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { return .failure(TableProblem(description: "tier \(n + 1) '\(row)' is not notionalCap:maintenanceRate:maxLeverage")) }
            guard let cap = try? FixedDecimal.parse(parts[0], scale: money) else {
                return .failure(TableProblem(description: "tier \(n + 1): notional cap '\(parts[0])' is not a decimal with at most \(money.decimals) places"))
            }
            guard let rate = try? FixedDecimal.parse(parts[1], scale: Rate.scale) else {
                return .failure(TableProblem(description: "tier \(n + 1): maintenance rate '\(parts[1])' is not a decimal fraction with at most 8 places"))
            }
            guard let lev = Int64(parts[2]) else { return .failure(TableProblem(description: "tier \(n + 1): max leverage '\(parts[2])' is not a whole number")) }
            out.append(RiskLimits.Tier(notionalCap: cap, maintenanceRate: rate, maxLeverage: lev))
        }
        return .success(out)
    }

    /// The inverse of `parseTable`.
    public static func format(_ tiers: [RiskLimits.Tier], money: DecimalScale) -> String {
        tiers.map { "\(FixedDecimal.format($0.notionalCap, scale: money)):\(FixedDecimal.format($0.maintenanceRate, scale: Rate.scale)):\($0.maxLeverage)" }
            .joined(separator: ";")
    }
}

extension RiskLimits {
    /// Writes the limits as JSON fields (replay lines, events): leverage a whole number,
    /// sizes at the contract's size scale, the table in the `parseTable` form.
    func write(spec: InstrumentSpec, into w: inout JSONLine) {
        w.int("maxLeverage", maxLeverage); w.str("positionLimit", spec.sizeString(positionLimit))
        w.str("openInterestCap", spec.sizeString(openInterestCap))
        w.str("tiers", Tier.format(tiers, money: spec.settlementAsset.scale))
    }
}

extension RiskLimitChange {
    /// Writes the fields the change sets, as `RiskLimits.write` does.
    func write(spec: InstrumentSpec, into w: inout JSONLine) {
        if let maxLeverage { w.int("maxLeverage", maxLeverage) }
        if let positionLimit { w.str("positionLimit", spec.sizeString(positionLimit)) }
        if let openInterestCap { w.str("openInterestCap", spec.sizeString(openInterestCap)) }
        if let tiers { w.str("tiers", RiskLimits.Tier.format(tiers, money: spec.settlementAsset.scale)) }
    }
}
