import Compliance
import Engine
import HarbourCore
import ReadModel
import Surveillance

/// REG-3 `pi-expiring` (PI-1): professional-investor classifications that lapse within the
/// horizon (`days` after the window's end, 30 by default) and those that have already lapsed
/// by the window's end (a lapsed client may not add risk, PI-3): account, investor kind, when
/// assessed, who proposed and approved it (four-eyes), when it expires and the days left —
/// whole days from the window's end to the expiry, rounded down (negative: lapsed).
enum PIExpiringReport {
    static let name = "pi-expiring"
    static let dayMs: Int64 = 86_400_000
    static let columns = ["account", "investorKind", "assessedAt", "proposedBy", "approvedBy", "expiresAt", "expiresOn", "daysLeft", "state"]

    static func table(_ engine: Engine, day: BusinessDay, days: Int) -> ReportTable {
        let horizon = day.toTs + Int64(days) * dayMs
        var found: [(name: String, classification: Classification)] = []
        for index in 0..<engine.accountCount {
            let id = AccountID(UInt32(index))
            guard let classification = engine.complianceRecord(id)?.classification, classification.expiresAt <= horizon else { continue }
            found.append((engine.accountName(id), classification))
        }
        found.sort { ($0.classification.expiresAt, $0.name) < ($1.classification.expiresAt, $1.name) }
        let rows = found.map { row($0.name, $0.classification, day: day) }
        let lapsed = rows.filter { $0[8] == "lapsed" }.count
        return ReportTable(name: name, title: "Professional-investor classifications expiring or lapsed", day: day,
                           columns: columns, rows: rows,
                           summary: [.init("horizonDays", String(days)), .init("horizonTs", String(horizon)),
                                     .init("classifications", String(rows.count)), .init("lapsed", String(lapsed)),
                                     .init("expiring", String(rows.count - lapsed))],
                           notes: ["Classifications that expire at or before \(days) days after the window's end (horizonTs), and every one "
                                   + "already lapsed by the window's end (state = lapsed: it no longer allows new risk).",
                                   "daysLeft = whole days from the window's end to expiresAt, rounded down (negative: lapsed); "
                                   + "expiresOn is the local date at the window's offset."])
    }

    static func row(_ name: String, _ classification: Classification, day: BusinessDay) -> [String] {
        let left = classification.expiresAt - day.toTs
        let daysLeft = left >= 0 ? left / dayMs : -((-left + dayMs - 1) / dayMs)
        let offsetMs = Int64(day.utcOffsetMinutes) * 60_000
        return [name, classification.kind.rawValue, String(classification.assessedAt), classification.proposedBy, classification.approvedBy,
                String(classification.expiresAt), UTCDay.name(of: classification.expiresAt + offsetMs), String(daysLeft),
                classification.isCurrent(at: day.toTs) ? "expiring" : "lapsed"]
    }
}
