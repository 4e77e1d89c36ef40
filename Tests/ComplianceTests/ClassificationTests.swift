import Testing
@testable import Compliance

/// PI-1: each kind at exactly its threshold, and one minor unit (HK$0.01) below.
@Suite struct ClassificationTests {
    static let day = ClassificationPolicy.dayMs
    static let now: Int64 = 1_800_000_000_000
    let policy = ClassificationPolicy.standard

    static func hkd(_ minor: Int64) -> FiatAmount { FiatAmount(currency: "HKD", minorUnits: minor) }
    static func item(_ kind: PortfolioAssetKind, _ minor: Int64, daysOld: Int64 = 10, holding: Holding = .sole) -> EvidenceItem {
        EvidenceItem(kind: kind, amount: hkd(minor), asOf: now - daysOld * day, holding: holding, source: "statement-\(kind.rawValue)")
    }
    func assess(_ kind: InvestorKind, _ evidence: ClassificationEvidence) throws -> ClassificationAssessment {
        try ClassificationAssessment.assess(kind, evidence: evidence, policy: policy, now: Self.now)
    }

    @Test func individualAtExactlyTheThresholdAndOneCentBelow() throws {
        let at = ClassificationEvidence(portfolio: [Self.item(.securities, 5_000_000_00), Self.item(.cashAtCustodian, 3_000_000_00, holding: .jointWithSpouseOrChildren)])
        #expect(try assess(.individual, at).qualifies)
        #expect(try assess(.individual, at).countedPortfolio == 8_000_000_00)
        let below = ClassificationEvidence(portfolio: [Self.item(.securities, 5_000_000_00), Self.item(.cashAtCustodian, 2_999_999_99)])
        let refused = try assess(.individual, below)
        #expect(!refused.qualifies)
        #expect(refused.findings.contains("portfolio HKD 7999999.99 < HKD 8000000.00"))
    }

    @Test func corporationQualifiesByPortfolioOrByTotalAssets() throws {
        let byPortfolio = ClassificationEvidence(portfolio: [Self.item(.certificatesOfDeposit, 8_000_000_00)],
                                                 totalAssets: Self.item(.other, 1_00))
        #expect(try assess(.corporation, byPortfolio).qualifies)
        let byAssets = ClassificationEvidence(portfolio: [Self.item(.securities, 1_00)], totalAssets: Self.item(.other, 40_000_000_00))
        #expect(try assess(.corporation, byAssets).qualifies)
        #expect(try assess(.partnership, byAssets).qualifies)
        let neither = ClassificationEvidence(portfolio: [Self.item(.securities, 7_999_999_99)], totalAssets: Self.item(.other, 39_999_999_99))
        #expect(!(try assess(.corporation, neither).qualifies))
        #expect(!(try assess(.partnership, neither).qualifies))
    }

    @Test func trustCorporationNeedsTotalAssets() throws {
        #expect(try assess(.trustCorporation, ClassificationEvidence(totalAssets: Self.item(.other, 40_000_000_00))).qualifies)
        #expect(!(try assess(.trustCorporation, ClassificationEvidence(totalAssets: Self.item(.other, 39_999_999_99))).qualifies))
        // A large portfolio is not the trust corporation's test.
        #expect(!(try assess(.trustCorporation, ClassificationEvidence(portfolio: [Self.item(.securities, 90_000_000_00)])).qualifies))
    }

    @Test func institutionalNeedsItsLicenceAndRetailNeverQualifies() throws {
        #expect(try assess(.institutional, ClassificationEvidence(licenceReference: "SFC CE AAA001")).qualifies)
        #expect(!(try assess(.institutional, ClassificationEvidence())).qualifies)
        #expect(!(try assess(.retail, ClassificationEvidence(portfolio: [Self.item(.securities, 90_000_000_00)])).qualifies))
    }

    @Test func whatCountsTowardThePortfolio() throws {
        let evidence = ClassificationEvidence(portfolio: [
            Self.item(.securities, 6_000_000_00),
            Self.item(.virtualAssets, 3_000_000_00),
            Self.item(.other, 50_000_000_00),
            Self.item(.securities, 9_000_000_00, daysOld: 366),   // too old
        ])
        #expect(try assess(.individual, evidence).countedPortfolio == 6_000_000_00)
        var withVirtual = policy
        withVirtual.virtualAssetsCount = true
        let counted = try ClassificationAssessment.assess(.individual, evidence: evidence, policy: withVirtual, now: Self.now)
        #expect(counted.countedPortfolio == 9_000_000_00 && counted.qualifies)
    }

