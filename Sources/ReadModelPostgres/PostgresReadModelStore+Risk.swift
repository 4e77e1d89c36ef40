import ReadModel

/// Queries of the liquidation (RISK-4) and platform-risk (RISK-6) read models on
/// PostgreSQL, answering as the SQLite store's (`ReadModelStore+Risk`).
extension PostgresReadModelStore {
    public func liquidationActivity(account: String, symbol: String?, fromTs: Int64?, toTs: Int64?,
                                    limit: Int) async throws -> [LiquidationActivity] {
        var window = ""
        var windowArgs: [SQLValue] = []
        if let fromTs { window += " AND ts >= ?"; windowArgs.append(.int(fromTs)) }
        if let toTs { window += " AND ts <= ?"; windowArgs.append(.int(toTs)) }
        let bySymbol = symbol == nil ? "" : " AND symbol = ?"
        let symbolArgs: [SQLValue] = symbol.map { [.text($0)] } ?? []
        let tail = " ORDER BY seq DESC, idx DESC LIMIT ?"
        let who: [SQLValue] = [.text(account)], n: [SQLValue] = [.i(limit)]
        var out: [LiquidationActivity] = []
        out += try await records(LiquidationRecord.self, "SELECT * FROM liquidations WHERE account = ?" + bySymbol + window + tail,
                                 who + symbolArgs + windowArgs + n).map { .liquidation($0) }
        if symbol == nil {
            out += try await records(InsurancePayoutRecord.self, "SELECT * FROM insurance_payouts WHERE account = ?" + window + tail,
                                     who + windowArgs + n).map { .insurancePayout($0) }
        }
        out += try await records(AdlFillRecord.self, """
            SELECT * FROM adl_fills WHERE account = ?\(bySymbol)\(window)
            UNION SELECT * FROM adl_fills WHERE counterparty = ?\(bySymbol)\(window)
            """ + tail, who + symbolArgs + windowArgs + who + symbolArgs + windowArgs + n).map { .adl($0) }
        out.sort { ($0.seq, $0.idx) > ($1.seq, $1.idx) }
        return Array(out.prefix(limit))
    }

    public func adlRanks(account: String) async throws -> [AdlRankRecord] {
        try await records(AdlRankRecord.self, "SELECT * FROM adl_ranks WHERE account = ? ORDER BY symbol COLLATE \"C\"", [.text(account)])
    }

    public func riskAlerts(_ filter: RiskAlertFilter) async throws -> [RiskAlertRecord] {
        var sql: String
        if filter.activeOnly {
            sql = """
                SELECT r.* FROM risk_alert_latest l JOIN risk_alerts r ON r.seq = l.seq AND r.idx = l.idx
                WHERE l.state = 'raised'
                """
        } else {
            sql = "SELECT r.* FROM risk_alerts r WHERE TRUE"
        }
        var args: [SQLValue] = []
        if let kind = filter.kind { sql += " AND r.kind = ?"; args.append(.text(kind)) }
        if let symbol = filter.symbol { sql += " AND r.symbol = ?"; args.append(.text(symbol)) }
        sql += " ORDER BY r.seq DESC, r.idx DESC LIMIT ?"
        args.append(.i(filter.limit))
        return try await records(RiskAlertRecord.self, sql, args)
    }

    public func latestStressTests() async throws -> [StressTestRecord] {
        try await records(StressTestRecord.self, """
            SELECT s.* FROM stress_test_latest l JOIN stress_tests s ON s.seq = l.seq AND s.idx = l.idx
            ORDER BY s.seq, s.idx
            """, [])
    }

    public func stressTestHistory(scenario: String?, limit: Int) async throws -> [StressTestRecord] {
        var sql = "SELECT * FROM stress_tests"
        var args: [SQLValue] = []
        if let scenario { sql += " WHERE scenario = ?"; args.append(.text(scenario)) }
        sql += " ORDER BY seq DESC, idx DESC LIMIT ?"
        args.append(.i(limit))
        return try await records(StressTestRecord.self, sql, args)
    }

    public func latestRiskMetrics() async throws -> [RiskMetricsRecord] {
        try await records(RiskMetricsRecord.self, """
            SELECT m.* FROM risk_metrics_latest l JOIN risk_metrics m ON m.seq = l.seq AND m.idx = l.idx
            ORDER BY m.symbol COLLATE "C"
            """, [])
    }

    public func riskMetricsHistory(symbol: String, limit: Int) async throws -> [RiskMetricsRecord] {
        try await records(RiskMetricsRecord.self, "SELECT * FROM risk_metrics WHERE symbol = ? ORDER BY seq DESC, idx DESC LIMIT ?",
                          [.text(symbol), .i(limit)])
    }

    public func insuranceFundBalance(asset: String) async throws -> String {
        try await session.rows("SELECT balance FROM insurance_fund WHERE asset = ? ORDER BY seq DESC, idx DESC LIMIT 1", [.text(asset)])
            .first?.decode(String.self) ?? "0"
    }

    public func insuranceFundHistory(asset: String, limit: Int) async throws -> [InsuranceFundRecord] {
        try await records(InsuranceFundRecord.self, "SELECT * FROM insurance_fund WHERE asset = ? ORDER BY seq DESC, idx DESC LIMIT ?",
                          [.text(asset), .i(limit)])
    }
}
