/// Why a client may not add risk (PI-3): a stable code naming the rule, and a message that
/// says what to do. The engine rejects a risk-increasing order with exactly this code on
/// every entry point.
public struct EligibilityRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule that refused, as published in the API.
    public enum Rule: String, Sendable, CaseIterable {
        case notProfessionalInvestor = "NOT_PROFESSIONAL_INVESTOR"
        case classificationExpired = "CLASSIFICATION_EXPIRED"
        case knowledgeAssessmentRequired = "KNOWLEDGE_ASSESSMENT_REQUIRED"
        case disclosureNotAcknowledged = "DISCLOSURE_NOT_ACKNOWLEDGED"
        case leverageAboveClientCap = "LEVERAGE_ABOVE_CLIENT_CAP"
        case notionalAboveOwnerCap = "NOTIONAL_ABOVE_OWNER_CAP"
    }

    public let rule: Rule
    public let message: String

    public init(_ rule: Rule, _ message: String) {
        self.rule = rule
        self.message = message
    }

    public var code: String { rule.rawValue }
    public var description: String { "\(rule.rawValue): \(message)" }
}
