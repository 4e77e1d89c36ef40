/// The insurance fund and the liquidation waterfall over a window (REG-3, RISK-4, RISK-6).
extension ReadModelStorage {
    /// Every movement of the insurance fund in `asset` over the window, with the opening
    /// balance (after the last movement before it), the net change, the closing balance, the
    /// fund's balance as a chart, and the stress coverage: the last result of each stress
    /// scenario run in the window (shortfall, the fund then, what it left uncovered).
    func insuranceFundReport(_ day: BusinessDay, asset: String) async throws -> ReportTable {
        let window = ReportMath.window(day)
        let result = try await reportRows([
            ReportQuery("SELECT balance FROM insurance_fund WHERE asset = ? AND ts < ? ORDER BY seq DESC, idx DESC LIMIT 1",
                        [.text(asset), .int(day.fromTs)]),
            ReportQuery("SELECT seq, ts, reason, change, balance FROM insurance_fund WHERE asset = ? AND ts >= ? AND ts < ? ORDER BY seq, idx",
                        [.text(asset)] + window),
            ReportQuery("SELECT scenario, shortfall, insurance_fund, uncovered, accounts_in_shortfall FROM stress_tests WHERE ts >= ? AND ts < ? ORDER BY seq, idx",
                        window),
        ])
        let opening = result[0].first?[0] ?? "0"
        let rows = result[1]
        let net = ReportMath.sum(rows.map { $0[3] })
        let closing = ReportMath.decimal(opening) + net
        func total(_ reason: String) -> String { ReportMath.sum(rows.filter { $0[2] == reason }.map { $0[3] }).description }
        var summary: [ReportTable.Figure] = [
            .init("asset", asset), .init("opening", opening), .init("movements", String(rows.count)),
            .init("topUps", total("insuranceTopUp")), .init("liquidationFees", total("liquidationFee")),
            .init("payouts", total("insurancePayout")), .init("netChange", net.description), .init("closing", closing.description),
        ]
        var lastStress: [String: [String]] = [:], order: [String] = []
        for s in result[2] {
            if lastStress[s[0]] == nil { order.append(s[0]) }
            lastStress[s[0]] = s
        }
        for scenario in order {
            let s = lastStress[scenario]!
            summary += [.init("stress.\(scenario).shortfall", s[1]), .init("stress.\(scenario).insuranceFund", s[2]),
                        .init("stress.\(scenario).uncovered", s[3]), .init("stress.\(scenario).accountsInShortfall", s[4])]
        }
        let points = [ReportChart.Point(day.fromTs, opening)] + rows.map { .init(Int64($0[1]) ?? day.fromTs, $0[4]) }
        let chart = ReportChart(title: "Insurance fund balance (\(asset))", series: [.init("balance", points)],
                                fromTs: day.fromTs, toTs: day.toTs)
        return ReportTable(name: "insurance-fund", title: "Insurance fund movements (\(asset))", day: day,
                           columns: ["seq", "ts", "reason", "change", "balance"], rows: rows, summary: summary, charts: [chart],
                           notes: order.isEmpty ? ["No stress test ran in the window."] : [])
    }

    /// Liquidation steps, insurance payouts and auto-deleveraging fills over the window, in
    /// ledger order: kind, account, symbol, size or quantity, price (the mark of a step, the
    /// bankruptcy price of an ADL fill), stage, amount (a payout), counterparty (ADL).
    func liquidationsReport(_ day: BusinessDay) async throws -> ReportTable {
        let window = ReportMath.window(day)
        let rows = try await reportRows(ReportQuery("""
            SELECT seq, ts, 'liquidation' AS kind, account, symbol, size AS qty, mark_price AS price, stage, '' AS amount, '' AS counterparty, idx
              FROM liquidations WHERE ts >= ? AND ts < ?
            UNION ALL SELECT seq, ts, 'insurancePayout', account, '', '', '', '', amount, '', idx FROM insurance_payouts WHERE ts >= ? AND ts < ?
            UNION ALL SELECT seq, ts, 'adl', account, symbol, qty, price, '', '', counterparty, idx FROM adl_fills WHERE ts >= ? AND ts < ?
            ORDER BY 1, 11
            """, window + window + window)).map { Array($0.prefix(10)) }
        let steps = rows.filter { $0[2] == "liquidation" }
        return ReportTable(name: "liquidations", title: "Liquidations, insurance payouts and ADL", day: day,
                           columns: ["seq", "ts", "kind", "account", "symbol", "qty", "price", "stage", "amount", "counterparty"], rows: rows,
                           summary: [.init("liquidationSteps", String(steps.count)),
                                     .init("fullLiquidations", String(steps.filter { $0[7] == "full" }.count)),
                                     .init("accountsLiquidated", String(Set(steps.map { $0[3] }).count)),
                                     .init("liquidatedQty", ReportMath.sum(steps.map { $0[5] }).description),
                                     .init("insurancePayouts", ReportMath.sum(rows.filter { $0[2] == "insurancePayout" }.map { $0[8] }).description),
                                     .init("adlFills", String(rows.filter { $0[2] == "adl" }.count)),
                                     .init("adlQty", ReportMath.sum(rows.filter { $0[2] == "adl" }.map { $0[5] }).description)])
    }
}
