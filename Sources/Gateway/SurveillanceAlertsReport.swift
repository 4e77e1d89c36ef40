import ReadModel
import Surveillance

/// REG-3 `surveillance-alerts` (MM-5): the alerts raised in the window and, before them, the
/// ones raised earlier that are still not closed — id, rule (the kind), contract, accounts,
/// when raised, the status now, the assignee, the whole review history (last action first
/// in its own columns) and the evidence as the projection wrote it.
enum SurveillanceAlertsReport {
    static let name = "surveillance-alerts"
    static let columns = ["id", "raisedAt", "raised", "rule", "symbol", "accounts", "status", "assignee", "actions",
                          "lastAction", "lastActionBy", "lastActionAt", "history", "evidence"]

    static func table(_ cases: [AlertCase], day: BusinessDay) -> ReportTable {
        let inWindow = cases.filter { $0.alert.raisedAtMs >= day.fromTs && $0.alert.raisedAtMs < day.toTs }
        let carried = cases.filter { $0.alert.raisedAtMs < day.fromTs && $0.status != .closed }
        let listed = (carried + inWindow).sorted { $0.alert.id < $1.alert.id }
        let rows = listed.map { row($0, inWindow: $0.alert.raisedAtMs >= day.fromTs) }
        var summary: [ReportTable.Figure] = [.init("alerts", String(inWindow.count)), .init("openFromBefore", String(carried.count))]
        for status in AlertStatus.allCases { summary.append(.init(status.rawValue, String(inWindow.filter { $0.status == status }.count))) }
        for rule in Set(inWindow.map { $0.alert.alert.rule.rawValue }).sorted() {
            summary.append(.init("rule.\(rule)", String(inWindow.filter { $0.alert.alert.rule.rawValue == rule }.count)))
        }
        return ReportTable(name: name, title: "Surveillance alerts and their status", day: day, columns: columns, rows: rows,
                           summary: summary,
                           notes: ["Alerts raised in the window (raised = inWindow; command time), and alerts raised before it that are "
                                   + "not closed (raised = before); status, assignee and history as they stand at the report's time.",
                                   "Summary counts (alerts, per status, per rule) are of the alerts raised in the window; "
                                   + "openFromBefore counts the others listed."])
    }

    static func row(_ entry: AlertCase, inWindow: Bool) -> [String] {
        let alert = entry.alert.alert, last = entry.history.last
        return [String(entry.alert.id), String(entry.alert.raisedAtMs), inWindow ? "inWindow" : "before", alert.rule.rawValue, alert.symbol,
                alert.accounts.joined(separator: " "), entry.status.rawValue, entry.assignee ?? "", String(entry.history.count),
                last.map { describe($0.action) } ?? "", last?.actor ?? "", last.map { String($0.atMs) } ?? "",
                entry.history.map { "\($0.sequence). \(describe($0.action)) by \($0.actor) at \($0.atMs): \($0.from.rawValue) → \($0.to.rawValue)" }
                    .joined(separator: "; "),
                alert.evidence]
    }

    static func describe(_ action: AlertAction) -> String {
        switch action {
        case .assign(let reviewer): return "assign to \(reviewer)"
        case .review: return "review"
        case .close(let comment): return "close: \(comment)"
        }
    }
}
