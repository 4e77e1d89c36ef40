import ArgumentParser
import Foundation
import ReadModel

/// `harbour report NAME --date D --format csv|json|html`: one regulatory report (REG-3) for a
/// business day (HKT by default), from the read models of a data directory, on standard
/// output. Read-only: the read model is inspected in a temporary copy, like `reconcile`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Produce a regulatory report for a business day: \(ReadModelStore.reportNames.joined(separator: ", ")); or the margin-financing loan-book.",
        discussion: "The business day runs from local midnight to midnight at --utc-offset (default +480 minutes, HKT). loan-book is the book as it stands (no --date; csv or json)."
    )

    @Argument(help: "The report: \(ReadModelStore.reportNames.joined(separator: ", ")).")
    var name: String

    @Option(help: "The business day, YYYY-MM-DD (not for loan-book).")
    var date: String?

    @Option(help: "csv, json or html.")
    var format: String = "csv"

    @Option(help: "The venue's data directory.")
    var data: String = "./harbour-data"

    @Option(help: "Minutes east of UTC of the business day's zone (480: Hong Kong).")
    var utcOffset: Int = BusinessDay.hktOffsetMinutes

    @Option(help: "Asset of the insurance-fund report.")
    var asset: String = "USD"

    func run() throws {
        if name == LoanBookReport.name { return try LoanBookReport.run(data: data, format: format) }
        guard ReadModelStore.reportNames.contains(name) else {
            throw ValidationError("UNKNOWN_REPORT: \(name) is not one of \(ReadModelStore.reportNames.joined(separator: ", "))")
        }
        guard let date, let day = BusinessDay(date, utcOffsetMinutes: utcOffset) else {
            throw ValidationError("INVALID_DATE: --date must be an existing YYYY-MM-DD and --utc-offset within ±840 minutes")
        }
        guard let form = ReportFormat(rawValue: format) else { throw ValidationError("INVALID_FORMAT: --format must be csv, json or html") }
        let path = URL(fileURLWithPath: data).appendingPathComponent("readmodel.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(data) has no readmodel.sqlite") }
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: copy.appendingPathComponent("readmodel.sqlite" + suffix).path)
        }
        let store = try ReadModelStore(path: copy.appendingPathComponent("readmodel.sqlite").path)
        guard let table = try store.report(name, day: day, asset: asset) else { throw ValidationError("UNKNOWN_REPORT: \(name)") }
        FileHandle.standardOutput.write(Data(form.render(table).utf8))
    }
}
