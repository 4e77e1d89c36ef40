import Compliance
import HarbourCore

/// What onboarding, suitability, disclosures, staff decisions and market-maker
/// registration changed (PI-1, PI-2, PI-3, REG-4, MM-1): the record compliance keeps,
/// published in the event stream (and so in the journal's audit trail).
public enum ComplianceEvent: Sendable, Hashable {
    case evidenceRecorded(account: AccountID, kind: EvidenceKind, amount: FiatAmount, asOf: Int64, source: String, by: String)
    /// A sensitive change awaits a second staff member; `findings` say what the assessment
    /// found (for a classification) or what is proposed.
    case requestProposed(requestId: String, change: StaffChange, by: String, reason: String, findings: [String])
    case requestApproved(requestId: String, change: StaffChange, by: String)
    case requestRejected(requestId: String, change: StaffChange, by: String, reason: String)
    /// A professional-investor classification took effect.
    case classified(account: AccountID, classification: Classification)
    case knowledgeAssessed(account: AccountID, assessment: KnowledgeAssessment)
    case disclosureAcknowledged(account: AccountID, instrument: InstrumentID, version: Int64)
    case disclosurePublished(instrument: InstrumentID, version: Int64, by: String)
    /// The margin-financing disclosure's acknowledgement and publication (symbol `MARGIN-FINANCING`).
    case financingDisclosureAcknowledged(account: AccountID, version: Int64)
    case financingDisclosurePublished(version: Int64, by: String)
    case leverageCapSet(account: AccountID, instrument: InstrumentID, leverage: Int64)
    case ownerNotionalCapSet(account: AccountID, cap: Int64?)
    case marketMakerRegistered(account: AccountID, terms: MarketMakerTerms)
    /// The classification lapses within the warning window (sent once per classification).
    case classificationExpiring(account: AccountID, expiresAt: Int64)
    /// The classification lapsed: the account can only reduce risk until it is renewed.
    case classificationLapsed(account: AccountID, expiredAt: Int64)
    /// An approved large withdrawal was paid out (the posting and balance follow).
    case withdrawalPaid(account: AccountID, asset: String, amount: Int64)
    /// A contract's lifecycle moved (PERP-6): approved by a checker, enabled, restricted.
    case productStage(instrument: InstrumentID, stage: ProductLifecycle.Stage, by: String)
    /// A perpetual's risk limits changed (PERP-1): the new version, in force from this
    /// command on; the product's disclosure is regenerated and republished.
    case riskLimitsSet(RiskLimitVersion)
    /// Accounts joined one self-trade-prevention group (PERP-3): they share a beneficial
    /// owner, or an affiliated market maker joined the house group. Groups only merge.
    case stpGroupMerged(group: UInt32, accounts: [AccountID], reason: String)
    /// A delisted contract's position closed at the mark (`size` as it was, signed).
    case finalSettlement(account: AccountID, instrument: InstrumentID, size: Int64, price: Int64)
}
