/// One item of portfolio evidence: what it is, how much on which date, who holds it, where
/// the statement comes from, and — when it is not in the policy's currency — the rate staff
/// recorded to convert it.
public struct EvidenceItem: Sendable, Hashable, Codable {
    public let kind: PortfolioAssetKind
    public let amount: FiatAmount
    /// The statement date, ms since the Unix epoch (command time).
    public let asOf: Int64
    public let holding: Holding
    /// Where the figure comes from (custodian statement reference, auditor's letter, ...).
    public let source: String
    /// Required when `amount.currency` differs from the policy currency.
    public let conversion: ConversionRate?

    public init(kind: PortfolioAssetKind, amount: FiatAmount, asOf: Int64, holding: Holding = .sole,
                source: String, conversion: ConversionRate? = nil) {
        self.kind = kind
        self.amount = amount
        self.asOf = asOf
        self.holding = holding
        self.source = source
        self.conversion = conversion
    }
}

/// Everything recorded to support a classification (PI-1): portfolio items, the total
/// assets of a corporation, partnership or trust corporation (from its latest audited
/// accounts), or the licence of an institution.
public struct ClassificationEvidence: Sendable, Hashable, Codable {
    public var portfolio: [EvidenceItem]
    /// Total assets and the date of the accounts they come from.
    public var totalAssets: EvidenceItem?
    /// The licence or registration reference of an institutional investor.
    public var licenceReference: String?

    public init(portfolio: [EvidenceItem] = [], totalAssets: EvidenceItem? = nil, licenceReference: String? = nil) {
        self.portfolio = portfolio
        self.totalAssets = totalAssets
        self.licenceReference = licenceReference
    }
}
