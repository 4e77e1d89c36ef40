import Compliance
import Surveillance

/// JSON of surveillance alerts, review steps and MM day reports for the compliance routes.
enum SurveillanceJSON {
    static func alert(_ entry: AlertCase) -> JSON {
        let alert = entry.alert.alert
        return .object([
            ("id", .int(entry.alert.id)), ("raisedAt", .int(entry.alert.raisedAtMs)), ("rule", .string(alert.rule.rawValue)),
            ("symbol", .string(alert.symbol)), ("accounts", .array(alert.accounts.map(JSON.string))),
            ("orders", .array(alert.orders.map(JSON.int))), ("from", .int(alert.fromMs)), ("to", .int(alert.toMs)),
            ("evidence", .string(alert.evidence)), ("status", .string(entry.status.rawValue)),
            ("assignee", entry.assignee.map(JSON.string) ?? .null), ("history", .array(entry.history.map(Self.entry))),
        ])
    }

    static func entry(_ step: AlertHistoryEntry) -> JSON {
        var fields: [(String, JSON)] = [
            ("alertId", .int(step.alertId)), ("sequence", .int(Int64(step.sequence))), ("at", .int(step.atMs)),
            ("actor", .string(step.actor)), ("action", .string(step.action.code)),
            ("from", .string(step.from.rawValue)), ("to", .string(step.to.rawValue)),
        ]
        switch step.action {
        case .assign(let reviewer): fields.append(("assignee", .string(reviewer)))
        case .close(let comment): fields.append(("comment", .string(comment)))
        case .review: break
        }
        return .object(fields)
    }

    static func report(_ day: MarketMakerDayReport) -> JSON {
        let report = day.report
        return .object([
            ("account", .string(day.account)), ("symbol", .string(report.symbol)), ("date", .string(day.date)),
            ("from", .int(report.fromMs)), ("to", .int(report.toMs)), ("tradingMs", .int(report.tradingMs)),
            ("presentMs", .int(report.presentMs)), ("presenceBps", .int(report.presenceBps)),
            ("minPresenceBps", .int(day.minPresenceBps)), ("met", .bool(report.met)),
            ("interruptions", .int(day.requotes.interruptions)), ("requotesMet", .int(day.requotes.met)),
            ("requotesMissed", .int(day.requotes.missed)), ("worstRequoteMs", day.requotes.worstRequoteMs.map { .int($0) } ?? .null),
        ])
    }
}
