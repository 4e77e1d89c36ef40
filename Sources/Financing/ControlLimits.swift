import HarbourCore

/// The FIN-3 concentration and capacity limits, changed only by the risk team with
/// four-eyes (`FinancingChange.limits`). Shares are 1e-8 units.
public struct ControlLimits: Sendable, Hashable {
    /// One client or related group's loans as a share of the broker's capital figure.
    public let clientShareOfCapital: Rate
    /// One client or related group's loans as a share of the whole loan book.
    public let clientShareOfLoanBook: Rate
    /// The loan-book share applies once the book (after the drawdown) is at least this
    /// large: the first loans of a new book are each a large share of it.
    public let loanBookShareMinimumBook: Amount
    /// One collateral asset or correlated group as a share of all pledged collateral (at
    /// market value, before haircuts).
    public let collateralGroupShare: Rate
    /// The collateral share applies once all pledged collateral is worth at least this.
    public let collateralShareMinimumPool: Amount
    /// Total loans ≤ this multiple of the broker's capital figure (default 5×).
    public let lendingMultiple: Int64

    public init(clientShareOfCapital: Rate, clientShareOfLoanBook: Rate, loanBookShareMinimumBook: Amount,
                collateralGroupShare: Rate, collateralShareMinimumPool: Amount, lendingMultiple: Int64 = 5) throws(FinancingError) {
        for (name, share) in [("client share of capital", clientShareOfCapital), ("client share of loan book", clientShareOfLoanBook),
                              ("collateral group share", collateralGroupShare)] {
            guard share > .zero, share <= .one else { throw .invalidLimits("\(name) must be in (0%, 100%], not \(share.formatted)") }
        }
        guard loanBookShareMinimumBook >= .zero, collateralShareMinimumPool >= .zero else {
            throw .invalidLimits("minimum sizes are not negative")
        }
        guard (1...5).contains(lendingMultiple) else {
            throw .invalidLimits("total loans are at most 1× to 5× the broker's capital (FIN-3), not \(lendingMultiple)×")
        }
        self.clientShareOfCapital = clientShareOfCapital
        self.clientShareOfLoanBook = clientShareOfLoanBook
        self.loanBookShareMinimumBook = loanBookShareMinimumBook
        self.collateralGroupShare = collateralGroupShare
        self.collateralShareMinimumPool = collateralShareMinimumPool
        self.lendingMultiple = lendingMultiple
    }
}
