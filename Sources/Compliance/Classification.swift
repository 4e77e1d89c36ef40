/// An approved professional-investor classification (PI-1): the kind, the evidence and
/// assessment it rests on, who proposed and who approved it (four-eyes, REG-4), when it was
/// assessed and when it lapses, and — for corporate clients — the beneficial owners, who
/// also form the client's self-trade-prevention group (PERP-3).
public struct Classification: Sendable, Hashable, Codable {
    public let kind: InvestorKind
    public let evidence: ClassificationEvidence
    /// Command time of the assessment (ms).
    public let assessedAt: Int64
    /// Command time after which the classification no longer allows new risk (ms).
    public let expiresAt: Int64
    /// The staff member who proposed it (maker) and the one who approved it (checker).
    public let proposedBy: String
    public let approvedBy: String
    /// Beneficial owners of a corporate client (names or ids as recorded by staff).
    public let beneficialOwners: [String]

    /// Builds a classification from an assessment that qualifies; refuses one that does not,
    /// or one approved by its own maker.
    public init(assessment: ClassificationAssessment, evidence: ClassificationEvidence, policy: ClassificationPolicy,
                assessedAt: Int64, proposedBy: String, approvedBy: String,
                beneficialOwners: [String] = []) throws(ComplianceError) {
        guard assessment.qualifies else {
            throw .invalidEvidence("\(assessment.kind.rawValue) does not qualify: " + assessment.findings.joined(separator: "; "))
        }
        guard !proposedBy.isEmpty, !approvedBy.isEmpty else { throw .invalidAssessment("a classification names its maker and checker") }
        guard proposedBy != approvedBy else {
            throw .sameMakerAndChecker("\(proposedBy) proposed this classification and cannot also approve it")
        }
        if assessment.kind == .corporation || assessment.kind == .partnership || assessment.kind == .trustCorporation {
            guard !beneficialOwners.isEmpty else { throw .invalidEvidence("a \(assessment.kind.rawValue) records its beneficial owners") }
        }
        kind = assessment.kind
        self.evidence = evidence
        self.assessedAt = assessedAt
        expiresAt = assessedAt + Int64(policy.validityDays) * ClassificationPolicy.dayMs
        self.proposedBy = proposedBy
        self.approvedBy = approvedBy
        self.beneficialOwners = beneficialOwners
    }

    /// A classification exactly as recorded earlier (restoring engine state): no checks
    /// beyond what the caller validates; new classifications use `init(assessment:...)`.
    public init(restoring kind: InvestorKind, evidence: ClassificationEvidence, assessedAt: Int64, expiresAt: Int64,
                proposedBy: String, approvedBy: String, beneficialOwners: [String]) {
        self.kind = kind
        self.evidence = evidence
        self.assessedAt = assessedAt
        self.expiresAt = expiresAt
        self.proposedBy = proposedBy
        self.approvedBy = approvedBy
        self.beneficialOwners = beneficialOwners
    }

    /// Whether the classification allows new risk at command time `now`.
    public func isCurrent(at now: Int64) -> Bool { now < expiresAt }
}
