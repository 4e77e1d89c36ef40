import ArgumentParser
import Engine
import Foundation
import Gateway
import Sequencer

/// `harbour report loan-book --data DIR [--format csv|json]` (FIN-3..5): the margin-financing
/// book of a data directory, recovered by start-up's rules (newest snapshot, then the
/// journal): every loan with principal, interest, collateral value, margin ratio, zone, open
/// call and pending forced sales, as CSV or as the JSON of `GET /v1/financing/loans`.
enum LoanBookReport {
    static let name = "loan-book"

    static func run(data: String, format: String, config: String? = nil) throws {
        guard ["csv", "json"].contains(format) else { throw ValidationError("INVALID_FORMAT: the loan-book report is csv or json, not '\(format)'") }
        let engine = try FinancingCLI.recover(data, config: config)
        let json = FinancingJSON.loanBook(engine: engine)
        FileHandle.standardOutput.write(Data((format == "json" ? json.rendered + "\n" : FinancingCLI.csv(json)).utf8))
    }
}

/// `harbour stress DIR` (FIN-6): the standard stress scenarios on the loan book of a data
/// directory (as `GET /v1/financing/stress`), as JSON.
struct StressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress",
        abstract: "Stress-test the margin-financing loan book of a data directory (VA and all collateral −20/−40/−60%)."
    )

    @Argument(help: "The venue's data directory.")
    var directory: String

    @Option(help: "Venue configuration file (default: the built-in demo venue).")
    var config: String?

    func run() async throws {
        let engine = try FinancingCLI.recover(directory, config: config)
        FileHandle.standardOutput.write(Data((FinancingJSON.stress(engine: engine).rendered + "\n").utf8))
    }
}

enum FinancingCLI {
    /// The engine of a data directory, recovered as start-up would (read-only).
    static func recover(_ directory: String, config: String?) throws -> Engine {
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        let root = URL(fileURLWithPath: directory)
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("journal").path) else {
            throw ValidationError("\(directory) has no journal/ directory (is it a venue's data directory?)")
        }
        return try Recovery.replay(root: root, config: venue, useSnapshot: true) { _, _, _, _ in }.engine
    }

    /// The loan book's loans as CSV, one row per loan (money and quantities as exact decimals).
    static func csv(_ book: JSON) -> String {
        var out = "loan,account,principal,accruedInterest,owed,marketValue,marginValue,marginRatio,zone,callDeadline,collateral,pendingForcedSales\n"
        guard case let .object(fields) = book, let items = fields.first(where: { $0.0 == "items" })?.1, case let .array(loans) = items else { return out }
        for loan in loans {
            guard case let .object(f) = loan else { continue }
            func v(_ k: String) -> JSON? { f.first { $0.0 == k }?.1 }
            func text(_ j: JSON?) -> String {
                switch j {
                case .string(let s)?: return s
                case .int(let i)?: return String(i)
                case .null?, nil: return ""
                default: return j!.rendered
                }
            }
            var deadline = ""
            if case let .object(call)? = v("call") { deadline = text(call.first { $0.0 == "deadline" }?.1) }
            func list(_ j: JSON?) -> String {
                guard case let .array(items)? = j else { return "" }
                return items.compactMap { item -> String? in
                    guard case let .object(x) = item else { return nil }
                    return text(x.first { $0.0 == "qty" }?.1) + " " + text(x.first { $0.0 == "asset" }?.1)
                }.joined(separator: "; ")
            }
            let row = [text(v("loan")), text(v("account")), text(v("principal")), text(v("accruedInterest")), text(v("owed")),
                       text(v("marketValue")), text(v("marginValue")), text(v("marginRatio")), text(v("zone")), deadline,
                       list(v("collateral")), list(v("pendingForcedSales"))]
            out += row.map { $0.contains(",") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
                .joined(separator: ",") + "\n"
        }
        return out
    }
}
