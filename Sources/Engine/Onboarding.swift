import Compliance
import HarbourCore

/// The shortest command sequences that make a freshly opened account an eligible
/// professional investor (PI-1, PI-2), as docs/REPLAY.md ("Onboarding") shows them in
/// replay lines: for demo accounts, benchmarks, simulations and tests — anyone who needs
/// trading accounts. Nothing here bypasses a rule: these are the ordinary commands a
/// compliance maker and a different checker would send.
public enum Onboarding {
    /// An individual PI: HK$8,000,000.00 of securities evidenced at `at`, proposed by
    /// `maker`, approved by `checker`, a training-based knowledge assessment, and an
    /// acknowledgement of the current risk disclosure of every contract.
    public static func individual(_ account: AccountID, name: String, engine: Engine, at: Int64,
                                  maker: String = "onboarding-maker", checker: String = "onboarding-checker") -> [Command] {
        let policy = engine.config.classification
        var out: [Command] = [
            .compliance(.recordEvidence(account: account, by: maker, kind: .portfolio(.securities),
                                        amount: FiatAmount(currency: policy.currency, minorUnits: policy.individualPortfolio),
                                        asOf: at, holding: .sole, source: "custodian statement", conversion: nil)),
            .compliance(.propose(requestId: requestId(name), by: maker, reason: "portfolio evidenced",
                                 change: .classify(account: account, kind: .individual, licence: nil, beneficialOwners: []))),
            .compliance(.approve(requestId: requestId(name), by: checker)),
            .compliance(.recordKnowledge(account: account, by: maker, method: .training(reference: "derivatives course"), met: true)),
        ]
        out += acknowledgements(account, engine: engine)
        return out
    }

    /// An institutional PI (a licensed corporation, such as the platform's affiliated
    /// market maker): licence reference, maker and checker, acknowledgements; no
    /// knowledge assessment is needed.
    public static func institutional(_ account: AccountID, name: String, licence: String, engine: Engine,
                                     maker: String = "onboarding-maker", checker: String = "onboarding-checker") -> [Command] {
        [
            .compliance(.propose(requestId: requestId(name), by: maker, reason: "licensed institution",
                                 change: .classify(account: account, kind: .institutional, licence: licence, beneficialOwners: []))),
            .compliance(.approve(requestId: requestId(name), by: checker)),
        ] + acknowledgements(account, engine: engine)
    }

    /// Acknowledgements of every contract's current disclosure version, and of the
    /// margin-financing disclosure once one is published.
    public static func acknowledgements(_ account: AccountID, engine: Engine) -> [Command] {
        var out: [Command] = engine.config.instruments.indices.map { i in
            let instrument = InstrumentID(UInt16(i))
            return .compliance(.acknowledgeDisclosure(account: account, instrument: instrument, version: engine.disclosureVersion(instrument)))
        }
        if engine.financingDisclosureVersion > 0 {
            out.append(.compliance(.acknowledgeFinancingDisclosure(account: account, version: engine.financingDisclosureVersion)))
        }
        return out
    }

    /// The request id the sequences use: "pi-" and the account name, cut to the id format.
    public static func requestId(_ name: String) -> String {
        let allowed = name.unicodeScalars.map { ClientOrderIdFormat.isValid(String($0)) ? Character($0) : "_" }
        return "pi-" + String(String(allowed).prefix(33))
    }
}

extension Engine {
    /// The current risk-disclosure version of `instrument` (PI-2).
    public func disclosureVersion(_ instrument: InstrumentID) -> Int64 { compliance.disclosureVersions[Int(instrument.index)] }

    /// The id of the margin-financing disclosure, in replay lines and the API where a
    /// contract's symbol names its own.
    public static let financingDisclosureId = "MARGIN-FINANCING"

    /// The current margin-financing disclosure version; 0 while none is published.
    public var financingDisclosureVersion: Int64 { compliance.financingDisclosureVersion }

    /// What compliance knows of `account` (nil: never onboarded, i.e. retail).
    public func complianceRecord(_ account: AccountID) -> ClientComplianceRecord? { compliance.records[account.index] }

    /// Evidence recorded for `account` (classification or not).
    public func recordedEvidence(_ account: AccountID) -> ClassificationEvidence? { compliance.evidence[account.index] }

    /// Staff requests waiting for a checker, by id (sorted).
    public var pendingRequests: [(id: String, request: FourEyesRequest<StaffChange>)] {
        ComplianceBook.sortedText(compliance.pending.keys).map { ($0, compliance.pending[$0]!.request) }
    }

    /// Affiliated market makers and their terms per contract (MM-1), by account index.
    public var marketMakers: [(account: AccountID, terms: [MarketMakerTerms])] {
        compliance.marketMakers.keys.sorted().map { a in
            (AccountID(a), compliance.marketMakers[a]!.sorted { $0.key < $1.key }.map(\.value))
        }
    }

    /// Why `account` may not open or increase a position on `instrument` now (the PI-3
    /// rule and message the engine would answer an order with), nil when it may.
    public func eligibility(_ account: AccountID, _ instrument: InstrumentID) -> Rejection? {
        guard validAccount(account), validInstrument(instrument) else { return Rejection(.unknownAccount, "unknown account or symbol") }
        let i = Int(instrument.index)
        return eligibilityRefusal(account: account.index, instrument: i, leverage: accounts[Int(account.index)].positions[i].leverage,
                                  addedNotional: 0)
    }
}

extension Engine {
    /// Applies `Onboarding.individual` for `account` at `timestamp` and returns the commands
    /// applied (for callers that log or journal them). A refusal of any of them is a
    /// programming error in the caller's set-up (unknown account, clock gone backwards).
    @discardableResult
    public func applyOnboarding(of account: AccountID, at timestamp: Int64) -> [Command] {
        let commands = Onboarding.individual(account, name: accountName(account), engine: self, at: timestamp)
        for c in commands {
            applyInPlace(c, timestamp: timestamp)
            if case .rejected(let r, _, _, _)? = events.first(where: { if case .rejected = $0 { true } else { false } }) {
                preconditionFailure("onboarding \(accountName(account)) was refused: \(r)")
            }
        }
        return commands
    }
}
