import Compliance
import HarbourCore
@testable import Financing

/// Shared set-up: a USD (micro-dollar) book with BTC, ETH and one listed share as
/// collateral, professional-investor margin clients and helpers to fund a loan.
enum Fixture {
    static let day: Int64 = 86_400_000
    /// Friday 2027-01-15 08:00 UTC.
    static let t0: Int64 = 1_800_000_000_000

    static func usd(_ whole: Int64) -> Amount { Amount(raw: whole * 1_000_000) }
    static func btc(_ text: String) -> Quantity { try! Quantity(text, scale: DecimalScale(8)) }
    static func price(_ whole: Int64) -> Price { Price(raw: whole * 1_000_000) }
    static func rate(_ text: String) -> Rate { try! Rate(text) }

    static let btcAsset = CollateralAsset(code: "BTC", kind: .virtualAsset, quantityScale: DecimalScale(8), haircut: Rate(raw: 60_000_000))
    static let ethAsset = CollateralAsset(code: "ETH", kind: .virtualAsset, quantityScale: DecimalScale(8), haircut: Rate(raw: 65_000_000))
    static let shareAsset = CollateralAsset(code: "0700.HK", kind: .security, quantityScale: DecimalScale(0), haircut: Rate(raw: 30_000_000))

    /// Limits loose enough that only the one a test tightens can refuse.
    static func limits(capitalShare: String = "1", bookShare: String = "1", minimumBook: Amount = .zero,
                       collateralShare: String = "1", minimumPool: Amount = .zero, multiple: Int64 = 5) -> ControlLimits {
        try! ControlLimits(clientShareOfCapital: rate(capitalShare), clientShareOfLoanBook: rate(bookShare), loanBookShareMinimumBook: minimumBook,
                           collateralGroupShare: rate(collateralShare), collateralShareMinimumPool: minimumPool, lendingMultiple: multiple)
    }

    /// Volatility discount 50%, half of adjusted liquid net worth, capped at 50 million.
    static let creditRule = try! CreditLimitRule(volatilityDiscount: rate("0.5"), liquidFraction: rate("0.5"), cap: usd(50_000_000))

    static func config(limits: ControlLimits = limits()) -> FinancingConfig {
        try! FinancingConfig(collateral: [btcAsset, ethAsset, shareAsset], limits: limits, creditRule: creditRule)
    }

    static func capital(_ whole: Int64, virtualAssets: Int64 = 0) -> BrokerCapital {
        BrokerCapital(items: [.init(name: "paid-up capital", kind: .fiat, value: usd(whole)),
                              .init(name: "house BTC", kind: .virtualAsset, value: usd(virtualAssets))])
    }

    static func book(limits: ControlLimits = limits(), capital: BrokerCapital = capital(1_000_000_000)) -> LoanBook {
        var book = LoanBook(config: config(limits: limits), capital: capital)
        _ = try! book.setPrice("BTC", price(60_000), at: t0)
        _ = try! book.setPrice("ETH", price(3_000), at: t0)
        _ = try! book.setPrice("0700.HK", price(50), at: t0)
        return book
    }

    static func dated(_ amount: Amount) -> DatedAmount { DatedAmount(amount, asOf: t0 - 10 * day) }

    /// Liquid fiat `liquid`, nothing else: the rule gives half of it.
    static func declared(liquid: Amount, nonFiat: Amount = .zero, liabilities: Amount = .zero) -> DeclaredFinancials {
        try! DeclaredFinancials(netWorthFiat: dated(liquid), netWorthNonFiat: dated(nonFiat), liquidFiat: dated(liquid),
                                liquidNonFiat: dated(nonFiat), annualIncome: dated(usd(1_000_000)), liabilities: dated(liabilities))
    }

    /// A current individual professional-investor classification (PI-1).
    static func classification(assessedAt: Int64 = t0 - 10 * day) -> Classification {
        let policy = ClassificationPolicy.standard
        let evidence = ClassificationEvidence(portfolio: [EvidenceItem(kind: .securities, amount: FiatAmount(currency: "HKD", minorUnits: 9_000_000_00),
                                                                       asOf: assessedAt - day, source: "custodian statement")])
        let assessment = try! ClassificationAssessment.assess(.individual, evidence: evidence, policy: policy, now: assessedAt)
        return try! Classification(assessment: assessment, evidence: evidence, policy: policy, assessedAt: assessedAt,
                                   proposedBy: "compliance-1", approvedBy: "compliance-2")
    }

    /// An eligible margin client with a limit approved within the rule.
    static func client(_ index: UInt32, limit: Amount = usd(10_000_000), group: String? = nil, securities: Amount = .zero,
                       rate annual: Rate = Rate(raw: 7_500_000)) -> MarginClient {
        let declared = declared(liquid: limit + limit)
        let credit = try! CreditAssessment.approveWithinRule(declared, limit: limit, rule: creditRule, by: "credit-officer",
                                                            at: t0 - day, reviewDueAt: t0 + 180 * day)
        return MarginClient(account: AccountID(index), marginAgreement: "SMA-\(index)",
                            compliance: ClientComplianceRecord(classification: classification()), credit: credit,
                            relatedGroup: group, securitiesMarginLoans: securities, annualRate: annual)
    }

    /// Registers `client`, opens a loan and pledges `quantity` of `asset` deposited first.
    static func fundedLoan(_ book: inout LoanBook, _ client: MarginClient, asset: String = "BTC", quantity: Quantity, at now: Int64 = t0) -> LoanID {
        book.upsert(client: client)
        let id = try! book.openLoan(for: client.account, at: now)
        try! book.deposit(client.account, asset: asset, amount: quantity.raw)
        _ = try! book.pledge(id, asset: asset, quantity: quantity, at: now)
        return id
    }

    static func approved(_ change: FinancingChange, id: Int64 = 1, at now: Int64 = t0) -> FourEyesRequest<FinancingChange> {
        var request = try! FourEyesRequest(id: id, change: change, maker: "risk-1", madeAt: now, reason: "volatility up")
        _ = try! request.approve(by: "risk-2", at: now)
        return request
    }
}
