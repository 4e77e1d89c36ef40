import Compliance
import Hummingbird
import Surveillance

/// Compliance's surveillance routes (MM-4, MM-5): the alerts with their evidence and review
/// history, the review actions, and the market makers' daily obligations reports. Reads are
/// `complianceRead` (compliance, supervisor), actions `complianceWrite` (compliance), recorded
/// under the officer's staff name. Registered by `addSurveillanceRoutes(_:surveillance:)`.
extension GatewayCore {
    func addSurveillanceRoutes(_ router: Router<GatewayRequestContext>, surveillance: SurveillanceService?) {
        route(router, .get, "/v1/compliance/surveillance/alerts", .complianceRead) { _, _, caller in
            try Self.allowOnly(["status"], caller)
            var status: AlertStatus?
            if let text = caller.query["status"] {
                guard let value = AlertStatus(rawValue: text) else {
                    throw ApiError.invalidParameter("'status' must be one of \(AlertStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                status = value
            }
            let surveillance = try await Self.requireCurrent(surveillance)
            return .array(await surveillance.alerts(status: status).map(SurveillanceJSON.alert))
        }
        for (verb, fields, required) in [("assign", ["assignee": FieldKind.string], Set(["assignee"])),
                                         ("review", [:], []),
                                         ("close", ["comment": FieldKind.string], Set(["comment"]))] {
            route(router, .post, "/v1/compliance/surveillance/alerts/{id}/\(verb)", .complianceWrite) { [self] _, context, caller in
                try Self.allowOnly([], caller)
                guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
                    throw ApiError.invalidParameter("alert id must be a positive integer")
                }
                // `review` takes no body (an empty one, or `{}`).
                let body = caller.body.isEmpty && required.isEmpty ? nil : try RequestBody(caller.body, schema: BodySchema(fields, required: required))
                let action: AlertAction = switch verb {
                case "assign": .assign(to: body?.string("assignee") ?? "")
                case "review": .review
                default: .close(comment: body?.string("comment") ?? "")
                }
                let actor = caller.staffName ?? ""
                let surveillance = try await Self.requireCurrent(surveillance)
                do {
                    let entry = try await surveillance.act(action, on: id, by: actor, at: host.options.clock())
                    return SurveillanceJSON.entry(entry)
                } catch let refusal as AlertWorkflowError {
                    throw refusal == .unknownAlert ? ApiError.notFound("no alert \(id)")
                        : ApiError(.conflict, refusal.rawValue, refusal.message)
                }
            }
        }
        route(router, .get, "/v1/compliance/market-makers/obligations", .complianceRead) { _, _, caller in
            try Self.allowOnly(["date"], caller)
            guard let date = caller.query["date"], Self.isDate(date) else {
                throw ApiError.invalidParameter("'date' must be YYYY-MM-DD")
            }
            let surveillance = try await Self.requireCurrent(surveillance)
            return .array(await surveillance.obligations(date: date).map(SurveillanceJSON.report))
        }
    }

    @discardableResult
    static func requireCurrent(_ surveillance: SurveillanceService?) async throws(ApiError) -> SurveillanceService {
        guard let surveillance else { throw ApiError.notReady("surveillance is not running on this server") }
        guard await surveillance.started else { throw ApiError.notReady("surveillance is still replaying the journal") }
        guard await !surveillance.behind else { throw ApiError.notReady("surveillance missed outcomes; restart to recompute from the journal") }
        return surveillance
    }

    static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return bytes.enumerated().allSatisfy { index, byte in index == 4 || index == 7 || (byte >= 48 && byte <= 57) }
    }
}
