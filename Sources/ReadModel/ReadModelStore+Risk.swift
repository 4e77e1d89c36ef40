import GRDB

/// Queries of the liquidation (RISK-4) and platform-risk (RISK-6) read models. Lists are
/// newest first; every money, price, size and fraction is a decimal string.
extension ReadModelStore {
    /// Liquidation steps, insurance payouts and ADL fills involving `account` (as the
    /// liquidated account or as the ADL counterparty), newest first, optionally of one
    /// `symbol` (payouts carry no symbol and are then left out) and within [`fromTs`,
    /// `toTs`] (inclusive).
    public func liquidationActivity(account: String, symbol: String? = nil, fromTs: Int64? = nil, toTs: Int64? = nil,
                                    limit: Int = 100) throws -> [LiquidationActivity] {
        var window = ""
        var windowArgs: StatementArguments = []
        if let fromTs { window += " AND ts >= ?"; windowArgs += [fromTs] }
        if let toTs { window += " AND ts <= ?"; windowArgs += [toTs] }
        let bySymbol = symbol == nil ? "" : " AND symbol = ?"
        let symbolArgs: StatementArguments = symbol.map { StatementArguments([$0]) } ?? []
        let tail = " ORDER BY seq DESC, idx DESC LIMIT ?"
        func args(_ parts: StatementArguments...) -> StatementArguments {
            var a: StatementArguments = []
            for p in parts { a += p }
            return a
        }
        let who: StatementArguments = [account], n: StatementArguments = [limit]
        return try writer.read { db in
            var out: [LiquidationActivity] = []
            out += try LiquidationRecord.fetchAll(db, sql: "SELECT * FROM liquidations WHERE account = ?" + bySymbol + window + tail,
                                                  arguments: args(who, symbolArgs, windowArgs, n)).map { .liquidation($0) }
            if symbol == nil {
                out += try InsurancePayoutRecord.fetchAll(db, sql: "SELECT * FROM insurance_payouts WHERE account = ?" + window + tail,
                                                          arguments: args(who, windowArgs, n)).map { .insurancePayout($0) }
            }
            // Two indexed halves: as the bankrupt account and as the counterparty.
            out += try AdlFillRecord.fetchAll(db, sql: """
                SELECT * FROM adl_fills WHERE account = ?\(bySymbol)\(window)
                UNION SELECT * FROM adl_fills WHERE counterparty = ?\(bySymbol)\(window)
                """ + tail, arguments: args(who, symbolArgs, windowArgs, who, symbolArgs, windowArgs, n)).map { .adl($0) }
            out.sort { ($0.seq, $0.idx) > ($1.seq, $1.idx) }
            return Array(out.prefix(limit))
        }
    }

    /// The last published ADL quintile of each of `account`'s instruments, by symbol.
    public func adlRanks(account: String) throws -> [AdlRankRecord] {
        try writer.read {
            try AdlRankRecord.fetchAll($0, sql: "SELECT * FROM adl_ranks WHERE account = ? ORDER BY symbol", arguments: [account])
        }
    }

    /// Risk alert events (every raise and clear), or with `activeOnly` the raise of each
    /// alert that has not been cleared since; newest first.
    public func riskAlerts(_ filter: RiskAlertFilter = RiskAlertFilter()) throws -> [RiskAlertRecord] {
        var sql: String
        if filter.activeOnly {
            sql = """
                SELECT r.* FROM risk_alert_latest l JOIN risk_alerts r ON r.seq = l.seq AND r.idx = l.idx
                WHERE l.state = 'raised'
                """
        } else {
            sql = "SELECT r.* FROM risk_alerts r WHERE 1"
        }
        var args: StatementArguments = []
        if let kind = filter.kind { sql += " AND r.kind = ?"; args += [kind] }
        if let symbol = filter.symbol { sql += " AND r.symbol = ?"; args += [symbol] }
        sql += " ORDER BY r.seq DESC, r.idx DESC LIMIT ?"
        args += [filter.limit]
        return try writer.read { try RiskAlertRecord.fetchAll($0, sql: sql, arguments: args) }
    }

    /// The latest result of each stress scenario, in the order the last sweep ran them.
    public func latestStressTests() throws -> [StressTestRecord] {
        try writer.read {
            try StressTestRecord.fetchAll($0, sql: """
                SELECT s.* FROM stress_test_latest l JOIN stress_tests s ON s.seq = l.seq AND s.idx = l.idx
                ORDER BY s.seq, s.idx
                """)
        }
    }

    /// Every stress result, optionally of one `scenario`, newest first.
    public func stressTestHistory(scenario: String? = nil, limit: Int = 100) throws -> [StressTestRecord] {
        var sql = "SELECT * FROM stress_tests"
        var args: StatementArguments = []
        if let scenario { sql += " WHERE scenario = ?"; args += [scenario] }
        sql += " ORDER BY seq DESC, idx DESC LIMIT ?"
        args += [limit]
        return try writer.read { try StressTestRecord.fetchAll($0, sql: sql, arguments: args) }
    }

    /// The latest risk metrics of each instrument, by symbol.
    public func latestRiskMetrics() throws -> [RiskMetricsRecord] {
        try writer.read {
            try RiskMetricsRecord.fetchAll($0, sql: """
                SELECT m.* FROM risk_metrics_latest l JOIN risk_metrics m ON m.seq = l.seq AND m.idx = l.idx
                ORDER BY m.symbol
                """)
        }
    }

    /// Risk metrics of one instrument over time, newest first.
    public func riskMetricsHistory(symbol: String, limit: Int = 100) throws -> [RiskMetricsRecord] {
        try writer.read {
            try RiskMetricsRecord.fetchAll($0, sql: "SELECT * FROM risk_metrics WHERE symbol = ? ORDER BY seq DESC, idx DESC LIMIT ?",
                                           arguments: [symbol, limit])
        }
    }

    /// The insurance fund's balance in `asset` after the last movement ("0" before any).
    public func insuranceFundBalance(asset: String = "USD") throws -> String {
        try writer.read {
            try String.fetchOne($0, sql: "SELECT balance FROM insurance_fund WHERE asset = ? ORDER BY seq DESC, idx DESC LIMIT 1",
                                arguments: [asset]) ?? "0"
        }
    }

    /// Movements of the insurance fund in `asset`, newest first.
    public func insuranceFundHistory(asset: String = "USD", limit: Int = 100) throws -> [InsuranceFundRecord] {
        try writer.read {
            try InsuranceFundRecord.fetchAll($0, sql: """
                SELECT * FROM insurance_fund WHERE asset = ? ORDER BY seq DESC, idx DESC LIMIT ?
                """, arguments: [asset, limit])
        }
    }
}
