import Compliance
import Financing
import HarbourCore

// This file is shared, by a symbolic link, with the LoanMonitor suite of the separate
// Benchmarks package (Benchmarks/Benchmarks/LoanMonitor/LoanMonitorWorkload.swift), so
// `harbour bench loans` and package-benchmark build exactly the same loan book.

/// Margin-call monitoring at scale (FIN-5): the engine's financing book (`LoanBook`, the
/// component the engine calls on every BTC index change) with `loans` loans of one client
/// each, every loan 1 BTC pledged, drawn at BTC 80,000, then valued at 60,000:
/// - `near` loans owe 23,400 + 1 USD × rank: at 60,000 they are in early warning (margin
///   value 24,000 < 110%) and at 58,000 (23,200) each is below the loan: a margin call;
/// - the rest owe 10,000: healthy down to 27,500.
/// A move 60,000 → 58,000 therefore crosses exactly `near` loans; 60,000 ↔ 60,010 none.
public struct LoanMonitorWorkload {
    public static let quiet = Price(raw: 60_010 * 1_000_000)
    public static let open = Price(raw: 60_000 * 1_000_000)
    public static let crossing = Price(raw: 58_000 * 1_000_000)
    public static let t0: Int64 = 1_800_000_000_000
    public private(set) var book: LoanBook
    public let loans: Int
    public let near: Int

    public init(loans: Int, near: Int) throws {
        self.loans = loans
        self.near = near
        let collateral = [CollateralAsset(code: "BTC", kind: .virtualAsset, quantityScale: DecimalScale(8), haircut: Rate(raw: 60_000_000))]
        let limits = try ControlLimits(clientShareOfCapital: .one, clientShareOfLoanBook: .one, loanBookShareMinimumBook: .zero,
                                       collateralGroupShare: .one, collateralShareMinimumPool: .zero, lendingMultiple: 5)
        let rule = try CreditLimitRule(volatilityDiscount: Rate(raw: 50_000_000), liquidFraction: Rate(raw: 50_000_000), cap: Amount(raw: 50_000_000 * 1_000_000))
        let config = try FinancingConfig(collateral: collateral, limits: limits, creditRule: rule)
        book = LoanBook(config: config, capital: BrokerCapital(items: [.init(name: "capital", kind: .fiat, value: Amount(raw: 1_000_000_000 * 1_000_000))]))
        _ = try book.setPrice("BTC", Price(raw: 80_000 * 1_000_000), at: Self.t0)
        let classification = try Self.classification()
        let declared = try DeclaredFinancials(netWorthFiat: Self.dated(1_000_000), netWorthNonFiat: Self.dated(0), liquidFiat: Self.dated(1_000_000),
                                              liquidNonFiat: Self.dated(0), annualIncome: Self.dated(100_000), liabilities: Self.dated(0))
        let credit = try CreditAssessment.approveWithinRule(declared, limit: Amount(raw: 100_000 * 1_000_000), rule: rule, by: "credit",
                                                           at: Self.t0 - 1, reviewDueAt: Self.t0 + 86_400_000 * 365)
        for k in 0..<loans {
            let account = AccountID(UInt32(k))
            book.upsert(client: MarginClient(account: account, marginAgreement: "SMA-\(k)", compliance: ClientComplianceRecord(classification: classification),
                                             credit: credit, annualRate: Rate(raw: 7_500_000)))
            let id = try book.openLoan(for: account, at: Self.t0)
            try book.deposit(account, asset: "BTC", amount: 100_000_000)
            _ = try book.pledge(id, asset: "BTC", quantity: Quantity(raw: 100_000_000), at: Self.t0)
            let owed: Int64 = k < near ? 23_400 + Int64(k) : 10_000
            _ = try book.drawdown(id, amount: Amount(raw: owed * 1_000_000), at: Self.t0)
        }
        _ = try book.setPrice("BTC", Self.open, at: Self.t0)
    }

    /// One price change; returns how many loans it re-evaluated.
    public mutating func move(to price: Price) throws -> Int {
        _ = try book.setPrice("BTC", price, at: Self.t0)
        return book.lastVisited.count
    }

    /// The naive monitor the index replaces: every loan's zone at the current price.
    public func fullScan() -> Int {
        var called = 0
        for loan in book.loans.values where book.zone(of: loan) >= .call { called += 1 }
        return called
    }

    static func dated(_ whole: Int64) -> DatedAmount { DatedAmount(Amount(raw: whole * 1_000_000), asOf: t0 - 86_400_000) }

    static func classification() throws -> Classification {
        let policy = ClassificationPolicy.standard
        let at = t0 - 86_400_000
        let evidence = ClassificationEvidence(portfolio: [EvidenceItem(kind: .securities, amount: FiatAmount(currency: "HKD", minorUnits: 9_000_000_00),
                                                                       asOf: at - 86_400_000, source: "statement")])
        let assessment = try ClassificationAssessment.assess(.individual, evidence: evidence, policy: policy, now: at)
        return try Classification(assessment: assessment, evidence: evidence, policy: policy, assessedAt: at, proposedBy: "c1", approvedBy: "c2")
    }
}