    @Test func foreignCurrencyEvidenceIsConvertedDownAndNeedsARate() throws {
        let rate = try ConversionRate(from: "USD", to: "HKD", raw: 7_80000000) // 7.8
        func inUSD(_ cents: Int64) -> ClassificationEvidence {
            ClassificationEvidence(portfolio: [EvidenceItem(kind: .securities, amount: FiatAmount(currency: "USD", minorUnits: cents),
                                                            asOf: Self.now - Self.day, source: "broker", conversion: rate)])
        }
        // USD 1,025,641.03 × 7.8 = HKD 8,000,000.034 → 800,000,003 cents (the 0.4 cent dropped).
        let just = try assess(.individual, inUSD(1_025_641_03))
        #expect(just.countedPortfolio == 8_000_000_03 && just.qualifies)
        // USD 1,025,641.02 × 7.8 = HKD 7,999,999.956 → 799,999,995 cents: below, never rounded up to qualify.
        let below = try assess(.individual, inUSD(1_025_641_02))
        #expect(below.countedPortfolio == 7_999_999_95 && !below.qualifies)
        let usd = FiatAmount(currency: "USD", minorUnits: 1_025_641_03)
        let noRate = EvidenceItem(kind: .securities, amount: usd, asOf: Self.now - Self.day, source: "broker")
        #expect(throws: ComplianceError.self) { try assess(.individual, ClassificationEvidence(portfolio: [noRate])) }
        let wrongRate = EvidenceItem(kind: .securities, amount: usd, asOf: Self.now - Self.day, source: "broker",
                                     conversion: try ConversionRate(from: "EUR", to: "HKD", raw: 8_00000000))
        #expect(throws: ComplianceError.self) { try assess(.individual, ClassificationEvidence(portfolio: [wrongRate])) }
    }

    @Test func futureDatedEvidenceAndBadAmountsAreRefused() throws {
        let future = EvidenceItem(kind: .securities, amount: Self.hkd(9_000_000_00), asOf: Self.now + 1, source: "x")
        #expect(throws: ComplianceError.invalidEvidence("securities evidence 'x' is dated after the assessment")) {
            try assess(.individual, ClassificationEvidence(portfolio: [future]))
        }
        #expect(throws: ComplianceError.self) { _ = try FiatAmount("-1.00", currency: "HKD") }
        #expect(throws: ComplianceError.self) { _ = try FiatAmount("1.001", currency: "HKD") }
        #expect(throws: ComplianceError.self) { _ = try FiatAmount("1.00", currency: "hkd") }
        #expect(try FiatAmount("8000000", currency: "HKD").minorUnits == 8_000_000_00)
    }

    @Test func aClassificationNeedsAQualifyingAssessmentTwoPeopleAndBeneficialOwners() throws {
        let evidence = ClassificationEvidence(portfolio: [Self.item(.securities, 8_000_000_00)], totalAssets: Self.item(.other, 1_00))
        let assessment = try assess(.corporation, evidence)
        #expect(throws: ComplianceError.sameMakerAndChecker("ann proposed this classification and cannot also approve it")) {
            _ = try Classification(assessment: assessment, evidence: evidence, policy: policy, assessedAt: Self.now,
                                   proposedBy: "ann", approvedBy: "ann", beneficialOwners: ["owner-1"])
        }
        #expect(throws: ComplianceError.self) {
            _ = try Classification(assessment: assessment, evidence: evidence, policy: policy, assessedAt: Self.now,
                                   proposedBy: "ann", approvedBy: "bob")
        }
        let c = try Classification(assessment: assessment, evidence: evidence, policy: policy, assessedAt: Self.now,
                                   proposedBy: "ann", approvedBy: "bob", beneficialOwners: ["owner-1"])
        #expect(c.expiresAt == Self.now + 365 * Self.day)
        #expect(c.isCurrent(at: c.expiresAt - 1) && !c.isCurrent(at: c.expiresAt))
        let failing = try assess(.corporation, ClassificationEvidence(portfolio: [Self.item(.securities, 1_00)]))
        #expect(throws: ComplianceError.self) {
            _ = try Classification(assessment: failing, evidence: evidence, policy: policy, assessedAt: Self.now,
                                   proposedBy: "ann", approvedBy: "bob", beneficialOwners: ["owner-1"])
        }
    }

    @Test func policyValuesAreChecked() {
        #expect(ClassificationPolicy.standard.problems().isEmpty)
        var bad = ClassificationPolicy.standard
        bad.currency = "hk"
        bad.individualPortfolio = 0
        bad.expiryWarningDays = 400
        #expect(bad.problems().count == 3)
    }
}
