import HarbourCore

/// Positions at the end of a window, and the large exposures among them (REG-3, RISK-6), from
/// `position_history` (each position as the last command before the window's end left it)
/// valued at the last mark price before the end.
/// One open position at a window's end, valued at the mark.
struct EndPosition {
    let account: String, symbol: String, size: DecimalText, entry: DecimalText, isolatedMargin: String
    let mark: DecimalText?
    var notional: DecimalText? { mark.flatMap { size.magnitude.multiplied(by: $0) } }
    /// size × (mark − entry): what closing at the mark would realise.
    var unrealized: DecimalText? { mark.flatMap { size.multiplied(by: $0 - entry) } }
}

/// Positions as of a time, from the rows of its queries, and open interest.
enum EndOfDay {
    /// The queries of positions as of `ts`: the last history row per account and symbol, and
    /// the last mark per symbol.
    static func queries(before ts: Int64) -> [ReportQuery] {
        [ReportQuery("""
            SELECT h.account, h.symbol, h.size, h.entry_price, h.isolated_margin FROM position_history h
            WHERE h.ts < ? AND h.seq = (SELECT MAX(x.seq) FROM position_history x
                                        WHERE x.account = h.account AND x.symbol = h.symbol AND x.ts < ?)
            """, [.int(ts), .int(ts)]),
         ReportQuery("""
            SELECT m.symbol, m.price FROM marks m
            WHERE m.ts < ? AND m.seq = (SELECT MAX(x.seq) FROM marks x WHERE x.symbol = m.symbol AND x.ts < ?)
            """, [.int(ts), .int(ts)])]
    }

    /// Open positions (size ≠ 0) from the rows of `queries`, by account then symbol.
    static func positions(_ positions: [[String]], marks: [[String]]) -> [EndPosition] {
        var mark: [String: DecimalText] = [:]
        for m in marks { mark[m[0]] = DecimalText(m[1]) }
        return positions.compactMap { r -> EndPosition? in
            let size = ReportMath.decimal(r[2])
            guard !size.isZero else { return nil }
            return EndPosition(account: r[0], symbol: r[1], size: size, entry: ReportMath.decimal(r[3]), isolatedMargin: r[4], mark: mark[r[1]])
        }.sorted { ($0.account, $0.symbol) < ($1.account, $1.symbol) }
    }

    /// Open interest per symbol: the sum of the long sizes.
    static func openInterest(_ positions: [EndPosition]) -> [String: DecimalText] {
        var out: [String: DecimalText] = [:]
        for p in positions where DecimalText.zero < p.size { out[p.symbol, default: .zero] += p.size }
        return out
    }

    /// Open interest (sum of long sizes) per contract over the window: the opening positions,
    /// then every position change in order.
    static func openInterestChart(_ day: BusinessDay, opening: [EndPosition], changes: [[String]]) -> ReportChart {
        var size: [String: DecimalText] = [:]
        var oi: [String: DecimalText] = [:]
        var points: [String: [ReportChart.Point]] = [:]
        for p in opening { size[p.account + "\u{0}" + p.symbol] = p.size }
        for (symbol, value) in openInterest(opening) { oi[symbol] = value; points[symbol] = [.init(day.fromTs, value.description)] }
        for c in changes {
            let key = c[0] + "\u{0}" + c[1], new = ReportMath.decimal(c[2]), old = size[key] ?? .zero
            size[key] = new
            let before = oi[c[1]] ?? .zero
            let after = before - (DecimalText.zero < old ? old : .zero) + (DecimalText.zero < new ? new : .zero)
            oi[c[1]] = after
            if points[c[1]] == nil { points[c[1]] = [.init(day.fromTs, "0")] }
            points[c[1]]!.append(.init(Int64(c[3]) ?? day.fromTs, after.description))
        }
        return ReportChart(title: "Open interest (sum of long positions) per contract",
                           series: points.keys.sorted().map { .init($0, points[$0]!) }, fromTs: day.fromTs, toTs: day.toTs)
    }

}

