import Testing
@testable import Compliance

/// PI-2 and PI-3: the gate in front of every risk-increasing action, and REG-4 four-eyes.
@Suite struct RiskIncreaseCheckTests {
    static let day = ClassificationPolicy.dayMs
    static let now: Int64 = 1_800_000_000_000
    static let request = RiskIncreaseCheck.Request(disclosureId: "BTC-PERP", disclosureVersion: 2, symbol: "BTC-PERP", leverage: 10)

    static func classification(_ kind: InvestorKind, at: Int64 = now) throws -> Classification {
        let evidence = ClassificationEvidence(
            portfolio: [EvidenceItem(kind: .securities, amount: FiatAmount(currency: "HKD", minorUnits: 9_000_000_00), asOf: at - day, source: "s")],
            totalAssets: EvidenceItem(kind: .other, amount: FiatAmount(currency: "HKD", minorUnits: 50_000_000_00), asOf: at - day, source: "a"),
            licenceReference: "LIC-1")
        let assessment = try ClassificationAssessment.assess(kind, evidence: evidence, policy: .standard, now: at)
        return try Classification(assessment: assessment, evidence: evidence, policy: .standard, assessedAt: at,
                                  proposedBy: "ann", approvedBy: "bob", beneficialOwners: ["o"])
    }

    static func eligible(_ kind: InvestorKind = .individual) throws -> ClientComplianceRecord {
        ClientComplianceRecord(
            classification: try classification(kind),
            knowledge: try KnowledgeAssessment(method: .quiz(score: 8, passMark: 7, questions: 10), assessedAt: now, assessedBy: "cat"),
            acknowledgements: ["BTC-PERP": DisclosureAcknowledgement(disclosureId: "BTC-PERP", version: 2, acknowledgedAt: now)])
    }

    static func rule(_ record: ClientComplianceRecord?, _ request: RiskIncreaseCheck.Request = request, at: Int64 = now + 1) -> String? {
        RiskIncreaseCheck.refusal(for: record, request, now: at)?.code
    }

    @Test func anEligibleClientPasses() throws {
        #expect(Self.rule(try Self.eligible()) == nil)
    }

    @Test func eachMissingStepIsRefusedWithItsOwnCode() throws {
        #expect(Self.rule(nil) == "NOT_PROFESSIONAL_INVESTOR")
        #expect(Self.rule(ClientComplianceRecord()) == "NOT_PROFESSIONAL_INVESTOR")
        var noKnowledge = try Self.eligible()
        noKnowledge.knowledge = nil
        #expect(Self.rule(noKnowledge) == "KNOWLEDGE_ASSESSMENT_REQUIRED")
        var failed = try Self.eligible()
        failed.knowledge = try KnowledgeAssessment(method: .quiz(score: 6, passMark: 7, questions: 10), assessedAt: Self.now, assessedBy: "cat")
        #expect(Self.rule(failed) == "KNOWLEDGE_ASSESSMENT_REQUIRED")
        var noAck = try Self.eligible()
        noAck.acknowledgements = [:]
        #expect(Self.rule(noAck) == "DISCLOSURE_NOT_ACKNOWLEDGED")
    }

    @Test func aPIWhoFailsKnowledgeIsStillAPIButCannotTrade() throws {
        var record = try Self.eligible()
        record.knowledge = try KnowledgeAssessment(method: .workExperience(reference: "desk"), met: false, assessedAt: Self.now, assessedBy: "cat")
        #expect(record.classification?.kind.isProfessional == true)
        #expect(Self.rule(record) == "KNOWLEDGE_ASSESSMENT_REQUIRED")
    }

    @Test func institutionalNeedsNoKnowledgeAssessment() throws {
        var record = try Self.eligible(.institutional)
        record.knowledge = nil
        #expect(Self.rule(record) == nil)
    }

    @Test func expiryBlocksNewRiskFromTheExpiryInstant() throws {
        let record = try Self.eligible()
        let expiry = try #require(record.classification?.expiresAt)
        #expect(Self.rule(record, at: expiry - 1) == nil)
        #expect(Self.rule(record, at: expiry) == "CLASSIFICATION_EXPIRED")
    }

