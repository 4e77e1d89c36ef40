import Engine
import GRDB

/// Projection of the liquidation waterfall (RISK-4) and platform risk events (RISK-6, and
/// margin financing's FIN-3 control breaches as alerts):
/// every event is kept as history, keyed by (seq, idx); ADL ranks, the last state of each
/// alert, the latest stress result per scenario and the latest metrics per symbol are kept
/// current beside it. The insurance fund is tracked from postings into and out of the
/// `house:insurance:<asset>` book — the exact source — so a balance is always the sum of
/// what moved.
extension OutcomeProjection {
    func projectRisk(_ e: WireEvent, seq: Int64, idx: Int, ts: Int64, sequence: UInt64) throws {
        func need<T>(_ v: T?, _ field: String) throws -> T {
            guard let v else { throw ReadModelError.missingField(sequence: sequence, type: e.type, field: field) }
            return v
        }
        switch e.type {
        case "liquidation":
            try exec("""
                INSERT INTO liquidations (seq, idx, ts, account, symbol, size, mark_price, equity, maintenance_margin, stage)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [seq, idx, ts, try need(e.account, "account"), try need(e.symbol, "symbol"), try need(e.size, "size"),
                 try need(e.markPrice, "markPrice"), try need(e.equity, "equity"),
                 try need(e.maintenanceMargin, "maintenanceMargin"), try need(e.stage, "stage")])
        case "insurancePayout":
            try exec("INSERT INTO insurance_payouts (seq, idx, ts, account, amount) VALUES (?, ?, ?, ?, ?)",
                     [seq, idx, ts, try need(e.account, "account"), try need(e.amount, "amount")])
        case "adl":
            try exec("""
                INSERT INTO adl_fills (seq, idx, ts, account, counterparty, symbol, qty, price) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [seq, idx, ts, try need(e.account, "account"), try need(e.counterparty, "counterparty"),
                 try need(e.symbol, "symbol"), try need(e.qty, "qty"), try need(e.price, "price")])
        case "adlRank":
            try exec("INSERT OR REPLACE INTO adl_ranks (account, symbol, rank, updated_seq, updated_ts) VALUES (?, ?, ?, ?, ?)",
                     [try need(e.account, "account"), try need(e.symbol, "symbol"), try need(e.rank, "rank"), seq, ts])
        case "riskAlert":
            let kind = try need(e.kind, "kind"), state = try need(e.state, "state")
            let key = Self.alertKey(kind: kind, symbol: e.symbol, account: e.account, scenario: e.scenario)
            try exec("""
                INSERT INTO risk_alerts (seq, idx, ts, alert_key, kind, state, symbol, account, threshold, value,
                    volatility, margin_add_on, samples, position, open_interest, cap, scenario, shortfall, insurance_fund,
                    accounts_in_shortfall)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [seq, idx, ts, key, kind, state, e.symbol, e.account, try need(e.threshold, "threshold"),
                 try need(e.value, "value"), e.volatility, e.marginAddOn, e.samples, e.position, e.openInterest, e.cap,
                 e.scenario, e.shortfall, e.insuranceFund, e.accountsInShortfall])
            try exec("INSERT OR REPLACE INTO risk_alert_latest (alert_key, seq, idx, state) VALUES (?, ?, ?, ?)",
                     [key, seq, idx, state])
        case "controlBreach":
            try projectFinancingAlert(e, seq: seq, idx: idx, ts: ts, sequence: sequence)
        case "stressTest":
            let scenario = try need(e.scenario, "scenario")
            try exec("""
                INSERT INTO stress_tests (seq, idx, ts, scenario, shortfall, insurance_fund, uncovered, accounts_in_shortfall)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [seq, idx, ts, scenario, try need(e.shortfall, "shortfall"), try need(e.insuranceFund, "insuranceFund"),
                 try need(e.uncovered, "uncovered"), try need(e.accountsInShortfall, "accountsInShortfall")])
            try exec("INSERT OR REPLACE INTO stress_test_latest (scenario, seq, idx) VALUES (?, ?, ?)", [scenario, seq, idx])
        case "riskMetrics":
            let symbol = try need(e.symbol, "symbol")
            try exec("""
                INSERT INTO risk_metrics (seq, idx, ts, symbol, volatility, margin_add_on, open_interest, samples)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [seq, idx, ts, symbol, try need(e.volatility, "volatility"), try need(e.marginAddOn, "marginAddOn"),
                 try need(e.openInterest, "openInterest"), try need(e.samples, "samples")])
            try exec("INSERT OR REPLACE INTO risk_metrics_latest (symbol, seq, idx) VALUES (?, ?, ?)", [symbol, seq, idx])
        default:
            break
        }
    }

    /// FIN-3: a limit the loan book went over (or back under) without a drawdown is a risk
    /// alert of kind `financingControl`, keyed by its code and subject.
    private func projectFinancingAlert(_ e: WireEvent, seq: Int64, idx: Int, ts: Int64, sequence: UInt64) throws {
        func need<T>(_ v: T?, _ field: String) throws -> T {
            guard let v else { throw ReadModelError.missingField(sequence: sequence, type: e.type, field: field) }
            return v
        }
        let code = try need(e.code, "code"), subject = try need(e.subject, "subject"), state = try need(e.state, "state")
        let key = RiskAlertKey.financing(code: code, subject: subject)
        try exec("""
            INSERT INTO risk_alerts (seq, idx, ts, alert_key, kind, state, threshold, value, code, subject, message)
            VALUES (?, ?, ?, ?, 'financingControl', ?, ?, ?, ?, ?, ?)
            """,
            [seq, idx, ts, key, state, try need(e.limit, "limit"), try need(e.value, "value"), code, subject, e.message])
        try exec("INSERT OR REPLACE INTO risk_alert_latest (alert_key, seq, idx, state) VALUES (?, ?, ?, ?)",
                 [key, seq, idx, state])
    }

    /// Records a posting that moves money into or out of an insurance-fund book, with the
    /// running balance (exact decimal arithmetic on the previous row's balance).
    func trackInsuranceFund(from: String, to: String, amount: String, reason: String,
                            seq: Int64, idx: Int, ts: Int64, sequence: UInt64) throws {
        let prefix = "house:insurance:"
        let into = to.hasPrefix(prefix), outOf = from.hasPrefix(prefix)
        guard into != outOf else { return } // not the fund's, or fund to fund
        let asset = String((into ? to : from).dropFirst(prefix.count))
        guard let moved = DecimalText(amount) else {
            throw ReadModelError.malformedLine(sequence: sequence, line: "posting amount \(amount)")
        }
        let previous = try String.fetchOne(db.cachedStatement(sql: """
            SELECT balance FROM insurance_fund WHERE asset = ? ORDER BY seq DESC, idx DESC LIMIT 1
            """), arguments: [asset]).flatMap(DecimalText.init) ?? .zero
        let change = into ? moved : -moved
        try exec("INSERT INTO insurance_fund (asset, seq, idx, ts, change, balance, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 [asset, seq, idx, ts, change.description, (previous + change).description, reason])
    }

    /// The identity of an alert condition (`RiskAlertKey`).
    static func alertKey(kind: String, symbol: String?, account: String?, scenario: String?) -> String {
        RiskAlertKey.make(kind: kind, symbol: symbol, account: account, scenario: scenario)
    }
}
