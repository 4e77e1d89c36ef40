import Compliance
import Engine
import HarbourCore
import ReadModel
import Surveillance

/// The regulatory reports (REG-3) that come from the live venue rather than the read models:
/// surveillance alerts and market-maker obligations from the surveillance projection (MM-4,
/// MM-5; alerts are recomputed from the journal, not stored), PI classifications from the
/// engine's compliance records (PI-1). Same `ReportTable` and forms as the read-model reports;
/// served by `GET /v1/reports/{name}` only (the command line has no running surveillance).
enum VenueReports {
    static let names = ["surveillance-alerts", "mm-obligations", "pi-expiries"]
    /// How far past the window's end `pi-expiries` looks when no `days` is given.
    static let defaultExpiryDays = 30
    static let dayMs: Int64 = 86_400_000

    /// Alerts raised in the window, by id, with their review status and history length.
    static func surveillanceAlerts(_ cases: [AlertCase], day: BusinessDay) -> ReportTable {
        let inWindow = cases.filter { $0.alert.raisedAtMs >= day.fromTs && $0.alert.raisedAtMs < day.toTs }
        let rows = inWindow.map { c -> [String] in
            let a = c.alert.alert
            return [String(c.alert.id), String(c.alert.raisedAtMs), a.rule.rawValue, a.symbol, a.accounts.joined(separator: " "),
                    c.status.rawValue, c.assignee ?? "", String(c.history.count), c.history.last.map { String($0.atMs) } ?? "", a.evidence]
        }
        var summary: [ReportTable.Figure] = [.init("alerts", String(rows.count))]
        for status in AlertStatus.allCases { summary.append(.init(status.rawValue, String(inWindow.filter { $0.status == status }.count))) }
        for rule in Set(inWindow.map { $0.alert.alert.rule.rawValue }).sorted() {
            summary.append(.init("rule.\(rule)", String(inWindow.filter { $0.alert.alert.rule.rawValue == rule }.count)))
        }
        return ReportTable(name: "surveillance-alerts", title: "Surveillance alerts and their status", day: day,
                           columns: ["id", "raisedAt", "rule", "symbol", "accounts", "status", "assignee", "actions", "lastActionAt", "evidence"],
                           rows: rows, summary: summary,
                           notes: ["Alerts raised in the window (command time), with their status now."])
    }

    /// Each affiliated market maker's presence per contract per closed UTC day overlapping the
    /// window (presence % of continuous trading time, against its minimum), and its share of
    /// the contract's traded quantity over the whole window.
    static func marketMakerObligations(_ reports: [MarketMakerDayReport], volumes: TradeVolumes?, day: BusinessDay) -> ReportTable {
        let sorted = reports.sorted { ($0.account, $0.report.symbol, $0.date) < ($1.account, $1.report.symbol, $1.date) }
        let rows = sorted.map { r -> [String] in
            [r.account, r.report.symbol, r.date, DecimalText(mantissa: Int128(r.report.presenceBps), scale: 2).description,
             DecimalText(mantissa: Int128(r.minPresenceBps), scale: 2).description, r.report.met ? "yes" : "no",
             String(r.report.tradingMs), String(r.report.presentMs), volumes?.sharePercent(account: r.account, symbol: r.report.symbol) ?? ""]
        }
        return ReportTable(name: "mm-obligations", title: "Market-maker obligations (presence) and activity share", day: day,
                           columns: ["account", "symbol", "utcDay", "presencePercent", "minPresencePercent", "met", "tradingMs", "presentMs",
                                     "activitySharePercent"],
                           rows: rows, summary: [.init("marketMakerDays", String(rows.count)),
                                                 .init("missed", String(sorted.filter { !$0.report.met }.count))],
                           notes: ["Presence is measured per UTC day (the meter's day, MM-4); a day is listed once it has closed. "
                                   + "Activity share is the market maker's traded quantity (maker or taker) over the contract's, across the window, rounded down."])
    }

    /// Classifications that expire from the window's start up to `days` days after its end
    /// (or have expired in the window), soonest first.
    static func piExpiries(_ engine: Engine, day: BusinessDay, days: Int) -> ReportTable {
        let horizon = day.toTs + Int64(days) * dayMs
        var found: [(String, Classification, ClientComplianceRecord)] = []
        for index in 0..<engine.accountCount {
            let id = AccountID(UInt32(index))
            guard let record = engine.complianceRecord(id), let c = record.classification,
                  c.expiresAt >= day.fromTs, c.expiresAt < horizon else { continue }
            found.append((engine.accountName(id), c, record))
        }
        found.sort { ($0.1.expiresAt, $0.0) < ($1.1.expiresAt, $1.0) }
        let rows = found.map { entry -> [String] in
            let (name, c, record) = entry
            let left = c.expiresAt - day.toTs
            return [name, c.kind.rawValue, String(c.assessedAt), String(c.expiresAt),
                    String(left >= 0 ? left / dayMs : -((-left + dayMs - 1) / dayMs)), c.expiresAt < day.toTs ? "expired" : "expiring",
                    record.expiryWarnedAt.map(String.init) ?? ""]
        }
        return ReportTable(name: "pi-expiries", title: "Professional-investor classifications expiring", day: day,
                           columns: ["account", "investorKind", "assessedAt", "expiresAt", "daysAfterWindow", "state", "warnedAt"], rows: rows,
                           summary: [.init("days", String(days)), .init("classifications", String(rows.count)),
                                     .init("expired", String(rows.filter { $0[5] == "expired" }.count))],
                           notes: ["Classifications whose expiry falls from the window's start to \(days) days after its end; "
                                   + "daysAfterWindow is whole days from the window's end (negative: already expired in it)."])
    }
}