extension ReadModelStorage {
    /// Positions and margin per client at the window's end: size, entry, mark, notional,
    /// unrealised PnL, isolated margin and maintenance requirement per position (tiers from
    /// `instruments`, add-on in force, `PositionMargin`); the account's cash in `asset`, its
    /// equity at the mark (cash + isolated margins + unrealised PnL), total maintenance and
    /// margin ratio. Charted: open interest per contract over the window, replayed from the
    /// position history.
    func positionsReport(_ day: BusinessDay, asset: String, instruments: [InstrumentSpec]) async throws -> ReportTable {
        let result = try await reportRows(EndOfDay.queries(before: day.toTs) + EndOfDay.queries(before: day.fromTs) + [
            ReportQuery("""
                SELECT b.account, b.amount FROM balance_history b WHERE b.asset = ? AND b.ts < ?
                  AND b.seq = (SELECT MAX(x.seq) FROM balance_history x WHERE x.account = b.account AND x.asset = b.asset AND x.ts < ?)
                """, [.text(asset), .int(day.toTs), .int(day.toTs)]),
            ReportQuery("SELECT account, symbol, size, ts FROM position_history WHERE ts >= ? AND ts < ? ORDER BY seq",
                        ReportMath.window(day)),
            PositionMargin.addOnQuery(before: day.toTs),
            RiskLimitRow.inForceQuery(before: day.toTs),
        ])
        // The tiers in force at the day's end: the configuration's with approved versions applied.
        let instruments = RiskLimitRow.apply(result[7], to: instruments)
        let positions = EndOfDay.positions(result[0], marks: result[1])
        var cash: [String: DecimalText] = [:]
        for b in result[4] { cash[b[0]] = DecimalText(b[1]) }
        let accounts = AccountMargin(positions, cash: cash, instruments: instruments, addOns: PositionMargin.addOns(result[6]))
        var gross = DecimalText.zero, unrealized = DecimalText.zero
        let rows = positions.indices.map { n -> [String] in
            let p = positions[n]
            gross += p.notional ?? .zero; unrealized += p.unrealized ?? .zero
            return [p.account, p.symbol, DecimalText.zero < p.size ? "long" : "short", p.size.description, p.entry.description,
                    p.mark?.description ?? "", p.notional?.description ?? "", p.unrealized?.description ?? "", p.isolatedMargin,
                    (cash[p.account] ?? .zero).description, accounts.equity(p.account).description,
                    accounts.maintenance[n]?.description ?? ""] + accounts.totals(p.account)
        }
        let oi = EndOfDay.openInterest(positions)
        var summary: [ReportTable.Figure] = [.init("accounts", String(Set(positions.map(\.account)).count)),
                                             .init("positions", String(positions.count)), .init("grossNotional", gross.description),
                                             .init("unrealizedPnl", unrealized.description),
                                             .init("totalMaintenance", accounts.maintenance.reduce(.zero) { $0 + ($1 ?? .zero) }.description)]
        for symbol in oi.keys.sorted() { summary.append(.init("openInterest.\(symbol)", oi[symbol]!.description)) }
        let chart = EndOfDay.openInterestChart(day, opening: EndOfDay.positions(result[2], marks: result[3]), changes: result[5])
        return ReportTable(name: "positions", title: "Positions and margin per client at the end of the day", day: day,
                           columns: ["account", "symbol", "side", "size", "entryPrice", "markPrice", "notional", "unrealizedPnl",
                                     "isolatedMargin", "accountCash", "accountEquity", "maintenanceMargin", "accountMaintenance",
                                     "accountMarginRatioPercent"],
                           rows: rows, summary: summary, charts: chart.series.isEmpty ? [] : [chart],
                           notes: ["Positions as the last command before the end of the window left them, valued at the last mark price before it; "
                                   + "accountEquity = accountCash (\(asset)) + isolated margins + unrealised PnL at the mark.",
                                   AccountMargin.note])
    }

    /// Positions whose notional at the mark is at least `threshold`, at the window's end, with
    /// the position's share of its contract's open interest (in %, rounded down to 0.01).
    func largeExposuresReport(_ day: BusinessDay, threshold: DecimalText) async throws -> ReportTable {
        let result = try await reportRows(EndOfDay.queries(before: day.toTs))
        let all = EndOfDay.positions(result[0], marks: result[1])
        let oi = EndOfDay.openInterest(all)
        let large = all.filter { p in p.notional.map { !($0 < threshold) } ?? false }
        var total = DecimalText.zero
        let rows = large.map { p -> [String] in
            total += p.notional ?? .zero
            return [p.account, p.symbol, p.size.description, p.mark?.description ?? "", p.notional?.description ?? "",
                    oi[p.symbol].flatMap { p.size.magnitude.percent(of: $0) } ?? ""]
        }
        return ReportTable(name: "large-exposures", title: "Large exposures (notional ≥ \(threshold.description))", day: day,
                           columns: ["account", "symbol", "size", "markPrice", "notional", "shareOfOpenInterestPercent"], rows: rows,
                           summary: [.init("threshold", threshold.description), .init("exposures", String(rows.count)),
                                     .init("accounts", String(Set(large.map(\.account)).count)), .init("totalNotional", total.description)],
                           notes: ["A position is listed when |size| × mark at the end of the window is at least the threshold "
                                   + "(default \(RegulatoryReports.defaultLargeExposureThreshold)); its share is of the contract's open interest (sum of longs)."])
    }
}
