import Compliance
import HarbourCore

/// What an evidence item is evidence of (PI-1): one kind of portfolio holding, or the
/// total assets of a corporation, partnership or trust corporation.
public enum EvidenceKind: Sendable, Hashable {
    case portfolio(PortfolioAssetKind)
    case totalAssets

    /// The replay/API name: a `PortfolioAssetKind` raw value or "totalAssets".
    public var name: String {
        switch self {
        case .portfolio(let kind): return kind.rawValue
        case .totalAssets: return "totalAssets"
        }
    }

    public init?(name: String) {
        if name == "totalAssets" { self = .totalAssets; return }
        guard let kind = PortfolioAssetKind(rawValue: name) else { return nil }
        self = .portfolio(kind)
    }

    /// Every name, in a stable order (for the field table and docs).
    public static let names = PortfolioAssetKind.allCases.map(\.rawValue) + ["totalAssets"]
}

/// How a knowledge assessment was made (PI-2), as a command carries it: the quiz score is
/// judged against the venue's configured pass mark, the other methods by their reference.
public enum KnowledgeMethod: Sendable, Hashable {
    case training(reference: String)
    case workExperience(reference: String)
    case tradingHistory(reference: String)
    case quiz(score: Int)

    public var name: String {
        switch self {
        case .training: return "training"
        case .workExperience: return "workExperience"
        case .tradingHistory: return "tradingHistory"
        case .quiz: return "quiz"
        }
    }

    public static let names = ["training", "workExperience", "tradingHistory", "quiz"]
}

/// A sensitive change that takes effect only when a second staff member approves it
/// (REG-4 four-eyes): made by one, checked by another.
public enum StaffChange: Sendable, Hashable {
    /// Classify `account` as `kind` on the evidence recorded for it (PI-1).
    case classify(account: AccountID, kind: InvestorKind, licence: String?, beneficialOwners: [String])
    /// The highest leverage `account` may use on `instrument` (PI-2), within the contract's maximum.
    case leverageCap(account: AccountID, instrument: InstrumentID, leverage: Int64)
    /// The most open notional (settlement raw units) all accounts of `account`'s
    /// beneficial owner may hold (PI-2); nil removes the cap.
    case ownerNotionalCap(account: AccountID, cap: Int64?)
    /// Register `account` as an affiliated market maker on `instrument` with its obligations (MM-1, MM-4).
    case registerMarketMaker(account: AccountID, instrument: InstrumentID, maxSpreadBps: Int64, minSize: Int64,
                             minPresenceBps: Int64)
    /// Approve a proposed contract for listing (PERP-6).
    case approveProduct(instrument: InstrumentID)
    /// Pay out a large withdrawal of free funds (REG-4), checked again at approval.
    case withdrawal(account: AccountID, amount: Int64)
    /// A margin client's credit limit on its declared figures (FIN-1): within the rule, or
    /// above it as a waiver whose reason is the request's.
    case creditLimit(account: AccountID, declared: DeclaredFigures, limit: Int64, reviewDueAt: Int64)
    /// A new haircut (1e-8) for one collateral asset (FIN-2), applied at once to every loan;
    /// a virtual asset's never below the 60% floor.
    case haircut(asset: String, haircut: Int64)
    /// Pay out a large withdrawal of a non-settlement asset (BTC, ETH: SPOT-1, REG-4), in
    /// the asset's raw units, checked again at approval against the free balance.
    case assetWithdrawal(account: AccountID, asset: String, amount: Int64)
    /// New FIN-3 limits (concentration, lending multiple), by the risk team; the request's
    /// reason is the logged reason.
    case financingLimits(FinancingLimitFigures)
    /// Delist a contract that is cancel-only (PERP-6): every open position is closed at the
    /// mark price (final settlement), open orders are cancelled, and nothing trades again.
    case delistProduct(instrument: InstrumentID)
    /// New risk limits of a perpetual (PERP-1, REG-4), by the risk team: in force from the
    /// approving command on, as the next version; fields the change leaves out keep theirs.
    case riskLimits(instrument: InstrumentID, change: RiskLimitChange)

    /// The kind's name in events and the API.
    public var kindName: String {
        switch self {
        case .classify: return "classification"
        case .leverageCap: return "leverageCap"
        case .ownerNotionalCap: return "ownerNotionalCap"
        case .registerMarketMaker: return "marketMaker"
        case .approveProduct: return "productApproval"
        case .withdrawal, .assetWithdrawal: return "withdrawal"
        case .creditLimit: return "creditLimit"
        case .haircut: return "haircut"
        case .financingLimits: return "financingLimits"
        case .delistProduct: return "delisting"
        case .riskLimits: return "riskParameters"
        }
    }

    /// The account the change is about (nil for a product approval).
    public var subject: AccountID? {
        switch self {
        case let .classify(a, _, _, _), let .leverageCap(a, _, _), let .ownerNotionalCap(a, _),
             let .registerMarketMaker(a, _, _, _, _), let .withdrawal(a, _), let .creditLimit(a, _, _, _),
             let .assetWithdrawal(a, _, _):
            return a
        case .approveProduct, .haircut, .financingLimits, .delistProduct, .riskLimits: return nil
        }
    }
}

/// Commands of professional-investor onboarding, suitability, disclosures, staff
/// four-eyes decisions and market-maker registration (PI-1, PI-2, REG-4, MM-1). `by` is
/// the staff member (or, for an acknowledgement, nobody: the client acts). Times come in
/// as fields; nothing here reads a clock.
public enum ComplianceCommand: Sendable, Hashable {
    /// Records one item of classification evidence for `account` (no four-eyes: evidence
    /// is only a record until a classification that rests on it is approved).
    case recordEvidence(account: AccountID, by: String, kind: EvidenceKind, amount: FiatAmount, asOf: Int64,
                        holding: Holding, source: String, conversion: ConversionRate?)
    /// Proposes a sensitive change, to be approved by someone else.
    case propose(requestId: String, by: String, reason: String, change: StaffChange)
    /// A different staff member approves a pending request: the change takes effect.
    case approve(requestId: String, by: String)
    /// A different staff member rejects a pending request, with a reason: nothing changes.
    case reject(requestId: String, by: String, reason: String)
    /// Records a derivatives knowledge assessment (PI-2); `met` false records a failed one.
    case recordKnowledge(account: AccountID, by: String, method: KnowledgeMethod, met: Bool)
    /// The client acknowledges `version` of `instrument`'s risk disclosure (PI-2); only the
    /// current version can be acknowledged.
    case acknowledgeDisclosure(account: AccountID, instrument: InstrumentID, version: Int64)
    /// Compliance publishes a new version of `instrument`'s risk disclosure: clients must
    /// acknowledge it before their next risk-increasing order.
    case publishDisclosure(instrument: InstrumentID, version: Int64, by: String)
    /// The client acknowledges `version` of the margin-financing disclosure (FIN, PI-2):
    /// once one is published, a drawdown needs the current version acknowledged.
    case acknowledgeFinancingDisclosure(account: AccountID, version: Int64)
    /// The venue publishes a new version of the margin-financing disclosure (generated from
    /// the live financing configuration); replay files name it `symbol: "MARGIN-FINANCING"`.
    case publishFinancingDisclosure(version: Int64, by: String)
}
