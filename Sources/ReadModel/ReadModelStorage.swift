/// The read models as the gateway, the reports and the projector use them, whichever
/// database holds them: the embedded SQLite store (`ReadModelStore`) or the production
/// PostgreSQL store (`ReadModelPostgres.PostgresReadModelStore`, docs/DECISIONS.md 36).
///
/// A conforming store projects outcomes idempotently by sequence (an outcome at or below
/// `lastSequence` is skipped, so a projector may replay from any earlier point) and answers
/// every query with the same rows as any other conforming store given the same outcomes —
/// the read-model test suite runs against each store and compares them. Lists are newest
/// first unless stated; every money, price and size field is an exact decimal string.
public protocol ReadModelStorage: AnyObject, Sendable {
    /// A short name for logs and metrics ("sqlite", "postgres").
    var kind: String { get }

    /// Sequence of the last outcome applied (0 when empty).
    var lastSequence: UInt64 { get async throws }

    /// Projects many outcomes, in order, in one transaction; those at or below
    /// `lastSequence` are skipped. Returns how many were applied. On error nothing of the
    /// batch is written.
    func applyAsync(batch: [ProjectedOutcome]) async throws -> Int

    /// Orders of `account`, optionally of one `symbol` and `status` and created within
    /// `fromTs...toTs`, newest (highest id) first; `beforeOrderId` pages backwards.
    func orders(account: String, symbol: String?, status: OrderStatus?, fromTs: Int64?, toTs: Int64?,
                limit: Int, beforeOrderId: Int64?) async throws -> [OrderRecord]
    /// One order by id.
    func order(id: Int64) async throws -> OrderRecord?
    /// `account`'s order `orderId`, or nil (also when the order is another account's).
    func order(account: String, orderId: Int64) async throws -> OrderRecord?
    /// `account`'s newest order placed with `clientOrderId`, or nil.
    func order(account: String, clientOrderId: String) async throws -> OrderRecord?
    /// Trades of `account` (maker or taker), or with `account` nil the public trades; with
    /// `afterSequence` the trades of later commands, oldest first.
    func trades(account: String?, symbol: String?, fromTs: Int64?, toTs: Int64?,
                afterSequence: Int64?, limit: Int) async throws -> [TradeRecord]
    /// Postings into or out of any book of `account`.
    func postings(account: String, limit: Int) async throws -> [PostingRecord]
    /// Postings into or out of `account`'s cash books within [`fromTs`, `toTs`].
    func cashPostings(account: String, fromTs: Int64?, toTs: Int64?, limit: Int) async throws -> [PostingRecord]
    /// Positions of `account`, by symbol.
    func positions(account: String) async throws -> [PositionRecord]
    /// Rejections of `account`'s commands.
    func rejections(account: String, limit: Int) async throws -> [RejectionRecord]
    /// The cash balance of `account` in `asset` after the last command that changed it.
    func balance(account: String, asset: String) async throws -> String?
    /// A statement of `account`'s cash in `asset` over [`fromTs`, `toTs`).
    func statement(account: String, fromTs: Int64, toTs: Int64, asset: String) async throws -> StatementRecord
    /// Settled funding of a symbol.
    func fundingHistory(symbol: String, limit: Int) async throws -> [FundingRecord]
    /// Liquidation steps, insurance payouts and ADL fills involving `account`.
    func liquidationActivity(account: String, symbol: String?, fromTs: Int64?, toTs: Int64?,
                             limit: Int) async throws -> [LiquidationActivity]
    /// The last published ADL quintile of each of `account`'s instruments, by symbol.
    func adlRanks(account: String) async throws -> [AdlRankRecord]
    /// Risk alert events, or only those still raised.
    func riskAlerts(_ filter: RiskAlertFilter) async throws -> [RiskAlertRecord]
    /// The latest result of each stress scenario, in the order the last sweep ran them.
    func latestStressTests() async throws -> [StressTestRecord]
    /// Every stress result, optionally of one `scenario`.
    func stressTestHistory(scenario: String?, limit: Int) async throws -> [StressTestRecord]
    /// The latest risk metrics of each instrument, by symbol.
    func latestRiskMetrics() async throws -> [RiskMetricsRecord]
    /// Risk metrics of one instrument over time.
    func riskMetricsHistory(symbol: String, limit: Int) async throws -> [RiskMetricsRecord]
    /// The insurance fund's balance in `asset` after the last movement ("0" before any).
    func insuranceFundBalance(asset: String) async throws -> String
    /// Movements of the insurance fund in `asset`.
    func insuranceFundHistory(asset: String, limit: Int) async throws -> [InsuranceFundRecord]
    /// Runs the queries of one regulatory report (`ReportQuery`, REG-3) in one read snapshot,
    /// every value as text (NULL as ""); the reports themselves (`ReadModelStorage.report`) are
    /// built from these rows in Swift, once for every store.
    func reportRows(_ queries: [ReportQuery]) async throws -> [[[String]]]
}

extension ReadModelStore: ReadModelStorage {
    public var kind: String { "sqlite" }
}
