/// The cash flows of one account's statement (`StatementRecord`), summed from the
/// postings on its cash book in one asset, signed from the account's point of view (into
/// its cash is positive) and sorted by the posting's reason. Every store builds its
/// statements with it, so the figures cannot differ between stores. Exact decimals.
public struct StatementFlows: Sendable {
    public let account: String
    public let asset: String
    let cash: String
    var deposits = DecimalText.zero, withdrawals = DecimalText.zero, fees = DecimalText.zero
    var pnl = DecimalText.zero, funding = DecimalText.zero, other = DecimalText.zero

    public init(account: String, asset: String) {
        self.account = account
        self.asset = asset
        cash = BookName.cash(account: account, asset: asset)
    }

    /// Adds one posting; postings not on the account's cash book in `asset` (or from the
    /// book to itself), and amounts that are not decimals, are left out.
    public mutating func add(fromBook from: String, toBook to: String, amount text: String, reason: String) {
        guard from == cash || to == cash, from != to else { return }
        guard let amount = DecimalText(text) else { return }
        let signed = to == cash ? amount : -amount
        switch reason {
        case "deposit": deposits += signed
        case "withdrawal": withdrawals -= signed
        case "fee", "rebate": fees -= signed
        case "realizedPnl": pnl += signed
        case "funding": funding += signed
        default: other += signed
        }
    }

    /// The statement over [`fromTs`, `toTs`) with the given balances and trades.
    public func statement(fromTs: Int64, toTs: Int64, openingBalance: String, closingBalance: String,
                          trades: [TradeRecord]) -> StatementRecord {
        StatementRecord(account: account, asset: asset, fromTs: fromTs, toTs: toTs,
                        openingBalance: openingBalance, closingBalance: closingBalance,
                        deposits: deposits.description, withdrawals: withdrawals.description,
                        fees: fees.description, realizedPnl: pnl.description, funding: funding.description,
                        otherNet: other.description, trades: trades)
    }
}
