/// What compliance knows of one client (PI-1, PI-2), each a separate record: the current
/// classification, the latest knowledge assessment, which version of each product's risk
/// disclosure was acknowledged, the leverage cap per contract staff set from suitability,
/// and the notional cap of the client's beneficial owner.
public struct ClientComplianceRecord: Sendable, Hashable, Codable {
    public var classification: Classification?
    public var knowledge: KnowledgeAssessment?
    /// Disclosure id → the version acknowledged, and when (ms).
    public var acknowledgements: [String: DisclosureAcknowledgement]
    /// Contract symbol → the highest leverage staff allow this client (within the contract's maximum).
    public var leverageCaps: [String: Int64]
    /// The most notional (settlement-asset raw units) all accounts of this client's
    /// beneficial owner may hold open; nil: no cap beyond the venue's limits.
    public var ownerNotionalCap: Int64?
    /// Command time at which the client was last warned of the coming expiry (ms).
    public var expiryWarnedAt: Int64?
    /// Command time at which the lapse of the classification was announced (ms).
    public var lapseAnnouncedAt: Int64?

    public init(classification: Classification? = nil, knowledge: KnowledgeAssessment? = nil,
                acknowledgements: [String: DisclosureAcknowledgement] = [:], leverageCaps: [String: Int64] = [:],
                ownerNotionalCap: Int64? = nil, expiryWarnedAt: Int64? = nil, lapseAnnouncedAt: Int64? = nil) {
        self.classification = classification
        self.knowledge = knowledge
        self.acknowledgements = acknowledgements
        self.leverageCaps = leverageCaps
        self.ownerNotionalCap = ownerNotionalCap
        self.expiryWarnedAt = expiryWarnedAt
        self.lapseAnnouncedAt = lapseAnnouncedAt
    }
}

/// A client's acknowledgement of one version of a product's risk disclosure (PI-2).
public struct DisclosureAcknowledgement: Sendable, Hashable, Codable {
    public let disclosureId: String
    public let version: Int
    public let acknowledgedAt: Int64

    public init(disclosureId: String, version: Int, acknowledgedAt: Int64) {
        self.disclosureId = disclosureId
        self.version = version
        self.acknowledgedAt = acknowledgedAt
    }
}
