/// The kind of investor a client was classified as (PI-1). Every kind but `retail` is a
/// professional investor; which thresholds apply depends on the kind.
public enum InvestorKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A natural person: portfolio ≥ the individual threshold, alone or with associates.
    case individual
    /// A corporation: portfolio ≥ the portfolio threshold or total assets ≥ the assets threshold.
    case corporation
    /// A partnership: the same tests as a corporation.
    case partnership
    /// A trust corporation: total assets ≥ the assets threshold.
    case trustCorporation
    /// A licensed or regulated institution (bank, licensed corporation, insurer, fund, ...):
    /// professional by what it is, evidenced by its licence reference; no knowledge assessment.
    case institutional
    /// Anyone else: may not open or increase risk.
    case retail

    /// Whether this kind is a professional investor at all.
    public var isProfessional: Bool { self != .retail }
    /// Whether a derivatives knowledge assessment is required before trading (PI-2).
    public var needsKnowledgeAssessment: Bool { self != .institutional }
}
