import Compliance
import Engine
import HarbourCore
import ReadModel
import Surveillance

/// The regulatory reports (REG-3) that come from the venue's state rather than the read models:
/// `surveillance-alerts` and `mm-obligations` from the surveillance projection (MM-4, MM-5;
/// alerts are recomputed from the journal, not stored), `pi-expiring` (and the older
/// `pi-expiries`, kept because its name was published) from the engine's compliance records
/// (PI-1). Same `ReportTable` and forms as the read-model reports; served by
/// `GET /v1/reports/{name}` from the live services and by `harbour report` from a read-only
/// journal replay (`SurveillanceReplay`), so both print the same table for the same state.
public enum VenueReports {
    /// The venue reports by stable name (a name, once published, keeps its meaning).
    public static let names = [SurveillanceAlertsReport.name, MarketMakerObligationsReport.name, PIExpiringReport.name, "pi-expiries"]
    /// How far past the window's end `pi-expiring` and `pi-expiries` look when no `days` is given.
    public static let defaultExpiryDays = 30
    static let dayMs: Int64 = 86_400_000

    /// The report `name` over `day` from `engine` and `inputs`; nil for a name not in `names`.
    public static func report(_ name: String, day: BusinessDay, inputs: VenueReportInputs, engine: Engine) -> ReportTable? {
        switch name {
        case SurveillanceAlertsReport.name: return SurveillanceAlertsReport.table(inputs.alerts, day: day)
        case MarketMakerObligationsReport.name: return MarketMakerObligationsReport.table(inputs.marketMakerDays, engine: engine, day: day)
        case PIExpiringReport.name: return PIExpiringReport.table(engine, day: day, days: inputs.horizonDays)
        case "pi-expiries": return piExpiries(engine, day: day, days: inputs.horizonDays)
        default: return nil
        }
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
