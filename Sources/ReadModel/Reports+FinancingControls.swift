/// The "controls" section of the margin-financing report (REG-3, FIN-3): the utilisation of
/// each limit over the window, from the engine's daily `financingControl` rows of
/// `financing_events` (`FinancingRow`): the lending capacity of the book and the most used
/// clients, related groups and collateral groups that day.
extension ReadModelStorage {
    /// The query of the window's control rows, in (seq, idx) order.
    static func financingControlQuery(_ window: [ReportQuery.Argument]) -> ReportQuery {
        ReportQuery("""
            SELECT ts, kind, subject, amount, balance, qty, state FROM financing_events
            WHERE type = 'financingControl' AND ts >= ? AND ts < ? ORDER BY seq, idx
            """, window)
    }

    /// "controlReports" (the daily reports in the window), then per control and subject
    /// ("control.<control>.<subject>.…", controls and subjects in name order): the last
    /// report's `value` and `limit` (settlement asset), `utilisationPercent` (value ÷ limit,
    /// the engine's rounding up), whether the limit `applies` (false below its minimum book
    /// or pool) and the window's `peakUtilisationPercent`. Exact decimals throughout.
    static func financingControlFigures(_ rows: [[String]]) -> [ReportTable.Figure] {
        var seen: [String: (last: [String], peak: DecimalText)] = [:]
        var reports = Set<String>()
        for r in rows {
            let key = "\(r[1]).\(r[2])", utilisation = ReportMath.decimal(r[5])
            if r[1] == "lendingCapacity" { reports.insert(r[0]) }
            let peak = max(seen[key]?.peak ?? utilisation, utilisation)
            seen[key] = (r, peak)
        }
        let hundred = DecimalText(mantissa: 100, scale: 0)
        func percent(_ share: DecimalText) -> String { (share.multiplied(by: hundred) ?? share).description }
        var figures = [ReportTable.Figure("controlReports", String(reports.count))]
        for key in seen.keys.sorted() {
            let s = seen[key]!
            figures += [.init("control.\(key).value", s.last[3]), .init("control.\(key).limit", s.last[4]),
                        .init("control.\(key).utilisationPercent", percent(ReportMath.decimal(s.last[5]))),
                        .init("control.\(key).applies", s.last[6] == "applies" ? "true" : "false"),
                        .init("control.\(key).peakUtilisationPercent", percent(s.peak))]
        }
        return figures
    }
}
