import HarbourCore

/// One margin-financing loan (FIN-4, FIN-5): the client, the pledged collateral, the
/// principal (with capitalised interest) and accrued interest — mirrors of its ledger
/// books — the interest accrual, and its margin state: the zone last evaluated, whether
/// the early warning was sent, the open call and the forced sales in progress.
public struct Loan: Sendable, Hashable {
    public let id: LoanID
    public let account: AccountID
    /// Principal owed, including capitalised interest (= −balance of its principal book).
    public internal(set) var principal: Amount = .zero
    /// Interest accrued, not yet capitalised or paid (= −balance of its interest book).
    public internal(set) var accruedInterest: Amount = .zero
    /// Pledged quantity per collateral asset code (= balance of its pledged books).
    public internal(set) var collateral: [String: Quantity] = [:]
    public internal(set) var interest: InterestAccrual
    public internal(set) var zone: MarginZone = .healthy
    /// Set when the early warning was sent; cleared when the loan is healthy again.
    public internal(set) var warned = false
    public internal(set) var call: MarginCall?
    /// Forced-sale instructions issued and not yet filled.
    public internal(set) var pendingSales: [ForcedSaleInstruction] = []
    /// Set once an unsecured-shortfall notice was sent for the current shortfall.
    public internal(set) var shortfallNoticed = false

    init(id: LoanID, account: AccountID, startDay: Int64) {
        self.id = id
        self.account = account
        interest = InterestAccrual(startDay: startDay)
    }

    /// What the client owes: principal and accrued interest.
    public var amountOwed: Amount { principal + accruedInterest }

    /// Collateral asset codes in a fixed order (dictionaries never decide an order).
    public var collateralCodes: [String] { collateral.keys.sorted() }

    /// Quantity of `asset` already in a pending forced sale.
    public func quantityInSale(_ asset: String) -> Quantity {
        pendingSales.filter { $0.asset == asset }.reduce(Quantity.zero) { $0 + $1.quantity }
    }
}
