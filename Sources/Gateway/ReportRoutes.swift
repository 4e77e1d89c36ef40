import Hummingbird
import ReadModel

/// `GET /v1/reports/{name}?date=YYYY-MM-DD&format=json|csv|html` (REG-3): a regulatory report
/// for a Hong Kong business day from the read models, for compliance and the supervisor
/// (`complianceRead`) — the same tables `harbour report` prints.
extension GatewayCore {
    func addReportRoutes(_ router: Router<GatewayRequestContext>) {
        // Answers CSV and HTML as well as JSON, so it is registered by hand (in the route registry too).
        register(.get, "/v1/reports/{name}", .complianceRead)
        router.get("/v1/reports/{name}") { [self] request, context in
            let caller = try await admit(request, context, .complianceRead)
            try Self.allowOnly(["date", "format"], caller)
            let name = context.parameters.get("name") ?? ""
            guard ReadModelStore.reportNames.contains(name) else {
                throw ApiError.notFound("no report '\(name)'; reports: \(ReadModelStore.reportNames.joined(separator: ", "))")
            }
            guard let text = caller.query["date"], let day = BusinessDay(text) else {
                throw ApiError.invalidParameter("'date' must be an existing day, YYYY-MM-DD (Hong Kong business day)")
            }
            guard let format = ReportFormat(rawValue: caller.query["format"] ?? "json") else {
                throw ApiError.invalidParameter("'format' must be json, csv or html")
            }
            guard let table = try await history.report(name, day: day) else { throw ApiError.notReady("reports need the SQLite read model") }
            let type: String
            switch format {
            case .json: type = "application/json"
            case .csv: type = "text/csv; charset=utf-8"
            case .html: type = "text/html; charset=utf-8"
            }
            return Self.text(format.render(table), type: type)
        }
    }
}