    @Test func aNewDisclosureVersionBlocksUntilAcknowledged() throws {
        var record = try Self.eligible()
        let v3 = RiskIncreaseCheck.Request(disclosureId: "BTC-PERP", disclosureVersion: 3, symbol: "BTC-PERP", leverage: 10)
        #expect(Self.rule(record, v3) == "DISCLOSURE_NOT_ACKNOWLEDGED")
        record.acknowledgements["BTC-PERP"] = DisclosureAcknowledgement(disclosureId: "BTC-PERP", version: 3, acknowledgedAt: Self.now)
        #expect(Self.rule(record, v3) == nil)
    }

    @Test func leverageAndOwnerNotionalCaps() throws {
        var record = try Self.eligible()
        record.leverageCaps["BTC-PERP"] = 10
        #expect(Self.rule(record) == nil)
        let eleven = RiskIncreaseCheck.Request(disclosureId: "BTC-PERP", disclosureVersion: 2, symbol: "BTC-PERP", leverage: 11)
        #expect(Self.rule(record, eleven) == "LEVERAGE_ABOVE_CLIENT_CAP")
        record.ownerNotionalCap = 1_000
        let within = RiskIncreaseCheck.Request(disclosureId: "BTC-PERP", disclosureVersion: 2, symbol: "BTC-PERP", leverage: 5, ownerNotionalAfter: 1_000)
        let beyond = RiskIncreaseCheck.Request(disclosureId: "BTC-PERP", disclosureVersion: 2, symbol: "BTC-PERP", leverage: 5, ownerNotionalAfter: 1_001)
        #expect(Self.rule(record, within) == nil)
        #expect(Self.rule(record, beyond) == "NOTIONAL_ABOVE_OWNER_CAP")
    }

    @Test func theExpiryWarningComesOnceThirtyDaysBefore() throws {
        var record = try Self.eligible()
        let expiry = try #require(record.classification?.expiresAt)
        #expect(!RiskIncreaseCheck.shouldWarnOfExpiry(record, policy: .standard, now: expiry - 30 * Self.day - 1))
        #expect(RiskIncreaseCheck.shouldWarnOfExpiry(record, policy: .standard, now: expiry - 30 * Self.day))
        record.expiryWarnedAt = expiry - 30 * Self.day
        #expect(!RiskIncreaseCheck.shouldWarnOfExpiry(record, policy: .standard, now: expiry - 1))
        #expect(!RiskIncreaseCheck.shouldWarnOfExpiry(record, policy: .standard, now: expiry))
    }

    @Test func knowledgeAssessmentInputIsChecked() {
        #expect(throws: ComplianceError.self) { _ = try KnowledgeAssessment(method: .quiz(score: 11, passMark: 7, questions: 10), assessedAt: 0, assessedBy: "x") }
        #expect(throws: ComplianceError.self) { _ = try KnowledgeAssessment(method: .training(reference: ""), assessedAt: 0, assessedBy: "x") }
        #expect(throws: ComplianceError.self) { _ = try KnowledgeAssessment(method: .training(reference: "cert"), assessedAt: 0, assessedBy: "") }
    }

    @Test func fourEyesTheSamePersonCannotMakeAndCheck() throws {
        var request = try FourEyesRequest(id: 7, change: "leverage cap 5x", maker: "ann", madeAt: 1, reason: "suitability review")
        #expect(throws: ComplianceError.sameMakerAndChecker("ann made request 7 and cannot also check it")) {
            _ = try request.approve(by: "ann", at: 2)
        }
        #expect(request.state == .pending)
        #expect(try request.approve(by: "bob", at: 3) == "leverage cap 5x")
        #expect(request.state == .approved(by: "bob", at: 3))
        #expect(throws: ComplianceError.requestNotPending("request 7 was already decided")) { _ = try request.approve(by: "cat", at: 4) }
        var other = try FourEyesRequest(id: 8, change: 1, maker: "ann", madeAt: 1, reason: "r")
        #expect(throws: ComplianceError.self) { try other.reject(by: "bob", at: 2, reason: "") }
        try other.reject(by: "bob", at: 2, reason: "evidence too old")
        #expect(other.state == .rejected(by: "bob", at: 2, reason: "evidence too old"))
    }
}
