import Compliance
import HarbourCore

/// A client of the broker's margin financing (FIN-1): the securities-margin agreement
/// that makes it a margin client, its compliance record (PI classification), the credit
/// assessment, the related-client group, the securities-margin loans it already has
/// (they count against the same credit limit), its interest rate and settlement choice.
public struct MarginClient: Sendable, Hashable {
    /// How accrued interest is settled at month end (FIN-4).
    public enum InterestSettlement: String, Sendable, Hashable {
        /// Added to the principal.
        case capitalise = "CAPITALISE"
        /// Paid from the client's cash; capitalised when the cash does not cover it.
        case pay = "PAY"
    }

    public let account: AccountID
    /// The securities-margin agreement reference; nil: not a margin client.
    public var marginAgreement: String?
    public var compliance: ClientComplianceRecord
    public var credit: CreditAssessment?
    /// Related clients share a group id (FIN-3); nil: the client is its own group.
    public var relatedGroup: String?
    /// Securities margin loans outstanding with the broker (fed by the securities system).
    public var securitiesMarginLoans: Amount
    /// Annual interest rate, 1e-8 units (7.5% = 7_500_000).
    public var annualRate: Rate
    public var interestSettlement: InterestSettlement

    public init(account: AccountID, marginAgreement: String?, compliance: ClientComplianceRecord, credit: CreditAssessment? = nil,
                relatedGroup: String? = nil, securitiesMarginLoans: Amount = .zero, annualRate: Rate,
                interestSettlement: InterestSettlement = .capitalise) {
        self.account = account
        self.marginAgreement = marginAgreement
        self.compliance = compliance
        self.credit = credit
        self.relatedGroup = relatedGroup
        self.securitiesMarginLoans = securitiesMarginLoans
        self.annualRate = annualRate
        self.interestSettlement = interestSettlement
    }

    /// The concentration group: the related group, or the client alone.
    public var groupKey: String { relatedGroup ?? "client:\(account.index)" }

    /// Why this client may not draw a loan now, or nil (FIN-1, PI-3). Checked in the order
    /// a client must fix them.
    public func eligibilityRefusal(at now: Int64) -> FinancingRefusal? {
        guard let agreement = marginAgreement, !agreement.isEmpty else {
            return FinancingRefusal(.notMarginClient, "only existing securities margin clients may borrow; \(account) has no securities-margin agreement")
        }
        guard let classification = compliance.classification, classification.kind.isProfessional else {
            return FinancingRefusal(.notProfessionalInvestor, "margin financing is for professional investors only; \(account) has no professional-investor classification")
        }
        guard classification.isCurrent(at: now) else {
            return FinancingRefusal(.classificationExpired, "the professional-investor classification lapsed at \(classification.expiresAt) ms",
                                    figures: ["expiresAt": classification.expiresAt, "now": now])
        }
        guard let credit else { return FinancingRefusal(.noCreditAssessment, "\(account) has no approved credit assessment") }
        guard !credit.isLapsed(at: now) else {
            return FinancingRefusal(.creditReviewLapsed, "the credit review was due at \(credit.reviewDueAt) ms; no new drawdown until it is reviewed",
                                    figures: ["reviewDueAt": credit.reviewDueAt, "now": now])
        }
        return nil
    }
}
