import Hummingbird

/// Compliance views (REG-4, MM-3): the information-barrier log, for compliance and the
/// read-only supervisor (`complianceRead`). Onboarding and classification are ComplianceRoutes.swift.
extension GatewayCore {
    func addBarrierRoutes(_ router: Router<GatewayRequestContext>) {
        route(router, .get, "/v1/compliance/barrier-events", .complianceRead) { [self] _, _, caller in
            try Self.allowOnly(["limit", "afterId"], caller)
            let limit = try Self.intParameter(caller, "limit", default: 100, max: 1000)
            var after: Int64 = 0
            if let text = caller.query["afterId"] {
                guard let value = Int64(text), value >= 0, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw ApiError.invalidParameter("'afterId' must be a barrier event id (a non-negative integer)")
                }
                after = value
            }
            let rows = barrier.all.filter { $0.id > after }.prefix(limit)
            return .array(rows.map(Self.barrierJSON))
        }
    }

    static func barrierJSON(_ event: BarrierEvent) -> JSON {
        .object([
            ("id", .int(event.id)), ("time", .int(event.time)), ("key", .string(event.key)), ("account", .string(event.account)),
            ("route", .string(event.route)), ("kind", .string(event.kind.rawValue)), ("attempted", .string(event.attempted)),
        ])
    }
}
