import ReadModel

/// The liquidation waterfall (RISK-4) and platform-risk (RISK-6) events in PostgreSQL:
/// history keyed by (seq, idx) and the "latest" tables beside it, as on SQLite
/// (`ReadModel.OutcomeProjection.projectRisk`).
extension PostgresOutcomeProjection {
    mutating func projectRisk(_ e: WireEvent, seq: Int64, idx: Int, ts: Int64, sequence: UInt64) throws {
        func need<T>(_ v: T?, _ field: String) throws -> T {
            guard let v else { throw ReadModelError.missingField(sequence: sequence, type: e.type, field: field) }
            return v
        }
        let s = SQLValue.int(seq), i = SQLValue.i(idx), t = SQLValue.int(ts)
        switch e.type {
        case "liquidation":
            liquidations.add([s, i, t, .text(try need(e.account, "account")), .text(try need(e.symbol, "symbol")),
                              .text(try need(e.size, "size")), .text(try need(e.markPrice, "markPrice")), .text(try need(e.equity, "equity")),
                              .text(try need(e.maintenanceMargin, "maintenanceMargin")), .text(try need(e.stage, "stage"))])
        case "insurancePayout":
            insurancePayouts.add([s, i, t, .text(try need(e.account, "account")), .text(try need(e.amount, "amount"))])
        case "adl":
            adlFills.add([s, i, t, .text(try need(e.account, "account")), .text(try need(e.counterparty, "counterparty")),
                          .text(try need(e.symbol, "symbol")), .text(try need(e.qty, "qty")), .text(try need(e.price, "price"))])
        case "adlRank":
            adlRanks.add([.text(try need(e.account, "account")), .text(try need(e.symbol, "symbol")), .int(try need(e.rank, "rank")), s, t])
        case "riskAlert":
            let kind = try need(e.kind, "kind"), state = try need(e.state, "state")
            let key = RiskAlertKey.make(kind: kind, symbol: e.symbol, account: e.account, scenario: e.scenario)
            riskAlerts.add([s, i, t, .text(key), .text(kind), .text(state), .t(e.symbol), .t(e.account),
                            .text(try need(e.threshold, "threshold")), .text(try need(e.value, "value")), .t(e.volatility),
                            .t(e.marginAddOn), .i(e.samples), .t(e.position), .t(e.openInterest), .t(e.cap), .t(e.scenario),
                            .t(e.shortfall), .t(e.insuranceFund), .i(e.accountsInShortfall), .t(nil), .t(nil), .t(nil)])
            riskAlertLatest.add([.text(key), s, i, .text(state)])
        case "controlBreach":
            // FIN-3 breaches in the risk alert history, as on SQLite.
            let code = try need(e.code, "code"), subject = try need(e.subject, "subject"), state = try need(e.state, "state")
            let key = RiskAlertKey.financing(code: code, subject: subject)
            riskAlerts.add([s, i, t, .text(key), .text("financingControl"), .text(state), .t(nil), .t(nil),
                            .text(try need(e.limit, "limit")), .text(try need(e.value, "value")), .t(nil), .t(nil), .i(nil), .t(nil),
                            .t(nil), .t(nil), .t(nil), .t(nil), .t(nil), .i(nil), .text(code), .text(subject), .t(e.message)])
            riskAlertLatest.add([.text(key), s, i, .text(state)])
        case "stressTest":
            let scenario = try need(e.scenario, "scenario")
            stressTests.add([s, i, t, .text(scenario), .text(try need(e.shortfall, "shortfall")),
                             .text(try need(e.insuranceFund, "insuranceFund")), .text(try need(e.uncovered, "uncovered")),
                             .int(try need(e.accountsInShortfall, "accountsInShortfall"))])
            stressTestLatest.add([.text(scenario), s, i])
        case "riskMetrics":
            let symbol = try need(e.symbol, "symbol")
            riskMetrics.add([s, i, t, .text(symbol), .text(try need(e.volatility, "volatility")),
                             .text(try need(e.marginAddOn, "marginAddOn")), .text(try need(e.openInterest, "openInterest")),
                             .int(try need(e.samples, "samples"))])
            riskMetricsLatest.add([.text(symbol), s, i])
        default:
            break
        }
    }
}
