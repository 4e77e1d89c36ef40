import ReadModel

/// API JSON of the liquidation and platform-risk read models, with the field names of the
/// replay-format events (`liquidation`, `insurancePayout`, `adl`, `riskAlert`,
/// `stressTest`, `riskMetrics`) plus `sequence` and `timestamp` (ms). Decimal strings for
/// money, prices, sizes and fractions; evidence fields appear only for the alert kinds
/// that have them.
enum RiskJSON {
    /// One entry of `GET /v1/liquidations`, as `account` may see it: an ADL fill names the
    /// account's `role` ("liquidated": its bankrupt position was closed; "deleveraged": its
    /// position was closed against a bankrupt one) and never the other account.
    static func activity(_ a: LiquidationActivity, account: String) -> JSON {
        var f: [(String, JSON)] = []
        switch a {
        case .liquidation(let r):
            f = [("type", "liquidation"), ("symbol", .string(r.symbol)), ("size", .string(r.size)),
                 ("markPrice", .string(r.markPrice)), ("equity", .string(r.equity)),
                 ("maintenanceMargin", .string(r.maintenanceMargin)), ("stage", .string(r.stage))]
        case .insurancePayout(let r):
            f = [("type", "insurancePayout"), ("amount", .string(r.amount))]
        case .adl(let r):
            f = [("type", "adl"), ("symbol", .string(r.symbol)), ("qty", .string(r.qty)), ("price", .string(r.price)),
                 ("role", .string(r.account == account ? "liquidated" : "deleveraged"))]
        }
        f += [("sequence", .int(Int64(a.seq))), ("timestamp", .int(a.ts))]
        return .object(f)
    }

    /// One raise or clear of a risk alert.
    static func alert(_ r: RiskAlertRecord) -> JSON {
        var f: [(String, JSON)] = [("kind", .string(r.kind)), ("state", .string(r.state))]
        if let s = r.symbol { f.append(("symbol", .string(s))) }
        if let a = r.account { f.append(("account", .string(a))) }
        f += [("threshold", .string(r.threshold)), ("value", .string(r.value))]
        let evidence: [(String, String?)] = [
            ("volatility", r.volatility), ("marginAddOn", r.marginAddOn), ("position", r.position),
            ("openInterest", r.openInterest), ("cap", r.cap), ("scenario", r.scenario), ("shortfall", r.shortfall),
            ("insuranceFund", r.insuranceFund), ("code", r.code), ("subject", r.subject), ("message", r.message),
        ]
        for (k, v) in evidence { if let v { f.append((k, .string(v))) } }
        if let n = r.samples { f.append(("samples", .int(n))) }
        if let n = r.accountsInShortfall { f.append(("accountsInShortfall", .int(n))) }
        f += [("sequence", .int(Int64(r.seq))), ("timestamp", .int(r.ts))]
        return .object(f)
    }

    /// The latest result of one stress scenario.
    static func stress(_ r: StressTestRecord) -> JSON {
        .object([("scenario", .string(r.scenario)), ("shortfall", .string(r.shortfall)),
                 ("insuranceFund", .string(r.insuranceFund)), ("uncovered", .string(r.uncovered)),
                 ("accountsInShortfall", .int(r.accountsInShortfall)), ("sequence", .int(Int64(r.seq))), ("timestamp", .int(r.ts))])
    }

    /// An instrument's latest risk metrics.
    static func metrics(_ r: RiskMetricsRecord) -> JSON {
        .object([("symbol", .string(r.symbol)), ("volatility", .string(r.volatility)), ("marginAddOn", .string(r.marginAddOn)),
                 ("openInterest", .string(r.openInterest)), ("samples", .int(r.samples)),
                 ("sequence", .int(Int64(r.seq))), ("timestamp", .int(r.ts))])
    }
}
