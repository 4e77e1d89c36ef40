import GRDB

/// One raise or clear of a platform risk alert (RISK-6), with the evidence that made it
/// fire. `kind` is "volatility", "concentration", "openInterest", "insuranceCoverage" or
/// "financingControl" (a FIN-3 margin-financing limit breached without a drawdown);
/// `state` "raised" or "cleared". Which evidence fields are set depends on the kind (the
/// same fields as the `riskAlert` event): volatility → `volatility`, `marginAddOn`,
/// `samples`; concentration → `position`, `openInterest`; openInterest → `openInterest`,
/// `cap`; insuranceCoverage → `scenario`, `shortfall`, `insuranceFund`,
/// `accountsInShortfall`. Fractions, sizes and money are decimal strings.
public struct RiskAlertRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var seq: UInt64
    public var idx: Int
    public var ts: Int64
    public var kind: String
    public var state: String
    public var symbol: String?
    public var account: String?
    public var threshold: String
    public var value: String
    public var volatility: String?
    public var marginAddOn: String?
    public var samples: Int64?
    public var position: String?
    public var openInterest: String?
    public var cap: String?
    public var scenario: String?
    public var shortfall: String?
    public var insuranceFund: String?
    public var accountsInShortfall: Int64?
    /// A `financingControl` alert (FIN-3 breach): the control's code, its subject ("book",
    /// "client:3", a related or collateral group) and the engine's message with the figures;
    /// `value` is the figure over the limit, `threshold` the limit (settlement asset).
    public var code: String?
    public var subject: String?
    public var message: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
