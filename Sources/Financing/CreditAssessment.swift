import Compliance
import HarbourCore

/// An approved credit assessment (FIN-1): the declaration, the limit the rule gives, the
/// limit staff approved (at most the rule's, unless a four-eyes waiver with a recorded
/// reason allows more), who approved it, and the review date after which no new
/// drawdown is allowed.
public struct CreditAssessment: Sendable, Hashable {
    public let declared: DeclaredFinancials
    public let ruleLimit: Amount
    public let approvedLimit: Amount
    public let assessedAt: Int64
    public let reviewDueAt: Int64
    public let approvedBy: String
    /// Present when the approved limit is above the rule's.
    public let waiver: CreditWaiver?

    /// Staff approve a limit within the rule, or lower. Refused above the rule: that needs
    /// `approveWaiver`.
    public static func approveWithinRule(_ declared: DeclaredFinancials, limit: Amount, rule: CreditLimitRule, by staff: String,
                                         at now: Int64, reviewDueAt: Int64) throws(FinancingRefusal) -> CreditAssessment {
        let ruleLimit = rule.limit(for: declared)
        guard limit >= .zero else { throw FinancingRefusal(.invalidAmount, "a credit limit is not negative") }
        guard !staff.isEmpty else { throw FinancingRefusal(.waiverInvalid, "an approval names the staff member") }
        guard reviewDueAt > now else { throw FinancingRefusal(.invalidAmount, "the review date is after the assessment") }
        guard limit <= ruleLimit else {
            throw FinancingRefusal(.creditLimitAboveRule,
                                   "a limit of \(limit.raw) is above the rule's \(ruleLimit.raw); only a four-eyes waiver with a recorded reason may exceed it",
                                   figures: ["requested": limit.raw, "ruleLimit": ruleLimit.raw])
        }
        return CreditAssessment(declared: declared, ruleLimit: ruleLimit, approvedLimit: limit, assessedAt: now,
                                reviewDueAt: reviewDueAt, approvedBy: staff, waiver: nil)
    }

    /// A limit above the rule, from a four-eyes request a different checker approved
    /// (`FourEyesRequest` refuses maker = checker and records the reason).
    public static func approveWaiver(_ request: FourEyesRequest<CreditWaiver>, rule: CreditLimitRule) throws(FinancingRefusal) -> CreditAssessment {
        guard case let .approved(checker, at) = request.state else {
            throw FinancingRefusal(.waiverInvalid, "waiver request \(request.id) is not approved by a checker")
        }
        let waiver = request.change
        let ruleLimit = rule.limit(for: waiver.declared)
        guard waiver.limit > ruleLimit else {
            throw FinancingRefusal(.waiverInvalid, "a waiver is for a limit above the rule's \(ruleLimit.raw); approve \(waiver.limit.raw) within the rule",
                                   figures: ["requested": waiver.limit.raw, "ruleLimit": ruleLimit.raw])
        }
        guard waiver.reviewDueAt > at else { throw FinancingRefusal(.invalidAmount, "the review date is after the approval") }
        return CreditAssessment(declared: waiver.declared, ruleLimit: ruleLimit, approvedLimit: waiver.limit, assessedAt: at,
                                reviewDueAt: waiver.reviewDueAt, approvedBy: checker,
                                waiver: CreditWaiver(declared: waiver.declared, limit: waiver.limit, reviewDueAt: waiver.reviewDueAt,
                                                     maker: request.maker, reason: request.reason))
    }

    /// Whether the review has lapsed at `now` (a lapsed review blocks new drawdowns).
    public func isLapsed(at now: Int64) -> Bool { now >= reviewDueAt }
}

/// A proposed credit limit above the rule (FIN-1), the change a `FourEyesRequest` carries.
/// `maker` and `reason` are filled from the approved request.
public struct CreditWaiver: Sendable, Hashable {
    public let declared: DeclaredFinancials
    public let limit: Amount
    public let reviewDueAt: Int64
    public let maker: String?
    public let reason: String?

    public init(declared: DeclaredFinancials, limit: Amount, reviewDueAt: Int64, maker: String? = nil, reason: String? = nil) {
        self.declared = declared
        self.limit = limit
        self.reviewDueAt = reviewDueAt
        self.maker = maker
        self.reason = reason
    }
}
