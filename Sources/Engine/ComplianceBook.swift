import Compliance
import HarbourCore

/// The engine's compliance component (PI-1..3, REG-4, MM-1): what is known of each client
/// (classification, knowledge, acknowledgements, caps, recorded evidence), the staff
/// requests waiting for a checker, the current disclosure version of each contract and
/// the registered affiliated market makers. It owns this state; the engine asks it
/// whether an account may add risk (`refusal`) and hands it compliance commands.
struct ComplianceBook: Sendable {
    /// One pending four-eyes request, by its text id.
    struct Pending: Sendable, Hashable {
        var request: FourEyesRequest<StaffChange>
    }

    /// Per account index: the compliance record (absent: never onboarded = retail).
    var records: [UInt32: ClientComplianceRecord] = [:]
    /// Per account index: evidence recorded and not yet used by an approved classification.
    var evidence: [UInt32: ClassificationEvidence] = [:]
    /// Pending requests by id, and every id ever used (ids are never re-used).
    var pending: [String: Pending] = [:]
    var usedRequestIds: Set<String> = []
    var nextRequestNumber: Int64 = 1
    /// Current risk-disclosure version per instrument (1 until compliance publishes another).
    var disclosureVersions: [Int64]
    /// Current margin-financing disclosure version; 0 until the venue publishes one (then a
    /// drawdown needs it acknowledged).
    var financingDisclosureVersion: Int64 = 0
    /// Affiliated market makers: account index → terms per instrument index.
    var marketMakers: [UInt32: [UInt16: MarketMakerTerms]] = [:]
    /// Earliest command time at which a classification warning or lapse is due (derived).
    var nextDueMs: Int64 { min(warningsDue.first, lapsesDue.first) }
    /// (time, account) of each warning, and of each lapse, that may be due (derived; an
    /// entry whose record has moved on is skipped when popped). Two queues, because each
    /// receives its times in order as classifications are approved (12 months, or 12
    /// months less the warning days, after the approval), so an insert is an append.
    var warningsDue = DueQueue()
    var lapsesDue = DueQueue()
    /// Each contract's governance (PERP-6): configured contracts start enabled (approved by
    /// the configuration) unless the configuration lists them as proposed.
    var products: [ProductLifecycle]

    init(config: VenueConfig) {
        disclosureVersions = Array(repeating: 1, count: config.instruments.count)
        products = config.instruments.map { spec in
            config.proposedInstruments.contains(spec.symbol)
                ? ProductLifecycle(restoring: spec.symbol, referenceAsset: spec.underlying, stage: .proposed,
                                   history: [.init(stage: .proposed, by: "venue configuration", at: 0, note: "listed as proposed")])
                : ProductLifecycle.genesis(symbol: spec.symbol, referenceAsset: spec.underlying, at: 0)
        }
    }

    /// Queues a new classification's warning and lapse times for `account`.
    mutating func noteDue(_ c: Classification, account: UInt32, policy: ClassificationPolicy) {
        let warnAt = c.expiresAt - Int64(policy.expiryWarningDays) * ClassificationPolicy.dayMs
        warningsDue.insert(warnAt, account)
        lapsesDue.insert(c.expiresAt, account)
    }

    /// Takes the accounts whose warning or lapse may be due at `now`, ascending, each once.
    mutating func popDue(at now: Int64) -> [UInt32] {
        Set(warningsDue.take(dueAt: now) + lapsesDue.take(dueAt: now)).sorted()
    }

    /// Rebuilds the queue from the records (after a restore): what is still to warn or announce.
    mutating func recomputeDue(policy: ClassificationPolicy) {
        var warnings: [(at: Int64, account: UInt32)] = [], lapses: [(at: Int64, account: UInt32)] = []
        for (a, record) in records {
            guard let c = record.classification else { continue }
            let warnAt = c.expiresAt - Int64(policy.expiryWarningDays) * ClassificationPolicy.dayMs
            if (record.expiryWarnedAt ?? .min) < c.assessedAt { warnings.append((warnAt, a)) }
            if (record.lapseAnnouncedAt ?? .min) < c.assessedAt { lapses.append((c.expiresAt, a)) }
        }
        warningsDue = DueQueue(sorting: warnings)
        lapsesDue = DueQueue(sorting: lapses)
    }
}
