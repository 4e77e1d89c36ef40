/// The PI-3 gate: whether a client may open or increase risk on a product now. Pure and
/// deterministic (time is the command's), so the engine can call it inside `apply` for
/// every risk-increasing order, loan drawdown or leverage raise — and nothing else:
/// reducing risk (reduce-only orders, closing, cancels, withdrawals of free funds) is never
/// gated here.
public enum RiskIncreaseCheck {
    /// What the client wants to do.
    public struct Request: Sendable, Equatable {
        /// The product's risk disclosure and its current version.
        public let disclosureId: String
        public let disclosureVersion: Int
        /// The contract symbol (for the leverage cap) and the leverage the order would use.
        public let symbol: String
        public let leverage: Int64
        /// The beneficial owner's open notional after the order (settlement raw units), if known.
        public let ownerNotionalAfter: Int64?

        public init(disclosureId: String, disclosureVersion: Int, symbol: String, leverage: Int64, ownerNotionalAfter: Int64? = nil) {
            self.disclosureId = disclosureId
            self.disclosureVersion = disclosureVersion
            self.symbol = symbol
            self.leverage = leverage
            self.ownerNotionalAfter = ownerNotionalAfter
        }
    }

    /// nil when allowed; otherwise the first rule that refuses, in the order a client must
    /// fix them (classification, knowledge, disclosure, caps).
    public static func refusal(for record: ClientComplianceRecord?, _ request: Request, now: Int64) -> EligibilityRefusal? {
        guard let classification = record?.classification, classification.kind.isProfessional else {
            return EligibilityRefusal(.notProfessionalInvestor,
                                      "this product is for professional investors only; the account has no professional-investor classification")
        }
        guard classification.isCurrent(at: now) else {
            return EligibilityRefusal(.classificationExpired,
                                      "the professional-investor classification lapsed at \(classification.expiresAt) ms; ask compliance to review it")
        }
        if classification.kind.needsKnowledgeAssessment {
            guard let knowledge = record?.knowledge, knowledge.passed else {
                let why = record?.knowledge == nil ? "no derivatives knowledge assessment is recorded" : "the derivatives knowledge assessment was not passed"
                return EligibilityRefusal(.knowledgeAssessmentRequired, why)
            }
        }
        let acknowledged = record?.acknowledgements[request.disclosureId]?.version
        guard acknowledged == request.disclosureVersion else {
            let had = acknowledged.map { "version \($0) was acknowledged" } ?? "no version was acknowledged"
            return EligibilityRefusal(.disclosureNotAcknowledged,
                                      "acknowledge version \(request.disclosureVersion) of the \(request.disclosureId) risk disclosure first (\(had))")
        }
        if let cap = record?.leverageCaps[request.symbol], request.leverage > cap {
            return EligibilityRefusal(.leverageAboveClientCap, "leverage \(request.leverage)x is above this client's cap of \(cap)x on \(request.symbol)")
        }
        if let cap = record?.ownerNotionalCap, let after = request.ownerNotionalAfter, after > cap {
            return EligibilityRefusal(.notionalAboveOwnerCap, "the beneficial owner's open notional would be \(after), above its cap of \(cap)")
        }
        return nil
    }

    /// Whether the client should be warned now that the classification lapses soon: inside
    /// the warning window and not yet warned for this classification.
    public static func shouldWarnOfExpiry(_ record: ClientComplianceRecord, policy: ClassificationPolicy, now: Int64) -> Bool {
        guard let classification = record.classification, classification.isCurrent(at: now) else { return false }
        let windowStart = classification.expiresAt - Int64(policy.expiryWarningDays) * ClassificationPolicy.dayMs
        guard now >= windowStart else { return false }
        return (record.expiryWarnedAt ?? .min) < classification.assessedAt
    }
}

extension RiskIncreaseCheck {
    /// The first two rules alone (classification held, and current): what buying a spot
    /// virtual asset needs (SPOT-1 under PI-3). Spot is not a derivative, so neither the
    /// derivatives knowledge assessment nor a contract's disclosure applies.
    public static func classificationRefusal(for record: ClientComplianceRecord?, now: Int64) -> EligibilityRefusal? {
        guard let classification = record?.classification, classification.kind.isProfessional else {
            return EligibilityRefusal(.notProfessionalInvestor,
                                      "this venue is for professional investors only; the account has no professional-investor classification")
        }
        guard classification.isCurrent(at: now) else {
            return EligibilityRefusal(.classificationExpired,
                                      "the professional-investor classification lapsed at \(classification.expiresAt) ms; ask compliance to review it")
        }
        return nil
    }
}
