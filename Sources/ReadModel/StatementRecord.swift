/// A daily-statement style summary of one account's cash in one asset over the
/// half-open window [`fromTs`, `toTs`) (milliseconds). All amounts are decimal strings.
///
/// Flows are read from the ledger postings on the account's cash book, signed from the
/// account's point of view, so that
/// `closing = opening + deposits − withdrawals − fees + realizedPnl + funding + otherNet`.
public struct StatementRecord: Codable, Sendable, Hashable {
    public var account: String
    public var asset: String
    public var fromTs: Int64
    public var toTs: Int64
    /// Cash balance before the window (the last `balance` event before `fromTs`).
    public var openingBalance: String
    /// Cash balance at the end of the window (the last `balance` event before `toTs`).
    public var closingBalance: String
    public var deposits: String
    public var withdrawals: String
    /// Trading fees paid, net of rebates received.
    public var fees: String
    /// Realised PnL credited (negative: debited).
    public var realizedPnl: String
    /// Funding received (negative: paid).
    public var funding: String
    /// Every other cash movement (isolated margin locked and released, liquidation fees, ...).
    public var otherNet: String
    /// The account's trades in the window, oldest first.
    public var trades: [TradeRecord]
}
