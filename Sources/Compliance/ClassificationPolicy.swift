/// The configurable rules of professional-investor classification (PI-1): the thresholds
/// and their currency, which asset kinds count toward "portfolio", how old evidence may
/// be, how long a classification lasts and when the client is warned of its expiry.
/// The defaults are the Hong Kong figures (HK$8 million portfolio, HK$40 million total
/// assets, twelve months).
public struct ClassificationPolicy: Sendable, Hashable, Codable {
    public var currency: String
    /// Individual: portfolio, minor units.
    public var individualPortfolio: Int64
    /// Corporation or partnership: portfolio, minor units (or `corporateTotalAssets`).
    public var corporatePortfolio: Int64
    /// Corporation or partnership (alternative) and trust corporation: total assets, minor units.
    public var corporateTotalAssets: Int64
    public var trustTotalAssets: Int64
    /// Whether virtual assets count toward the portfolio (off by default).
    public var virtualAssetsCount: Bool
    /// Evidence must be dated within this many days before the assessment.
    public var evidenceMaxAgeDays: Int
    /// A classification lapses this many days after its assessment.
    public var validityDays: Int
    /// The client is warned this many days before the classification lapses.
    public var expiryWarningDays: Int

    public static let dayMs: Int64 = 86_400_000

    public init(currency: String = "HKD", individualPortfolio: Int64 = 8_000_000_00, corporatePortfolio: Int64 = 8_000_000_00,
                corporateTotalAssets: Int64 = 40_000_000_00, trustTotalAssets: Int64 = 40_000_000_00,
                virtualAssetsCount: Bool = false, evidenceMaxAgeDays: Int = 365, validityDays: Int = 365,
                expiryWarningDays: Int = 30) {
        self.currency = currency
        self.individualPortfolio = individualPortfolio
        self.corporatePortfolio = corporatePortfolio
        self.corporateTotalAssets = corporateTotalAssets
        self.trustTotalAssets = trustTotalAssets
        self.virtualAssetsCount = virtualAssetsCount
        self.evidenceMaxAgeDays = evidenceMaxAgeDays
        self.validityDays = validityDays
        self.expiryWarningDays = expiryWarningDays
    }

    /// The Hong Kong defaults.
    public static let standard = ClassificationPolicy()

    /// Every problem with these values, each naming the field; empty when sound.
    public func problems() -> [String] {
        var out: [String] = []
        if !FiatAmount.isCurrencyCode(currency) { out.append("currency '\(currency)' is not an ISO 4217 code") }
        for (name, value) in [("individualPortfolio", individualPortfolio), ("corporatePortfolio", corporatePortfolio),
                              ("corporateTotalAssets", corporateTotalAssets), ("trustTotalAssets", trustTotalAssets)] where value <= 0 {
            out.append("\(name) must be positive")
        }
        if evidenceMaxAgeDays <= 0 { out.append("evidenceMaxAgeDays must be positive") }
        if validityDays <= 0 || validityDays > 3 * 365 { out.append("validityDays must be between 1 and 1095") }
        if expiryWarningDays < 0 || expiryWarningDays >= validityDays { out.append("expiryWarningDays must be at least 0 and below validityDays") }
        return out
    }

    /// Whether an item of `kind` counts toward the portfolio threshold.
    public func counts(_ kind: PortfolioAssetKind) -> Bool {
        switch kind {
        case .securities, .certificatesOfDeposit, .cashAtCustodian: return true
        case .virtualAssets: return virtualAssetsCount
        case .other: return false
        }
    }
}
