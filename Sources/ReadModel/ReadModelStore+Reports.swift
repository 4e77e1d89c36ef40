import GRDB

/// The regulatory reports (REG-3) built from the read models for one business day. Each sums
/// exact decimal strings with `DecimalText`; rows are in ledger order (sequence, index) or by
/// account. Names: `ReadModelStore.reportNames`.
extension ReadModelStore {
    /// The reports this store produces, by stable name.
    public static let reportNames = ["fees", "insurance-fund", "liquidations"]

    /// The report `name` for `day`; nil for a name not in `reportNames`.
    public func report(_ name: String, day: BusinessDay, asset: String = "USD") throws -> ReportTable? {
        switch name {
        case "fees": return try feesReport(day)
        case "insurance-fund": return try insuranceFundReport(day, asset: asset)
        case "liquidations": return try liquidationsReport(day)
        default: return nil
        }
    }

    private static func sum(_ values: [String]) -> DecimalText { values.reduce(.zero) { $0 + (DecimalText($1) ?? .zero) } }

    /// Trading fees per account over the day: trades taken part in, maker fees (negative: a
    /// rebate), taker fees, and their total — what the house earned from each client.
    func feesReport(_ day: BusinessDay) throws -> ReportTable {
        struct Acc { var trades = 0; var maker = DecimalText.zero; var taker = DecimalText.zero }
        var by: [String: Acc] = [:]
        try writer.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT maker_account, taker_account, maker_fee, taker_fee FROM trades WHERE ts >= ? AND ts < ? ORDER BY seq, idx
                """, arguments: [day.fromTs, day.toTs])
            while let r = try rows.next() {
                let m: String = r["maker_account"], t: String = r["taker_account"]
                by[m, default: Acc()].trades += 1
                by[m, default: Acc()].maker += DecimalText(r["maker_fee"] as String) ?? .zero
                if t != m { by[t, default: Acc()].trades += 1 }
                by[t, default: Acc()].taker += DecimalText(r["taker_fee"] as String) ?? .zero
            }
        }
        var maker = DecimalText.zero, taker = DecimalText.zero
        let rows = by.keys.sorted().map { a -> [String] in
            let v = by[a]!
            maker += v.maker; taker += v.taker
            return [a, String(v.trades), v.maker.description, v.taker.description, (v.maker + v.taker).description]
        }
        return ReportTable(name: "fees", title: "Trading fees per client", day: day,
                           columns: ["account", "trades", "makerFees", "takerFees", "totalFees"], rows: rows,
                           summary: [.init("accounts", String(rows.count)), .init("makerFees", maker.description),
                                     .init("takerFees", taker.description), .init("totalFees", (maker + taker).description)])
    }

    /// Every movement of the insurance fund in `asset` over the day, with the opening balance
    /// (after the last movement before the day), the net change and the closing balance.
    func insuranceFundReport(_ day: BusinessDay, asset: String) throws -> ReportTable {
        let (opening, rows) = try writer.read { db -> (String, [[String]]) in
            let opening = try String.fetchOne(db, sql: """
                SELECT balance FROM insurance_fund WHERE asset = ? AND ts < ? ORDER BY seq DESC, idx DESC LIMIT 1
                """, arguments: [asset, day.fromTs]) ?? "0"
            let rows = try Row.fetchAll(db, sql: """
                SELECT seq, ts, reason, change, balance FROM insurance_fund WHERE asset = ? AND ts >= ? AND ts < ? ORDER BY seq, idx
                """, arguments: [asset, day.fromTs, day.toTs]).map { r -> [String] in
                [String(r["seq"] as Int64), String(r["ts"] as Int64), r["reason"], r["change"], r["balance"]]
            }
            return (opening, rows)
        }
        let net = Self.sum(rows.map { $0[3] })
        let closing = (DecimalText(opening) ?? .zero) + net
        func total(_ reason: String) -> String { Self.sum(rows.filter { $0[2] == reason }.map { $0[3] }).description }
        return ReportTable(name: "insurance-fund", title: "Insurance fund movements (\(asset))", day: day,
                           columns: ["seq", "ts", "reason", "change", "balance"], rows: rows,
                           summary: [.init("asset", asset), .init("opening", opening), .init("movements", String(rows.count)),
                                     .init("topUps", total("insuranceTopUp")), .init("liquidationFees", total("liquidationFee")),
                                     .init("payouts", total("insurancePayout")), .init("netChange", net.description),
                                     .init("closing", closing.description)])
    }

    /// Liquidation steps, insurance payouts and auto-deleveraging fills over the day, in
    /// ledger order: kind, account, symbol, size or quantity, price (the mark of a step, the
    /// bankruptcy price of an ADL fill), stage, amount (a payout), counterparty (ADL).
    func liquidationsReport(_ day: BusinessDay) throws -> ReportTable {
        let rows = try writer.read { db -> [[String]] in
            let args: StatementArguments = [day.fromTs, day.toTs, day.fromTs, day.toTs, day.fromTs, day.toTs]
            return try Row.fetchAll(db, sql: """
                SELECT seq, idx, ts, 'liquidation' AS kind, account, symbol, size AS qty, mark_price AS price, stage, '' AS amount, '' AS counterparty
                  FROM liquidations WHERE ts >= ? AND ts < ?
                UNION ALL SELECT seq, idx, ts, 'insurancePayout', account, '', '', '', '', amount, '' FROM insurance_payouts WHERE ts >= ? AND ts < ?
                UNION ALL SELECT seq, idx, ts, 'adl', account, symbol, qty, price, '', '', counterparty FROM adl_fills WHERE ts >= ? AND ts < ?
                ORDER BY seq, idx
                """, arguments: args).map { r -> [String] in
                [String(r["seq"] as Int64), String(r["ts"] as Int64), r["kind"], r["account"], r["symbol"], r["qty"], r["price"],
                 r["stage"], r["amount"], r["counterparty"]]
            }
        }
        let steps = rows.filter { $0[2] == "liquidation" }
        return ReportTable(name: "liquidations", title: "Liquidations, insurance payouts and ADL", day: day,
                           columns: ["seq", "ts", "kind", "account", "symbol", "qty", "price", "stage", "amount", "counterparty"], rows: rows,
                           summary: [.init("liquidationSteps", String(steps.count)),
                                     .init("fullLiquidations", String(steps.filter { $0[7] == "full" }.count)),
                                     .init("accountsLiquidated", String(Set(steps.map { $0[3] }).count)),
                                     .init("liquidatedQty", Self.sum(steps.map { $0[5] }).description),
                                     .init("insurancePayouts", Self.sum(rows.filter { $0[2] == "insurancePayout" }.map { $0[8] }).description),
                                     .init("adlFills", String(rows.filter { $0[2] == "adl" }.count)),
                                     .init("adlQty", Self.sum(rows.filter { $0[2] == "adl" }.map { $0[5] }).description)])
    }
}
