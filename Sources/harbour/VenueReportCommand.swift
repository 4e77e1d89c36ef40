import ArgumentParser
import CommandInput
import Engine
import Foundation
import Gateway
import ReadModel
import Surveillance

/// `harbour report surveillance-alerts|mm-obligations|pi-expiring|pi-expiries --date D --data DIR`
/// (REG-3, MM-4, MM-5, PI-1): the venue reports without a running venue. The data directory's
/// journal is replayed read-only from its first record through a fresh engine and the
/// surveillance projection (`SurveillanceReplay`, exactly as `serve` recomputes surveillance at
/// start), compliance's alert workflow log is read, and the tables are the ones
/// `GET /v1/reports/{name}` serves — as of the last journaled command's time (the CLI reads no
/// clock: a day still running is measured up to that command). MM business days are at the
/// report's `--utc-offset`. Nothing in the directory is written.
enum VenueReportCLI {
    static func table(_ name: String, data: String, config: String?, day: BusinessDay, days: Int) throws -> ReportTable {
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        let root = URL(fileURLWithPath: data)
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("journal").path) else {
            throw ValidationError("\(data) has no journal/ directory (is it a venue's data directory?)")
        }
        let context = SurveillanceContext(markets: venue.markets, businessDayOffsetMinutes: day.utcOffsetMinutes)
        let replay = try SurveillanceReplay.run(dataDirectory: root, config: venue, projection: SurveillanceProjection(context: context))
        let asOf = replay.lastTimestamp ?? day.fromTs
        let inputs = VenueReportInputs(alerts: try replay.alertBook(dataDirectory: root).list(),
                                       marketMakerDays: replay.projection.businessDays.days(asOf: asOf), asOfMs: asOf, horizonDays: days)
        guard let table = VenueReports.report(name, day: day, inputs: inputs, engine: replay.engine) else {
            throw ValidationError("UNKNOWN_REPORT: \(name)")
        }
        return table
    }
}
