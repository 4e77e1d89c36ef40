/// The margin-financing book over a window (REG-3, FIN-3..6): loans, margin notices, forced
/// sales, control breaches and utilisation, and the loan-book stress test, from the `financing_events`,
/// `loan_postings` and `loan_book_stress_tests` tables (`FinancingRow`).
extension ReadModelStorage {
    /// One row per loan known before the window's end (`MarginFinancingLoan.columns`): what
    /// it owed at the start and the end, the collateral pledged at the end, drawn, repaid
    /// (repayments and forced-sale proceeds), capitalised and accrued interest in the window,
    /// the latest margin notice (margin value after haircuts, margin ratio = margin value ÷
    /// what was owed then, rounded down; blank before a loan's first notice), the window's notices
    /// by kind and its forced sales; the summary totals them, lists each control breach of
    /// the window with its figures, the last result of each stress scenario run in it and the
    /// controls section (`financingControlFigures`).
    func marginFinancingReport(_ day: BusinessDay) async throws -> ReportTable {
        let window = ReportMath.window(day)
        // What stands at `ts` on each loan book: the last posting before it (one grouped pass, then the rows by key).
        func standing(before ts: Int64) -> ReportQuery {
            ReportQuery("""
                SELECT p.loan, p.book, p.seq, p.idx, p.balance_after, p.asset FROM loan_postings p
                JOIN (SELECT loan, book, asset, MAX(seq) AS seq FROM loan_postings WHERE ts < ? GROUP BY loan, book, asset) m
                  ON p.loan = m.loan AND p.book = m.book AND p.asset = m.asset AND p.seq = m.seq
                ORDER BY p.seq, p.idx
                """, [.int(ts)])
        }
        let result = try await reportRows([
            ReportQuery("""
                SELECT loan, MAX(account) FROM financing_events WHERE ts < ? AND loan IS NOT NULL GROUP BY loan ORDER BY loan
                """, [.int(day.toTs)]),
            standing(before: day.fromTs), standing(before: day.toTs),
            ReportQuery("SELECT loan, book, reason, change FROM loan_postings WHERE ts >= ? AND ts < ? ORDER BY seq, idx", window),
            ReportQuery("""
                SELECT n.loan, n.kind, n.margin_value, n.owed FROM financing_events n
                JOIN (SELECT loan, MAX(seq) AS seq FROM financing_events WHERE type = 'marginNotice' AND ts < ? GROUP BY loan) m
                  ON n.loan = m.loan AND n.seq = m.seq
                WHERE n.type = 'marginNotice' ORDER BY n.seq, n.idx
                """, [.int(day.toTs)]),
            ReportQuery("""
                SELECT ts, type, loan, kind, asset, filled, proceeds, code, subject, state, message FROM financing_events
                WHERE ts >= ? AND ts < ? AND type IN ('marginNotice', 'forcedSaleOrder', 'controlBreach') ORDER BY seq, idx
                """, window),
            ReportQuery("""
                SELECT scenario, clients, loans_under_water, margin_shortfall, uncovered_loss, capital, capital_at_risk_share,
                       shortfall_share_of_capital FROM loan_book_stress_tests WHERE ts >= ? AND ts < ? ORDER BY seq, idx
                """, window),
            ReportQuery("SELECT code, subject, state FROM financing_events WHERE type = 'controlBreach' AND ts < ? ORDER BY seq, idx",
                        [.int(day.toTs)]),
            Self.financingControlQuery(window),
        ])
        let loans = Self.marginFinancingLoans(result)
        let events = result[5]
        var summary = Self.marginFinancingTotals(loans, events: events)
        summary += Self.controlBreachFigures(events: events, history: result[7])
        let scenarios = Self.loanBookStressFigures(result[6])
        summary += scenarios
        summary += Self.financingControlFigures(result[8])
        let notes = ["principal = openingPrincipal + drawn − repaid + capitalisedInterest; repaid includes forced-sale proceeds "
                     + "applied to principal; owed = principal + accruedInterest; marginValue (after haircuts) and "
                     + "marginRatioPercent are the latest notice's, blank before a loan's first notice.",
                     "control.<control>.<subject>: the FIN-3 utilisation of the engine's daily control report (at the first "
                     + "command after each UTC midnight; the book's lending capacity and the five most used subjects per limit), "
                     + "the window's last figure and its peak; the utilisation of every client as it stands now is "
                     + "`harbour report loan-book`."] + (scenarios.isEmpty ? ["No loan-book stress test ran in the window."] : [])
        return ReportTable(name: "margin-financing", title: "Margin-financing book", day: day, columns: MarginFinancingLoan.columns,
                           rows: loans.map(\.row), summary: summary, charts: [Self.marginNoticeChart(events, day: day)], notes: notes)
    }

