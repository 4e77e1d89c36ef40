/// One account's fees over a window.
struct FeeTotals { var trades = 0; var maker = DecimalText.zero; var taker = DecimalText.zero }
/// One account's funding over a window.
struct FundingTotals { var paid = DecimalText.zero; var received = DecimalText.zero; var payments = 0 }

/// Fees and funding over a window (REG-3, RISK-5), per client and in total.
extension ReadModelStorage {
    /// Trading fees per account over the window: trades taken part in, maker fees (negative: a
    /// rebate), taker fees, and their total — what the house earned from each client.
    func feesReport(_ day: BusinessDay) async throws -> ReportTable {
        var by: [String: FeeTotals] = [:]
        let trades = try await reportRows(ReportQuery("""
            SELECT maker_account, taker_account, maker_fee, taker_fee FROM trades WHERE ts >= ? AND ts < ? ORDER BY seq, idx
            """, ReportMath.window(day)))
        for r in trades {
            let maker = r[0], taker = r[1]
            by[maker, default: FeeTotals()].trades += 1
            by[maker, default: FeeTotals()].maker += ReportMath.decimal(r[2])
            if taker != maker { by[taker, default: FeeTotals()].trades += 1 }
            by[taker, default: FeeTotals()].taker += ReportMath.decimal(r[3])
        }
        var maker = DecimalText.zero, taker = DecimalText.zero
        let rows = by.keys.sorted().map { account -> [String] in
            let v = by[account]!
            maker += v.maker; taker += v.taker
            return [account, String(v.trades), v.maker.description, v.taker.description, (v.maker + v.taker).description]
        }
        return ReportTable(name: "fees", title: "Trading fees per client", day: day,
                           columns: ["account", "trades", "makerFees", "takerFees", "totalFees"], rows: rows,
                           summary: [.init("accounts", String(rows.count)), .init("trades", String(trades.count)),
                                     .init("makerFees", maker.description), .init("takerFees", taker.description),
                                     .init("totalFees", (maker + taker).description)])
    }

    /// Funding paid and received per client over the window (PRICE-3, RISK-5): the `funding`
    /// postings between a client's cash and the funding clearing book, and the settlements
    /// (rate and mark per contract) that made them. The house keeps only the rounding residue,
    /// so `totalPaid − totalReceived` is what the rounding book took.
    func fundingReport(_ day: BusinessDay) async throws -> ReportTable {
        let result = try await reportRows([
            ReportQuery("""
                SELECT from_account, to_account, amount, from_book, to_book FROM postings
                WHERE reason = 'funding' AND ts >= ? AND ts < ? ORDER BY seq, idx
                """, ReportMath.window(day)),
            ReportQuery("SELECT symbol, funding_time, rate, mark FROM funding WHERE ts >= ? AND ts < ? ORDER BY seq, funding_time",
                        ReportMath.window(day)),
        ])
        var by: [String: FundingTotals] = [:]
        for r in result[0] {
            let amount = ReportMath.decimal(r[2])
            if !r[0].isEmpty, r[3].hasPrefix("client:") { by[r[0], default: FundingTotals()].paid += amount; by[r[0], default: FundingTotals()].payments += 1 }
            if !r[1].isEmpty, r[4].hasPrefix("client:") { by[r[1], default: FundingTotals()].received += amount; by[r[1], default: FundingTotals()].payments += 1 }
        }
        var paid = DecimalText.zero, received = DecimalText.zero
        let rows = by.keys.sorted().map { account -> [String] in
            let f = by[account]!
            paid += f.paid; received += f.received
            return [account, String(f.payments), f.paid.description, f.received.description, (f.received - f.paid).description]
        }
        let settlements = result[1]
        var rates: [String: [ReportChart.Point]] = [:]
        for s in settlements { rates[s[0], default: []].append(.init(Int64(s[1]) ?? day.fromTs, s[2])) }
        var summary: [ReportTable.Figure] = [.init("accounts", String(rows.count)), .init("settlements", String(settlements.count)),
                                             .init("totalPaid", paid.description), .init("totalReceived", received.description),
                                             .init("houseResidue", (paid - received).description)]
        for s in settlements { summary.append(.init("rate.\(s[0]).\(s[1])", s[2])) }
        let chart = ReportChart(title: "Funding rate per settlement", series: rates.keys.sorted().map { .init($0, rates[$0]!) },
                                fromTs: day.fromTs, toTs: day.toTs, step: false)
        return ReportTable(name: "funding", title: "Funding paid and received per client", day: day,
                           columns: ["account", "payments", "paid", "received", "net"], rows: rows, summary: summary,
                           charts: settlements.isEmpty ? [] : [chart])
    }
}
