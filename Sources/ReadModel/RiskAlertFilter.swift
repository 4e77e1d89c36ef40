/// Which risk alerts to list: only those currently raised (`activeOnly`: the last event of
/// each alert condition is a raise), of one `kind`, about one `symbol`, at most `limit`,
/// newest first.
public struct RiskAlertFilter: Sendable, Hashable {
    public var activeOnly: Bool
    public var kind: String?
    public var symbol: String?
    public var limit: Int

    public init(activeOnly: Bool = false, kind: String? = nil, symbol: String? = nil, limit: Int = 100) {
        self.activeOnly = activeOnly
        self.kind = kind
        self.symbol = symbol
        self.limit = limit
    }
}
