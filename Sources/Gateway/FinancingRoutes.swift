import CommandInput
import Engine
import HarbourCore
import Hummingbird

/// Margin financing over HTTP (FIN-1..6). Clients open loans, pledge and release BTC,
/// ETH and shares, draw and repay, and read their loans with margin ratio, call and
/// forced sales (notices also reach their private stream). Compliance records margin
/// clients and credit assessments; operations record the broker's capital, securities'
/// reference prices and the securities desk's forced-sale fills; staff read the loan
/// book and the stress test. Every change is an engine command, journaled; the staff
/// member is the caller's key, never a body field.
extension GatewayCore {
    func addFinancingRoutes(_ router: Router<GatewayRequestContext>) {
        route(router, .post, "/v1/loans", .account(.trade)) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            if !caller.body.isEmpty { _ = try RequestBody(caller.body, schema: BodySchema([:])) }
            return try await clientSubmit(.loanOpen, CommandFields([:]), caller)
        }
        let clientOperations: [(String, CommandType)] = [
            ("pledge", .collateralPledge), ("release", .collateralRelease), ("drawdown", .loanDrawdown), ("repay", .loanRepay),
        ]
        for (verb, type) in clientOperations {
            route(router, .post, "/v1/loans/{loan}/" + verb, .account(.trade)) { [self] _, context, caller in
                try Self.allowOnly([], caller)
                let body = try RequestBody(caller.body, schema: BodySchema(command: type, omitting: ["account", "loan"]))
                var fields = body.fields
                fields["loan"] = .string(context.parameters.get("loan") ?? "")
                return try await clientSubmit(type, fields, caller)
            }
        }
        route(router, .get, "/v1/loans", .account(.read)) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let id = try await accountID(caller.accountName)
            return try await host.read { engine in FinancingJSON.clientLoans(id, engine: engine) }
        }
        let staff: [(String, CommandType, AccessPolicy)] = [
            ("/v1/financing/clients", .financingClient, Self.complianceWrite),
            ("/v1/financing/credit-assessments", .creditAssessment, Self.complianceWrite),
            ("/v1/financing/capital", .brokerCapital, .operationsWrite),
            // Four-eyes (REG-4): a credit limit (a waiver above the rule) by compliance, a haircut or limits by risk;
            // decided at POST /v1/compliance/requests/{requestId}/approve by a different person.
            ("/v1/financing/credit-limit-requests", .proposeCreditLimit, Self.complianceWrite),
            ("/v1/financing/haircut-requests", .proposeHaircut, .riskWrite),
            // FIN-3 limits: the risk team, four-eyes, the request's reason logged.
            ("/v1/financing/limit-requests", .proposeFinancingLimits, .riskWrite),
        ]
        for (path, type, policy) in staff {
            route(router, .post, path, policy) { [self] _, _, caller in
                try Self.allowOnly([], caller)
                let body = try RequestBody(caller.body, schema: BodySchema(command: type, omitting: ["by"]))
                var fields = body.fields
                fields["by"] = .string(try Self.staffName(caller))
                return try await adminSubmit(try await command(type, fields, account: nil), by: caller)
            }
        }
        route(router, .post, "/v1/financing/collateral-prices", .operationsWrite) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .collateralPrice, omitting: []))
            return try await adminSubmit(try await command(.collateralPrice, body.fields, account: nil), by: caller)
        }
        route(router, .post, "/v1/financing/forced-sales/{instruction}/fill", .operationsWrite) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .forcedSaleFill, omitting: ["instruction"]))
            var fields = body.fields
            fields["instruction"] = .string(context.parameters.get("instruction") ?? "")
            return try await adminSubmit(try await command(.forcedSaleFill, fields, account: nil), by: caller)
        }
        route(router, .get, "/v1/financing/loans", .staffRead) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            return try await host.read { engine in FinancingJSON.loanBook(engine: engine) }
        }
        route(router, .get, "/v1/financing/stress", .riskRead) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            return try await host.read { engine in FinancingJSON.stress(engine: engine) }
        }
    }

    /// A client's own financing command: sequenced for the caller's account; its own events.
    func clientSubmit(_ type: CommandType, _ fields: CommandFields, _ caller: Caller) async throws -> JSON {
        let command = try await command(type, fields, account: caller.accountName)
        let outcome = try await submit(command)
        if let r = Self.rejection(in: outcome) { throw ApiError.rejection(r) }
        let id = try await accountID(caller.accountName)
        return .object([("sequence", .int(Int64(outcome.sequence))), ("events", visibleEvents(outcome, account: id))])
    }
}
