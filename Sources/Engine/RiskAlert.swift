import HarbourCore

/// What a platform risk alert measured (RISK-6): the figures that made it fire, so the
/// risk team sees the evidence and not only the verdict. Sizes are raw units of the
/// instrument's size scale, money raw units of the settlement asset.
public enum RiskEvidence: Sendable, Hashable {
    /// EWMA volatility per sampling period and the margin add-on it now calls for.
    case volatility(volatility: Rate, addOn: Rate, samples: Int64)
    /// One account's position (absolute size) against the instrument's open interest.
    case concentration(position: Int64, openInterest: Int64)
    /// The instrument's open interest (Σ long sizes) against its configured cap.
    case openInterest(openInterest: Int64, cap: Int64)
    /// A stress scenario: the losses beyond equity the insurance fund would have to cover
    /// if every mark moved by `shock`, against the fund's balance.
    case insuranceCoverage(shock: Rate, shortfall: Int64, insuranceFund: Int64, accountsInShortfall: Int)
}

/// A platform risk alert (RISK-6): raised when a measure reaches its threshold, cleared
/// when it falls back below. Only changes are published, so the stream of these events
/// is the alert log; the engine keeps the set of raised alerts (`activeAlerts`).
///
/// `threshold` and `value` are fractions (Rate, 1e-8): the volatility and its add-on
/// step, the position's share of open interest, open interest over its cap, or the
/// stress shortfall over the insurance fund (capped at 1,000,000 when the fund is empty).
public struct RiskAlert: Sendable, Hashable {
    public let raised: Bool
    public let instrument: InstrumentID?
    public let account: AccountID?
    public let threshold: Rate
    public let value: Rate
    public let evidence: RiskEvidence

    public init(raised: Bool, instrument: InstrumentID?, account: AccountID?, threshold: Rate, value: Rate,
                evidence: RiskEvidence) {
        self.raised = raised
        self.instrument = instrument
        self.account = account
        self.threshold = threshold
        self.value = value
        self.evidence = evidence
    }

    /// The alert's kind as published: "volatility", "concentration", "openInterest",
    /// "insuranceCoverage".
    public var kind: RiskAlertKey.Kind { RiskAlertKey.Kind(evidence) }

    /// The identity of the condition, the same for its raise and its clear.
    public var key: RiskAlertKey {
        var scenario: Int64 = 0
        if case let .insuranceCoverage(shock, _, _, _) = evidence { scenario = shock.raw }
        return RiskAlertKey(kind: kind, instrument: instrument.map { Int32($0.index) } ?? -1,
                            account: account.map { Int64($0.index) } ?? -1, scenario: scenario)
    }
}

/// Identifies one alert condition: its kind and what it is about. Ordered, so the set of
/// raised alerts hashes and snapshots in a fixed order.
public struct RiskAlertKey: Sendable, Hashable, Comparable {
    public enum Kind: UInt8, Sendable, Hashable, Comparable {
        case volatility = 1, concentration = 2, openInterest = 3, insuranceCoverage = 4

        init(_ e: RiskEvidence) {
            switch e {
            case .volatility: self = .volatility
            case .concentration: self = .concentration
            case .openInterest: self = .openInterest
            case .insuranceCoverage: self = .insuranceCoverage
            }
        }

        public var name: String {
            switch self {
            case .volatility: "volatility"
            case .concentration: "concentration"
            case .openInterest: "openInterest"
            case .insuranceCoverage: "insuranceCoverage"
            }
        }

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    public let kind: Kind
    /// Instrument index, −1 for venue-wide alerts.
    public let instrument: Int32
    /// Account index, −1 when not about one account.
    public let account: Int64
    /// The stress shock (raw Rate) for insurance-coverage alerts, else 0.
    public let scenario: Int64

    public static func < (a: RiskAlertKey, b: RiskAlertKey) -> Bool {
        (a.kind, a.instrument, a.account, a.scenario) < (b.kind, b.instrument, b.account, b.scenario)
    }
}

/// One stress scenario run by the periodic risk sweep (RISK-6): every mark moved by
/// `shock` at once; the accounts' losses beyond equity against the insurance fund.
public struct StressTestResult: Sendable, Hashable {
    public let shock: Rate
    /// Σ over accounts of max(0, −equity after the shock), settlement-asset raw units.
    public let shortfall: Int64
    public let insuranceFund: Int64
    public let accountsInShortfall: Int
    /// What the fund could not cover: max(0, shortfall − fund) (then ADL).
    public var uncovered: Int64 { max(0, shortfall - insuranceFund) }

    public init(shock: Rate, shortfall: Int64, insuranceFund: Int64, accountsInShortfall: Int) {
        self.shock = shock
        self.shortfall = shortfall
        self.insuranceFund = insuranceFund
        self.accountsInShortfall = accountsInShortfall
    }
}

/// Per-instrument risk measures published by each risk sweep (RISK-6).
public struct RiskMetrics: Sendable, Hashable {
    public let instrument: InstrumentID
    /// EWMA volatility per sampling period (Rate), rounded up.
    public let volatility: Rate
    /// Margin add-on in force (added to the maintenance rate and to initial margin).
    public let marginAddOn: Rate
    /// Σ long position sizes (= Σ short sizes), raw size units.
    public let openInterest: Int64
    /// Returns folded into the volatility so far.
    public let samples: Int64

    public init(instrument: InstrumentID, volatility: Rate, marginAddOn: Rate, openInterest: Int64, samples: Int64) {
        self.instrument = instrument
        self.volatility = volatility
        self.marginAddOn = marginAddOn
        self.openInterest = openInterest
        self.samples = samples
    }
}