    /// The loans with their opening and closing balances, the window's postings and events applied.
    private static func marginFinancingLoans(_ result: [[[String]]]) -> [MarginFinancingLoan] {
        var loans: [Int64: MarginFinancingLoan] = [:]
        for r in result[0] { if let id = Int64(r[0]) { loans[id] = MarginFinancingLoan(loan: id, account: r[1]) } }
        func change(_ id: String, _ body: (inout MarginFinancingLoan) -> Void) {
            guard let loan = Int64(id) else { return }
            var l = loans[loan] ?? MarginFinancingLoan(loan: loan, account: "")
            body(&l)
            loans[loan] = l
        }
        // Rows come in (seq, idx) order: the last of a book is what stands.
        for r in result[1] where r[1] == "principal" { change(r[0]) { $0.openingPrincipal = ReportMath.decimal(r[4]) } }
        for r in result[2] {
            change(r[0]) { l in
                switch r[1] {
                case "principal": l.principal = ReportMath.decimal(r[4])
                case "interest": l.accruedInterest = ReportMath.decimal(r[4])
                default: l.collateral[r[5]] = ReportMath.decimal(r[4])
                }
            }
        }
        for r in result[3] { change(r[0]) { $0.add(book: r[1], reason: r[2], change: ReportMath.decimal(r[3])) } }
        for r in result[4] { change(r[0]) { $0.lastNotice = r[1]; $0.marginValue = r[2]; $0.owedAtNotice = r[3] } }
        for e in result[5] where !e[2].isEmpty {
            change(e[2]) { l in
                if e[1] == "marginNotice" { l.notices[e[3], default: 0] += 1 }
                if e[1] == "forcedSaleOrder" {
                    l.forcedSaleOrders += 1
                    if !ReportMath.decimal(e[5]).isZero { l.forcedSaleQty[e[4], default: .zero] += ReportMath.decimal(e[5]) }
                    l.forcedSaleProceeds += ReportMath.decimal(e[6])
                }
            }
        }
        return loans.keys.sorted().map { loans[$0]! }
    }

    /// The book's totals over the loans and the window's events.
    private static func marginFinancingTotals(_ loans: [MarginFinancingLoan], events: [[String]]) -> [ReportTable.Figure] {
        func total(_ figure: (MarginFinancingLoan) -> DecimalText) -> String { loans.reduce(DecimalText.zero) { $0 + figure($1) }.description }
        func notices(_ kind: String) -> String { String(events.filter { $0[1] == "marginNotice" && $0[3] == kind }.count) }
        let orders = events.filter { $0[1] == "forcedSaleOrder" }
        return [.init("loans", String(loans.count)), .init("loansOutstanding", String(loans.filter { $0.principal > .zero }.count)),
                .init("principal", total(\.principal)), .init("accruedInterest", total(\.accruedInterest)),
                .init("drawn", total(\.drawn)), .init("repaid", total(\.repaid)), .init("capitalisedInterest", total(\.capitalised)),
                .init("interestAccrued", total(\.interestAccrued)),
                .init("unexplainedLoans", String(loans.filter { $0.explainedPrincipal != $0.principal }.count)),
                .init("earlyWarnings", notices("EARLY_WARNING")), .init("marginCalls", notices("MARGIN_CALL")),
                .init("callsMet", notices("CALL_MET")), .init("forcedSales", notices("FORCED_SALE")),
                .init("forcedSaleOrders", String(orders.count)), .init("forcedSaleProceeds", ReportMath.sum(orders.map { $0[6] }).description),
                .init("forcedSaleFills", notices("FORCED_SALE_FILLED")), .init("unsecuredShortfalls", notices("UNSECURED_SHORTFALL"))]
    }

