import Hummingbird
import ReadModel

/// `GET /v1/reports/{name}?date=YYYY-MM-DD|from=…&to=…&format=json|csv|html` (REG-3): a
/// regulatory report for a Hong Kong business day or a range of days from the read models,
/// on either store (SQLite or PostgreSQL), for compliance and the supervisor
/// (`complianceRead`) — the same tables `harbour report` prints. `account` picks one client
/// (client-statement), `threshold` the notional of large-exposures.
extension GatewayCore {
    func addReportRoutes(_ router: Router<GatewayRequestContext>) {
        // Answers CSV and HTML as well as JSON, so it is registered by hand (in the route registry too).
        register(.get, "/v1/reports/{name}", .complianceRead)
        router.get("/v1/reports/{name}") { [self] request, context in
            let caller = try await admit(request, context, .complianceRead)
            try Self.allowOnly(["date", "from", "to", "format", "account", "threshold", "days"], caller)
            let name = context.parameters.get("name") ?? ""
            let all = RegulatoryReports.names + VenueReports.names
            guard all.contains(name) else {
                throw ApiError.notFound("no report '\(name)'; reports: \(all.joined(separator: ", "))")
            }
            let day = try Self.reportWindow(caller.query)
            guard let format = ReportFormat(rawValue: caller.query["format"] ?? "json") else {
                throw ApiError.invalidParameter("'format' must be json, csv or html")
            }
            var options = ReportOptions(instruments: specs)   // the risk tiers this venue runs with (positions)
            if let account = caller.query["account"] {
                guard !account.isEmpty, account.count <= 64 else { throw ApiError.invalidParameter("'account' must be an account name") }
                options.account = account
            }
            if let text = caller.query["threshold"] {
                guard let threshold = DecimalText(text), !(threshold < .zero), text.first != "+" else {
                    throw ApiError.invalidParameter("'threshold' must be a non-negative decimal (notional in USD)")
                }
                options.threshold = threshold
            }
            var days = VenueReports.defaultExpiryDays
            if let text = caller.query["days"] {
                guard let value = Int(text), (0...3 * 365).contains(value), text.allSatisfy(\.isNumber) else {
                    throw ApiError.invalidParameter("'days' must be a whole number of days, 0 to 1095")
                }
                days = value
            }
            let table = try await report(name, day: day, options: options, days: days)
            let type: String
            switch format {
            case .json: type = "application/json"
            case .csv: type = "text/csv; charset=utf-8"
            case .html: type = "text/html; charset=utf-8"
            }
            return Self.text(format.render(table), type: type)
        }
    }

    /// A read-model report, or one of the live venue's (`VenueReports`, from the running surveillance and engine).
    func report(_ name: String, day: BusinessDay, options: ReportOptions, days: Int) async throws -> ReportTable {
        guard VenueReports.names.contains(name) else {
            guard let table = try await history.report(name, day: day, options: options) else {
                throw ApiError.notReady("reports need a read model (this gateway has none)")
            }
            return table
        }
        let now = host.options.clock()
        var inputs = VenueReportInputs(alerts: [], marketMakerDays: [], asOfMs: now, horizonDays: days)
        if name == "surveillance-alerts" || name == "mm-obligations" {
            let surveillance = try await Self.requireCurrent(configuration.surveillance)
            inputs.alerts = await surveillance.alerts()
            inputs.marketMakerDays = await surveillance.marketMakerDays(asOf: now)
        }
        let ready = inputs
        return try await host.read { VenueReports.report(name, day: day, inputs: ready, engine: $0) }!
    }

    /// `date`, or `from` and `to` (both days included, at most a year), Hong Kong business days.
    static func reportWindow(_ query: [String: String]) throws -> BusinessDay {
        switch (query["date"], query["from"], query["to"]) {
        case (let date?, nil, nil):
            guard let day = BusinessDay(date) else {
                throw ApiError.invalidParameter("'date' must be an existing day, YYYY-MM-DD (Hong Kong business day)")
            }
            return day
        case (nil, let from?, let to?):
            guard let range = BusinessDay(from: from, to: to) else {
                throw ApiError.invalidParameter("'from' and 'to' must be existing days, YYYY-MM-DD, from ≤ to, at most \(BusinessDay.maxRangeDays) days")
            }
            return range
        default:
            throw ApiError.invalidParameter("give 'date', or 'from' and 'to' (YYYY-MM-DD, Hong Kong business days)")
        }
    }
}
