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
            try add("""
                INSERT INTO liquidations (seq, idx, ts, account, symbol, size, mark_price, equity, maintenance_margin, stage)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [s, i, t, .text(try need(e.account, "account")), .text(try need(e.symbol, "symbol")), .text(try need(e.size, "size")),
                 .text(try need(e.markPrice, "markPrice")), .text(try need(e.equity, "equity")),
                 .text(try need(e.maintenanceMargin, "maintenanceMargin")), .text(try need(e.stage, "stage"))])
        case "insurancePayout":
            try add("INSERT INTO insurance_payouts (seq, idx, ts, account, amount) VALUES (?, ?, ?, ?, ?)",
                    [s, i, t, .text(try need(e.account, "account")), .text(try need(e.amount, "amount"))])
        case "adl":
            try add("INSERT INTO adl_fills (seq, idx, ts, account, counterparty, symbol, qty, price) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [s, i, t, .text(try need(e.account, "account")), .text(try need(e.counterparty, "counterparty")),
                     .text(try need(e.symbol, "symbol")), .text(try need(e.qty, "qty")), .text(try need(e.price, "price"))])
        case "adlRank":
            try add("""
                INSERT INTO adl_ranks (account, symbol, rank, updated_seq, updated_ts) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (account, symbol) DO UPDATE SET rank = excluded.rank, updated_seq = excluded.updated_seq,
                    updated_ts = excluded.updated_ts
                """, [.text(try need(e.account, "account")), .text(try need(e.symbol, "symbol")), .int(try need(e.rank, "rank")), s, t])
        case "riskAlert":
            let kind = try need(e.kind, "kind"), state = try need(e.state, "state")
            let key = RiskAlertKey.make(kind: kind, symbol: e.symbol, account: e.account, scenario: e.scenario)
            try add("""
                INSERT INTO risk_alerts (seq, idx, ts, alert_key, kind, state, symbol, account, threshold, value,
                    volatility, margin_add_on, samples, position, open_interest, cap, scenario, shortfall, insurance_fund,
                    accounts_in_shortfall)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [s, i, t, .text(key), .text(kind), .text(state), .t(e.symbol), .t(e.account), .text(try need(e.threshold, "threshold")),
                 .text(try need(e.value, "value")), .t(e.volatility), .t(e.marginAddOn), .i(e.samples), .t(e.position),
                 .t(e.openInterest), .t(e.cap), .t(e.scenario), .t(e.shortfall), .t(e.insuranceFund), .i(e.accountsInShortfall)])
            try add("""
                INSERT INTO risk_alert_latest (alert_key, seq, idx, state) VALUES (?, ?, ?, ?)
                ON CONFLICT (alert_key) DO UPDATE SET seq = excluded.seq, idx = excluded.idx, state = excluded.state
                """, [.text(key), s, i, .text(state)])
        case "stressTest":
            let scenario = try need(e.scenario, "scenario")
            try add("""
                INSERT INTO stress_tests (seq, idx, ts, scenario, shortfall, insurance_fund, uncovered, accounts_in_shortfall)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [s, i, t, .text(scenario), .text(try need(e.shortfall, "shortfall")), .text(try need(e.insuranceFund, "insuranceFund")),
                 .text(try need(e.uncovered, "uncovered")), .int(try need(e.accountsInShortfall, "accountsInShortfall"))])
            try add("""
                INSERT INTO stress_test_latest (scenario, seq, idx) VALUES (?, ?, ?)
                ON CONFLICT (scenario) DO UPDATE SET seq = excluded.seq, idx = excluded.idx
                """, [.text(scenario), s, i])
        case "riskMetrics":
            let symbol = try need(e.symbol, "symbol")
            try add("""
                INSERT INTO risk_metrics (seq, idx, ts, symbol, volatility, margin_add_on, open_interest, samples)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [s, i, t, .text(symbol), .text(try need(e.volatility, "volatility")), .text(try need(e.marginAddOn, "marginAddOn")),
                 .text(try need(e.openInterest, "openInterest")), .int(try need(e.samples, "samples"))])
            try add("""
                INSERT INTO risk_metrics_latest (symbol, seq, idx) VALUES (?, ?, ?)
                ON CONFLICT (symbol) DO UPDATE SET seq = excluded.seq, idx = excluded.idx
                """, [.text(symbol), s, i])
        default:
            break
        }
    }
}
