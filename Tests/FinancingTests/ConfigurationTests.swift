import Compliance
import HarbourCore
import Testing
@testable import Financing

/// FIN-2: the virtual-asset haircut floor holds at load and on every change.
@Suite struct ConfigurationTests {
    @Test func virtualAssetHaircutBelowSixtyPercentIsRefusedAtLoadNamingTheAsset() {
        let eth = CollateralAsset(code: "ETH", kind: .virtualAsset, quantityScale: DecimalScale(8), haircut: Rate(raw: 59_999_999))
        #expect(throws: FinancingError.haircutBelowVirtualAssetFloor(asset: "ETH", haircut: "0.59999999", floor: "0.6")) {
            try FinancingConfig(collateral: [Fixture.btcAsset, eth], limits: Fixture.limits(), creditRule: Fixture.creditRule)
        }
        do {
            _ = try FinancingConfig(collateral: [eth], limits: Fixture.limits(), creditRule: Fixture.creditRule)
        } catch {
            #expect(error.code == "HAIRCUT_BELOW_VA_FLOOR")
            #expect(error.description.contains("ETH"))
        }
        // Exactly 60% loads; a security may have a low haircut.
        let atFloor = CollateralAsset(code: "ETH", kind: .virtualAsset, quantityScale: DecimalScale(8), haircut: Rate(raw: 60_000_000))
        let bond = CollateralAsset(code: "BOND", kind: .security, quantityScale: DecimalScale(0), haircut: Rate(raw: 5_000_000))
        #expect((try? FinancingConfig(collateral: [atFloor, bond], limits: Fixture.limits(), creditRule: Fixture.creditRule)) != nil)
    }

    @Test func aHaircutChangeBelowTheFloorIsRefusedAndOneWithoutACheckerIsNotApplied() throws {
        var book = Fixture.book()
        #expect(throws: FinancingError.haircutBelowVirtualAssetFloor(asset: "BTC", haircut: "0.5", floor: "0.6")) {
            try book.apply(Fixture.approved(.haircut(asset: "BTC", Fixture.rate("0.5"))), at: Fixture.t0)
        }
        let pending = try FourEyesRequest<FinancingChange>(id: 9, change: .haircut(asset: "BTC", Fixture.rate("0.7")), maker: "risk-1",
                                                           madeAt: Fixture.t0, reason: "vol")
        #expect(throws: FinancingError.self) { try book.apply(pending, at: Fixture.t0) }
        #expect(book.config.collateral["BTC"]!.haircut == Fixture.rate("0.6"))
    }

    @Test func duplicateAssetsAndBadLevelsAreRefused() {
        #expect(throws: FinancingError.duplicateAsset("BTC")) {
            try FinancingConfig(collateral: [Fixture.btcAsset, Fixture.btcAsset], limits: Fixture.limits(), creditRule: Fixture.creditRule)
        }
        #expect(throws: FinancingError.self) {
            try MarginLevels(initial: Fixture.rate("1.2"), earlyWarning: Fixture.rate("1.1"), call: Fixture.rate("0.9"), forceSale: Fixture.rate("0.8"))
        }
        #expect(throws: FinancingError.self) { try ControlLimits(clientShareOfCapital: Fixture.rate("0.2"), clientShareOfLoanBook: Fixture.rate("0.2"),
                                                                  loanBookShareMinimumBook: .zero, collateralGroupShare: Fixture.rate("0.5"),
                                                                  collateralShareMinimumPool: .zero, lendingMultiple: 6) }
    }

    @Test func businessDaysSkipWeekendsAndHolidays() {
        let calendar = BusinessCalendar()
        // Friday 08:00 + 2 business days = Tuesday 08:00.
        #expect(calendar.adding(businessDays: 2, to: Fixture.t0) == Fixture.t0 + 4 * Fixture.day)
        let monday = Fixture.t0.floorDiv(Fixture.day) + 3
        #expect(BusinessCalendar(holidays: [monday]).adding(businessDays: 2, to: Fixture.t0) == Fixture.t0 + 5 * Fixture.day)
    }
}

/// FIN-1: the credit rule, approval within it, and waivers only with four-eyes.
@Suite struct CreditAssessmentTests {
    let rule = Fixture.creditRule

    @Test func ruleDiscountsNonFiatAssetsAndDeductsLiabilities() throws {
        // liquid fiat 3,000,000 + liquid BTC 1,000,000 at a 50% discount − liabilities 500,000
        // = 3,000,000 adjusted liquid net worth; half of it = 1,500,000.
        let declared = try DeclaredFinancials(netWorthFiat: Fixture.dated(Fixture.usd(5_000_000)), netWorthNonFiat: Fixture.dated(Fixture.usd(2_000_000)),
                                              liquidFiat: Fixture.dated(Fixture.usd(3_000_000)), liquidNonFiat: Fixture.dated(Fixture.usd(1_000_000)),
                                              annualIncome: Fixture.dated(Fixture.usd(400_000)), liabilities: Fixture.dated(Fixture.usd(500_000)))
        #expect(rule.adjustedLiquidNetWorth(declared) == Fixture.usd(3_000_000))
        #expect(rule.adjustedNetWorth(declared) == Fixture.usd(5_500_000))
        #expect(rule.limit(for: declared) == Fixture.usd(1_500_000))
        let withIncomeCap = try CreditLimitRule(volatilityDiscount: Fixture.rate("0.5"), liquidFraction: Fixture.rate("0.5"), cap: Fixture.usd(50_000_000), incomeMultiple: 3)
        #expect(withIncomeCap.limit(for: declared) == Fixture.usd(1_200_000))
    }

