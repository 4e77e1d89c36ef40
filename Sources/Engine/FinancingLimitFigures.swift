import Financing
import HarbourCore

/// The FIN-3 concentration and capacity limits as a four-eyes request carries them
/// (`StaffChange.financingLimits`): shares in 1e-8 units, minimum sizes in settlement raw
/// units, the lending multiple a whole number. Checked into `ControlLimits` (which refuses
/// a share outside (0%, 100%] or a multiple above 5×) when proposed and again at approval.
public struct FinancingLimitFigures: Sendable, Hashable {
    public var clientShareOfCapital: Int64
    public var clientShareOfLoanBook: Int64
    public var loanBookShareMinimumBook: Int64
    public var collateralGroupShare: Int64
    public var collateralShareMinimumPool: Int64
    public var lendingMultiple: Int64

    public init(clientShareOfCapital: Int64, clientShareOfLoanBook: Int64, loanBookShareMinimumBook: Int64,
                collateralGroupShare: Int64, collateralShareMinimumPool: Int64, lendingMultiple: Int64) {
        self.clientShareOfCapital = clientShareOfCapital
        self.clientShareOfLoanBook = clientShareOfLoanBook
        self.loanBookShareMinimumBook = loanBookShareMinimumBook
        self.collateralGroupShare = collateralGroupShare
        self.collateralShareMinimumPool = collateralShareMinimumPool
        self.lendingMultiple = lendingMultiple
    }

    /// The figures of limits in force.
    public init(_ limits: ControlLimits) {
        self.init(clientShareOfCapital: limits.clientShareOfCapital.raw, clientShareOfLoanBook: limits.clientShareOfLoanBook.raw,
                  loanBookShareMinimumBook: limits.loanBookShareMinimumBook.raw, collateralGroupShare: limits.collateralGroupShare.raw,
                  collateralShareMinimumPool: limits.collateralShareMinimumPool.raw, lendingMultiple: limits.lendingMultiple)
    }

    /// The six figures in declaration order (codecs and state coding).
    public var figures: [Int64] {
        [clientShareOfCapital, clientShareOfLoanBook, loanBookShareMinimumBook, collateralGroupShare, collateralShareMinimumPool, lendingMultiple]
    }

    /// The inverse of `figures`.
    public init(figures f: [Int64]) {
        precondition(f.count == 6, "six limit figures")
        self.init(clientShareOfCapital: f[0], clientShareOfLoanBook: f[1], loanBookShareMinimumBook: f[2], collateralGroupShare: f[3],
                  collateralShareMinimumPool: f[4], lendingMultiple: f[5])
    }

    /// The limits these figures describe, or why they are not sound.
    public func limits() throws(FinancingError) -> ControlLimits {
        try ControlLimits(clientShareOfCapital: Rate(raw: clientShareOfCapital), clientShareOfLoanBook: Rate(raw: clientShareOfLoanBook),
                          loanBookShareMinimumBook: Amount(raw: loanBookShareMinimumBook), collateralGroupShare: Rate(raw: collateralGroupShare),
                          collateralShareMinimumPool: Amount(raw: collateralShareMinimumPool), lendingMultiple: lendingMultiple)
    }
}

extension FinancingLimitFigures {
    /// The names of the figures in replay lines, events and the API, in `figures` order.
    public static let fieldNames = ["clientShareOfCapital", "clientShareOfLoanBook", "loanBookShareMinimumBook", "collateralGroupShare",
                                    "collateralShareMinimumPool", "lendingMultiple"]

    /// Writes the figures as JSON fields: shares as decimal fractions, sizes in the settlement
    /// asset, the multiple as an integer.
    static func write(_ f: FinancingLimitFigures, money: DecimalScale, into w: inout JSONLine) {
        let share = { (v: Int64) in FixedDecimal.format(v, scale: DecimalScale(8)) }
        w.str("clientShareOfCapital", share(f.clientShareOfCapital)); w.str("clientShareOfLoanBook", share(f.clientShareOfLoanBook))
        w.str("loanBookShareMinimumBook", FixedDecimal.format(f.loanBookShareMinimumBook, scale: money))
        w.str("collateralGroupShare", share(f.collateralGroupShare))
        w.str("collateralShareMinimumPool", FixedDecimal.format(f.collateralShareMinimumPool, scale: money))
        w.int("lendingMultiple", f.lendingMultiple)
    }
}