    /// Each control breach of the window ("breach.<n>": code, subject, raised or cleared, the
    /// engine's message with the figures), counts, and the breaches still raised at the end
    /// ("openBreach.<n>": code and subject).
    private static func controlBreachFigures(events: [[String]], history: [[String]]) -> [ReportTable.Figure] {
        let breaches = events.filter { $0[1] == "controlBreach" }
        var open: [String: Bool] = [:]
        for h in history { open["\(h[0]) \(h[1])"] = h[2] == "raised" }
        let stillOpen = open.filter(\.value).keys.sorted()
        var figures: [ReportTable.Figure] = [
            .init("controlBreachesRaised", String(breaches.filter { $0[9] == "raised" }.count)),
            .init("controlBreachesCleared", String(breaches.filter { $0[9] == "cleared" }.count)),
            .init("controlBreachesOpen", String(stillOpen.count)),
        ]
        for (n, b) in breaches.enumerated() { figures.append(.init("breach.\(n + 1)", "\(b[7]) \(b[8]) \(b[9]): \(b[10])")) }
        for (n, key) in stillOpen.enumerated() { figures.append(.init("openBreach.\(n + 1)", key)) }
        return figures
    }

    /// The last result of each loan-book stress scenario run in the window (FIN-6).
    private static func loanBookStressFigures(_ rows: [[String]]) -> [ReportTable.Figure] {
        var last: [String: [String]] = [:], order: [String] = []
        for s in rows {
            if last[s[0]] == nil { order.append(s[0]) }
            last[s[0]] = s
        }
        return order.flatMap { scenario -> [ReportTable.Figure] in
            let s = last[scenario]!
            return [.init("stress.\(scenario).clients", s[1]), .init("stress.\(scenario).loansUnderWater", s[2]),
                    .init("stress.\(scenario).marginShortfall", s[3]), .init("stress.\(scenario).uncoveredLoss", s[4]),
                    .init("stress.\(scenario).capital", s[5]), .init("stress.\(scenario).capitalAtRiskShare", s[6]),
                    .init("stress.\(scenario).shortfallShareOfCapital", s[7])]
        }
    }

    /// Margin notices and margin calls per hour of the window (REG-3: margin-call counts over the day).
    static func marginNoticeChart(_ events: [[String]], day: BusinessDay) -> ReportChart {
        let hour: Int64 = 3_600_000
        let hours = Int((day.toTs - day.fromTs + hour - 1) / hour)
        var notices = Array(repeating: 0, count: hours), calls = Array(repeating: 0, count: hours)
        for e in events where e[1] == "marginNotice" {
            guard let ts = Int64(e[0]) else { continue }
            let h = min(hours - 1, max(0, Int((ts - day.fromTs) / hour)))
            notices[h] += 1
            if e[3] == "MARGIN_CALL" { calls[h] += 1 }
        }
        func series(_ name: String, _ counts: [Int]) -> ReportChart.Series {
            .init(name, counts.enumerated().map { .init(day.fromTs + Int64($0.offset) * hour, String($0.element)) })
        }
        return ReportChart(title: "Margin notices and margin calls per hour", series: [series("notices", notices), series("margin calls", calls)],
                           fromTs: day.fromTs, toTs: day.toTs)
    }
}
