/// The thresholds of market surveillance (MM-5), configuration with conservative defaults.
/// Prices are the contract's raw units; the large-order size is in units of the base asset
/// at `largeOrderSizeDecimals` (the same BTC on a perpetual and on a spot book whatever their
/// size scales); times are ms of command time.
public struct SurveillancePolicy: Sendable, Hashable, Codable {
    /// An order at least this large counts as large for spoofing and front-running: base-asset
    /// units at `largeOrderSizeDecimals` decimals (10,000 at 3 = 10 BTC), compared with an
    /// order's raw size in its contract's own size scale.
    public var largeOrderSize: Int64
    public var largeOrderSizeDecimals: Int
    /// "Near the touch": within this many basis points of the best price on its side.
    public var nearTouchBps: Int64
    /// A large order near the touch cancelled within this time, with less than
    /// `spoofMaxFilledBps` of it filled, is a spoofing/layering alert.
    public var spoofCancelWithinMs: Int64
    public var spoofMaxFilledBps: Int64
    /// An affiliated MM trading in the direction of a large client order within this time
    /// before it is a front-running alert.
    public var frontRunWindowMs: Int64
    /// Around each funding (or index) time, ± this window.
    public var markingWindowMs: Int64
    /// An account with at least `markingMinTrades` trades of which at least `markingShareBps`
    /// fall in the windows around funding times raises a marking-the-close alert.
    public var markingMinTrades: Int
    public var markingShareBps: Int64
    /// Mark vs index, and last vs mark, divergence that raises a price-anomaly alert.
    public var markIndexDivergenceBps: Int64
    public var lastMarkDivergenceBps: Int64

    public init(largeOrderSize: Int64 = 10_000, largeOrderSizeDecimals: Int = 3, nearTouchBps: Int64 = 10, spoofCancelWithinMs: Int64 = 2_000,
                spoofMaxFilledBps: Int64 = 1_000, frontRunWindowMs: Int64 = 1_000, markingWindowMs: Int64 = 60_000,
                markingMinTrades: Int = 10, markingShareBps: Int64 = 5_000, markIndexDivergenceBps: Int64 = 100,
                lastMarkDivergenceBps: Int64 = 300) {
        self.largeOrderSize = largeOrderSize
        self.largeOrderSizeDecimals = largeOrderSizeDecimals
        self.nearTouchBps = nearTouchBps
        self.spoofCancelWithinMs = spoofCancelWithinMs
        self.spoofMaxFilledBps = spoofMaxFilledBps
        self.frontRunWindowMs = frontRunWindowMs
        self.markingWindowMs = markingWindowMs
        self.markingMinTrades = markingMinTrades
        self.markingShareBps = markingShareBps
        self.markIndexDivergenceBps = markIndexDivergenceBps
        self.lastMarkDivergenceBps = lastMarkDivergenceBps
    }
}

/// One surveillance alert (MM-5): the rule, the accounts and orders, the time window and
/// the evidence in words and figures. Alerts are kept; compliance reviews and closes them.
public struct SurveillanceAlert: Sendable, Hashable, Codable {
    public enum Rule: String, Sendable, Hashable, Codable, CaseIterable {
        case washTrade, spoofing, frontRunning, markingTheClose, priceAnomaly
        /// A day's firm two-way presence of an affiliated market maker below its
        /// `MarketMakerTerms.minPresenceBps` (MM-4).
        case obligationsBreach
        /// No firm two-way quote from an affiliated market maker within its
        /// `MarketMakerTerms.requoteAfterInterruptionMs` of continuous trading resuming after a
        /// volatility interruption (MM-4, PRICE-4); raised at the deadline.
        case requoteAfterInterruption
    }
    public let rule: Rule
    public let symbol: String
    public let accounts: [String]
    public let orders: [Int64]
    public let fromMs: Int64
    public let toMs: Int64
    public let evidence: String

    public init(rule: Rule, symbol: String, accounts: [String], orders: [Int64], fromMs: Int64, toMs: Int64, evidence: String) {
        self.rule = rule
        self.symbol = symbol
        self.accounts = accounts
        self.orders = orders
        self.fromMs = fromMs
        self.toMs = toMs
        self.evidence = evidence
    }
}
