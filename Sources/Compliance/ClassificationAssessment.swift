/// Applies the PI-1 thresholds to recorded evidence: what counts, how much, and whether the
/// claimed kind qualifies. Pure and exact; staff approve a classification only when this
/// says it qualifies (and a checker confirms, `FourEyesRequest`).
public struct ClassificationAssessment: Sendable, Equatable {
    public let kind: InvestorKind
    /// Counted portfolio in the policy currency, minor units (items that count, in date, converted down).
    public let countedPortfolio: Int64
    /// Total assets in the policy currency, minor units, when evidenced.
    public let totalAssets: Int64?
    /// Whether `kind` qualifies on this evidence.
    public let qualifies: Bool
    /// Why not (or, when it qualifies, which test it met), in words for the record.
    public let findings: [String]

    /// Assesses `evidence` for `kind` under `policy` at command time `now` (ms).
    /// Throws for evidence that cannot be assessed at all (future-dated, unconvertible).
    public static func assess(_ kind: InvestorKind, evidence: ClassificationEvidence, policy: ClassificationPolicy,
                              now: Int64) throws(ComplianceError) -> ClassificationAssessment {
        var findings: [String] = []
        let portfolio = try countedPortfolio(evidence, policy: policy, now: now, findings: &findings)
        var assets: Int64?
        if let item = evidence.totalAssets {
            assets = try inPolicyCurrency(item, policy: policy, now: now, findings: &findings, label: "total assets")
        }
        let money = { (minor: Int64) in FiatAmount(currency: policy.currency, minorUnits: minor).description }
        let qualifies: Bool
        switch kind {
        case .individual:
            qualifies = portfolio >= policy.individualPortfolio
            findings.append("portfolio \(money(portfolio)) \(qualifies ? "≥" : "<") \(money(policy.individualPortfolio))")
        case .corporation, .partnership:
            let byPortfolio = portfolio >= policy.corporatePortfolio
            let byAssets = (assets ?? 0) >= policy.corporateTotalAssets && assets != nil
            qualifies = byPortfolio || byAssets
            findings.append("portfolio \(money(portfolio)) \(byPortfolio ? "≥" : "<") \(money(policy.corporatePortfolio))")
            findings.append(assets.map { "total assets \(money($0)) \(byAssets ? "≥" : "<") \(money(policy.corporateTotalAssets))" }
                            ?? "no total-assets evidence")
        case .trustCorporation:
            qualifies = (assets ?? 0) >= policy.trustTotalAssets && assets != nil
            findings.append(assets.map { "total assets \(money($0)) \(qualifies ? "≥" : "<") \(money(policy.trustTotalAssets))" }
                            ?? "no total-assets evidence")
        case .institutional:
            let reference = evidence.licenceReference ?? ""
            qualifies = !reference.isEmpty
            findings.append(qualifies ? "licence \(reference)" : "no licence or registration reference")
        case .retail:
            qualifies = false
            findings.append("retail: not a professional investor")
        }
        return ClassificationAssessment(kind: kind, countedPortfolio: portfolio, totalAssets: assets,
                                        qualifies: qualifies, findings: findings)
    }

    /// Σ of the portfolio items that count, in date, in the policy currency.
    private static func countedPortfolio(_ evidence: ClassificationEvidence, policy: ClassificationPolicy, now: Int64,
                                         findings: inout [String]) throws(ComplianceError) -> Int64 {
        var total: Int64 = 0
        for item in evidence.portfolio {
            guard policy.counts(item.kind) else {
                findings.append("\(item.kind.rawValue) \(item.amount) (\(item.source)) does not count toward the portfolio")
                continue
            }
            guard let value = try inPolicyCurrency(item, policy: policy, now: now, findings: &findings, label: item.kind.rawValue) else {
                continue
            }
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { throw .invalidAmount("the portfolio total overflows") }
            total = sum
        }
        return total
    }

    /// The item's amount in the policy currency, or nil (with a finding) when its date is
    /// too old to count. Future-dated or unconvertible evidence is refused.
    private static func inPolicyCurrency(_ item: EvidenceItem, policy: ClassificationPolicy, now: Int64,
                                         findings: inout [String], label: String) throws(ComplianceError) -> Int64? {
        guard item.asOf <= now else { throw .invalidEvidence("\(label) evidence '\(item.source)' is dated after the assessment") }
        guard !item.source.isEmpty else { throw .invalidEvidence("\(label) evidence needs a source") }
        if now - item.asOf > Int64(policy.evidenceMaxAgeDays) * ClassificationPolicy.dayMs {
            findings.append("\(label) \(item.amount) (\(item.source)) is older than \(policy.evidenceMaxAgeDays) days and does not count")
            return nil
        }
        if item.amount.currency == policy.currency { return item.amount.minorUnits }
        guard let rate = item.conversion else {
            throw .invalidEvidence("\(label) evidence in \(item.amount.currency) needs a conversion rate to \(policy.currency)")
        }
        return try item.amount.converted(to: policy.currency, at: rate).minorUnits
    }
}
