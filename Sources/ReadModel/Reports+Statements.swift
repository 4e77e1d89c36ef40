/// Daily client statements (RISK-5, REG-3): per account over the window, the cash in the
/// settlement asset — opening, deposits, withdrawals, realised PnL, fees, funding, interest,
/// other movements, closing — with the trades counted and the positions held at the end.
extension ReadModelStorage {
    /// One row per account opened before the window's end or named by its rows (or only `account`). The flows are
    /// `StatementFlows` over the postings on the account's cash book (as `GET /v1/statement`);
    /// interest is the margin-financing interest (`interest…` postings) taken out of "other";
    /// `unexplained` is closing − (opening + the flows), zero when the ledger accounts for
    /// every change of the balance.
    func clientStatementReport(_ day: BusinessDay, asset: String, account: String?) async throws -> ReportTable {
        let window = ReportMath.window(day)
        func balances(before ts: Int64) -> ReportQuery {
            ReportQuery("""
                SELECT b.account, b.amount FROM balance_history b WHERE b.asset = ? AND b.ts < ?
                  AND b.seq = (SELECT MAX(x.seq) FROM balance_history x WHERE x.account = b.account AND x.asset = b.asset AND x.ts < ?)
                """, [.text(asset), .int(ts), .int(ts)])
        }
        let accountFilter = account.map { _ in " AND account = ?" } ?? ""
        let accountArgument: [ReportQuery.Argument] = account.map { [.text($0)] } ?? []
        let result = try await reportRows([
            ReportQuery("SELECT account FROM accounts WHERE opened_ts < ?" + accountFilter, [.int(day.toTs)] + accountArgument),
            balances(before: day.fromTs), balances(before: day.toTs),
            ReportQuery("""
                SELECT from_book, to_book, from_account, to_account, amount, reason FROM postings
                WHERE ts >= ? AND ts < ? AND (from_account IS NOT NULL OR to_account IS NOT NULL) ORDER BY seq, idx
                """, window),
            ReportQuery("SELECT maker_account, taker_account FROM trades WHERE ts >= ? AND ts < ?", window),
        ] + EndOfDay.queries(before: day.toTs))
        // Accounts opened before the end, and any other the window's rows name (a store whose history
        // starts after an account was opened still states it).
        var named = Set(result[0].map { $0[0] })
        named.formUnion(result[2].map { $0[0] })
        named.formUnion(result[3].flatMap { [$0[2], $0[3]] }.filter { !$0.isEmpty })
        named.formUnion(result[4].flatMap { [$0[0], $0[1]] })
        let wanted = account.map { named.contains($0) ? [$0] : [] } ?? named
        let accounts = wanted.sorted()
        var opening: [String: String] = [:], closing: [String: String] = [:]
        for b in result[1] { opening[b[0]] = b[1] }
        for b in result[2] { closing[b[0]] = b[1] }
        var flows: [String: StatementFlows] = [:], interest: [String: DecimalText] = [:]
        for p in result[3] {
            for holder in Set([p[2], p[3]]) where wanted.contains(holder) {
                flows[holder, default: StatementFlows(account: holder, asset: asset)].add(fromBook: p[0], toBook: p[1], amount: p[4], reason: p[5])
                let cash = BookName.cash(account: holder, asset: asset)
                if p[5].hasPrefix("interest"), (p[0] == cash) != (p[1] == cash) {
                    interest[holder, default: .zero] += p[1] == cash ? ReportMath.decimal(p[4]) : -ReportMath.decimal(p[4])
                }
            }
        }
        var trades: [String: Int] = [:]
        for t in result[4] {
            trades[t[0], default: 0] += 1
            if t[1] != t[0] { trades[t[1], default: 0] += 1 }
        }
        var held: [String: [String]] = [:]
        for p in EndOfDay.positions(result[5], marks: result[6]) { held[p.account, default: []].append("\(p.symbol) \(p.size.description) @ \(p.entry.description)") }
        var unexplainedAccounts = 0
        let rows = accounts.map { holder -> [String] in
            let f = flows[holder] ?? StatementFlows(account: holder, asset: asset)
            let paidInterest = interest[holder] ?? .zero
            let open = ReportMath.decimal(opening[holder] ?? "0"), close = ReportMath.decimal(closing[holder] ?? "0")
            let unexplained = close - (open + f.deposits - f.withdrawals - f.fees + f.pnl + f.funding + f.other)
            if !unexplained.isZero { unexplainedAccounts += 1 }
            return [holder, asset, open.description, f.deposits.description, f.withdrawals.description, f.pnl.description,
                    f.fees.description, f.funding.description, paidInterest.description, (f.other - paidInterest).description,
                    close.description, String(trades[holder] ?? 0), (held[holder] ?? []).joined(separator: "; "), unexplained.description]
        }
        return ReportTable(name: "client-statement", title: account.map { "Client statement: \($0)" } ?? "Client statements", day: day,
                           columns: ["account", "asset", "opening", "deposits", "withdrawals", "realizedPnl", "fees", "funding",
                                     "interest", "other", "closing", "trades", "positions", "unexplained"],
                           rows: rows, summary: [.init("accounts", String(rows.count)), .init("unexplainedAccounts", String(unexplainedAccounts))],
                           notes: ["closing = opening + deposits − withdrawals − fees + realizedPnl + funding + interest + other; "
                                   + "fees are net of rebates, interest and funding are received when positive."])
    }
}
