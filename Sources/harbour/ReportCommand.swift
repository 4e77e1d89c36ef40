import ArgumentParser
import Foundation
import Engine
import Gateway
import ReadModel
import ReadModelPostgres

/// `harbour report NAME (--date D | --from D --to D) --format csv|json|html`: one regulatory
/// report (REG-3) for a business day or a range of days (HKT by default), from the read
/// models of a data directory (SQLite, inspected in a temporary copy like `reconcile`) or of
/// a PostgreSQL store (`--store postgres://…`), on standard output. Read-only.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Produce a regulatory report for a business day or range: \(ReportCommand.names.joined(separator: ", ")); or loan-book (the financing book as it stands now).",
        discussion: """
            The business day runs from local midnight to midnight at --utc-offset (default +480 minutes, HKT); --from and --to \
            take whole days, both included (at most \(BusinessDay.maxRangeDays)). loan-book is the book as it stands (no --date; csv or json). \
            \(VenueReports.names.joined(separator: ", ")) are built by replaying --data's journal read-only (as of its last command), \
            not from the read models.
            """
    )

    /// Every report this command prints besides loan-book: the read models' and the venue's.
    static let names = RegulatoryReports.names + VenueReports.names

    @Argument(help: "The report: \(ReportCommand.names.joined(separator: ", ")), loan-book.")
    var name: String

    @Option(help: "The business day, YYYY-MM-DD (not for loan-book).")
    var date: String?

    @Option(help: "The first business day of a range, YYYY-MM-DD (with --to).")
    var from: String?

    @Option(help: "The last business day of a range, YYYY-MM-DD (with --from).")
    var to: String?

    @Option(help: "csv, json or html.")
    var format: String = "csv"

    @Option(help: "The venue's data directory.")
    var data: String = "./harbour-data"

    @Option(help: "Read models: 'sqlite' (DATA/readmodel.sqlite, the default), a SQLite file, or a postgres:// URL.")
    var store: String?

    @Option(help: "Minutes east of UTC of the business day's zone (480: Hong Kong).")
    var utcOffset: Int = BusinessDay.hktOffsetMinutes

    @Option(help: "Settlement asset of the insurance-fund, positions and client-statement reports.")
    var asset: String = "USD"

    @Option(help: "One account only (client-statement).")
    var account: String?

    @Option(help: "Notional at or above which large-exposures lists a position (default \(RegulatoryReports.defaultLargeExposureThreshold)).")
    var threshold: String = RegulatoryReports.defaultLargeExposureThreshold

    @Option(help: "pi-expiring, pi-expiries: days past the window's end to look (0 to 1095).")
    var days: Int = VenueReports.defaultExpiryDays

    @Option(help: "Venue configuration file the journal was written with (venue reports, and the risk tiers of positions; default: the built-in demo venue).")
    var config: String?

    func run() async throws {
        if name == LoanBookReport.name { return try LoanBookReport.run(data: data, format: format) }
        guard Self.names.contains(name) else {
            throw ValidationError("UNKNOWN_REPORT: \(name) is not one of \(Self.names.joined(separator: ", ")), \(LoanBookReport.name)")
        }
        let day = try window()
        guard let form = ReportFormat(rawValue: format) else { throw ValidationError("INVALID_FORMAT: --format must be csv, json or html") }
        guard let limit = DecimalText(threshold), !(limit < .zero) else { throw ValidationError("INVALID_THRESHOLD: --threshold must be a non-negative decimal") }
        if VenueReports.names.contains(name) {
            guard (0...3 * 365).contains(days) else { throw ValidationError("INVALID_DAYS: --days must be 0 to 1095") }
            let table = try VenueReportCLI.table(name, data: data, config: config, day: day, days: days)
            return FileHandle.standardOutput.write(Data(form.render(table).utf8))
        }
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        let options = ReportOptions(asset: asset, account: account, threshold: limit, instruments: venue.instruments)
        let table: ReportTable?
        switch try StoreLocation(store, dataDirectory: URL(fileURLWithPath: data)) {
        case .postgres(let url):
            let pg = try await PostgresReadModelStore(url: url)
            defer { pg.close() }
            table = try await pg.report(name, day: day, options: options)
        case .sqlite(let path):
            table = try await Self.withCopy(of: path) { try await $0.report(name, day: day, options: options) }
        }
        guard let table else { throw ValidationError("UNKNOWN_REPORT: \(name)") }
        FileHandle.standardOutput.write(Data(form.render(table).utf8))
    }

    func window() throws -> BusinessDay {
        switch (date, from, to) {
        case (let date?, nil, nil):
            guard let day = BusinessDay(date, utcOffsetMinutes: utcOffset) else {
                throw ValidationError("INVALID_DATE: --date must be an existing YYYY-MM-DD and --utc-offset within ±840 minutes")
            }
            return day
        case (nil, let from?, let to?):
            guard let range = BusinessDay(from: from, to: to, utcOffsetMinutes: utcOffset) else {
                throw ValidationError("INVALID_DATE: --from and --to must be existing YYYY-MM-DD, from ≤ to, at most \(BusinessDay.maxRangeDays) days")
            }
            return range
        default:
            throw ValidationError("INVALID_DATE: give --date, or --from and --to")
        }
    }

    /// Opens a temporary copy of the SQLite read model at `path` (opening it in place would write -wal/-shm).
    static func withCopy<T>(of path: String, _ body: (ReadModelStore) async throws -> T) async throws -> T {
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no read model at \(path)") }
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: copy.appendingPathComponent("readmodel.sqlite" + suffix).path)
        }
        return try await body(try ReadModelStore(path: copy.appendingPathComponent("readmodel.sqlite").path))
    }
}