    @Test func staffApproveWithinTheRuleOrLowerButNeverAboveWithoutAWaiver() throws {
        let declared = Fixture.declared(liquid: Fixture.usd(2_000_000))
        let within = try CreditAssessment.approveWithinRule(declared, limit: Fixture.usd(800_000), rule: rule, by: "officer", at: Fixture.t0, reviewDueAt: Fixture.t0 + Fixture.day)
        #expect(within.approvedLimit == Fixture.usd(800_000))
        #expect(within.ruleLimit == Fixture.usd(1_000_000))
        #expect(throws: FinancingRefusal.self) {
            try CreditAssessment.approveWithinRule(declared, limit: Fixture.usd(1_000_000) + Amount(raw: 1), rule: rule, by: "officer",
                                                   at: Fixture.t0, reviewDueAt: Fixture.t0 + Fixture.day)
        }
        do {
            _ = try CreditAssessment.approveWithinRule(declared, limit: Fixture.usd(1_200_000), rule: rule, by: "officer", at: Fixture.t0, reviewDueAt: Fixture.t0 + Fixture.day)
        } catch {
            #expect(error.code == .creditLimitAboveRule)
            #expect(error.figures == ["requested": 1_200_000_000_000, "ruleLimit": 1_000_000_000_000])
        }
    }

    @Test func aWaiverNeedsADifferentCheckerAndARecordedReason() throws {
        let declared = Fixture.declared(liquid: Fixture.usd(2_000_000))
        let waiver = CreditWaiver(declared: declared, limit: Fixture.usd(1_200_000), reviewDueAt: Fixture.t0 + 90 * Fixture.day)
        #expect(throws: ComplianceError.self) { try FourEyesRequest(id: 1, change: waiver, maker: "officer", madeAt: Fixture.t0, reason: "") }
        var request = try FourEyesRequest(id: 1, change: waiver, maker: "officer", madeAt: Fixture.t0, reason: "pledges a listed portfolio")
        #expect(throws: FinancingRefusal.self) { try CreditAssessment.approveWaiver(request, rule: rule) } // not yet checked
        #expect(throws: ComplianceError.self) { _ = try request.approve(by: "officer", at: Fixture.t0) }
        _ = try request.approve(by: "head-of-credit", at: Fixture.t0 + 1)
        let assessment = try CreditAssessment.approveWaiver(request, rule: rule)
        #expect(assessment.approvedLimit == Fixture.usd(1_200_000))
        #expect(assessment.waiver?.reason == "pledges a listed portfolio")
        #expect(assessment.waiver?.maker == "officer")
        #expect(assessment.approvedBy == "head-of-credit")
    }

    @Test func virtualAssetFinancingNeverAddsToTheLimit() throws {
        // The one credit limit covers securities margin lending too: a client with 10m limit
        // and 9.5m of securities margin loans has 0.5m left for virtual-asset financing.
        var book = Fixture.book()
        let id = Fixture.fundedLoan(&book, Fixture.client(1, limit: Fixture.usd(10_000_000), securities: Fixture.usd(9_500_000)), quantity: Fixture.btc("100"))
        #expect(throws: FinancingRefusal.self) { try book.drawdown(id, amount: Fixture.usd(500_001), at: Fixture.t0) }
        _ = try book.drawdown(id, amount: Fixture.usd(500_000), at: Fixture.t0)
    }
}

/// FIN-1, PI-3: a retail, lapsed or non-margin client may not draw.
@Suite struct EligibilityTests {
    func refusal(_ client: MarginClient, at now: Int64 = Fixture.t0) -> FinancingRefusal.Code? {
        var book = Fixture.book()
        book.upsert(client: Fixture.client(client.account.index))
        let id = try! book.openLoan(for: client.account, at: Fixture.t0)
        try! book.deposit(client.account, asset: "BTC", amount: 100_000_000)
        _ = try! book.pledge(id, asset: "BTC", quantity: Fixture.btc("1"), at: Fixture.t0)
        book.upsert(client: client)
        return book.drawdownRefusal(id, amount: Fixture.usd(1_000), at: now)?.code
    }

    @Test func eligibleClientMayDraw() {
        #expect(refusal(Fixture.client(1)) == nil)
    }

    @Test func retailClientIsRefused() {
        var client = Fixture.client(1)
        client.compliance = ClientComplianceRecord(classification: nil)
        #expect(refusal(client) == .notProfessionalInvestor)
    }

    @Test func lapsedClassificationIsRefused() {
        var client = Fixture.client(1)
        client.compliance = ClientComplianceRecord(classification: Fixture.classification(assessedAt: Fixture.t0 - 400 * Fixture.day))
        #expect(refusal(client) == .classificationExpired)
    }

    @Test func nonMarginClientIsRefused() {
        var client = Fixture.client(1)
        client.marginAgreement = nil
        #expect(refusal(client) == .notMarginClient)
    }

    @Test func lapsedCreditReviewBlocksNewDrawdowns() {
        #expect(refusal(Fixture.client(1), at: Fixture.t0 + 180 * Fixture.day) == .creditReviewLapsed)
        #expect(refusal(Fixture.client(1), at: Fixture.t0 + 180 * Fixture.day - 1) == nil)
        var noCredit = Fixture.client(1)
        noCredit.credit = nil
        #expect(refusal(noCredit) == .noCreditAssessment)
    }
}
