import CommandInput
import Engine
import HarbourCore
import Hummingbird

/// A perpetual's risk limits over HTTP (PERP-1, REG-4): the risk team proposes a change
/// (maximum leverage, the tier table, the position limit, the open-interest cap), a
/// different risk officer approves it at `POST /v1/compliance/requests/{id}/approve`, and
/// from that command on it is the contract's next version. Anyone reads the limits in
/// force and every earlier version (without staff names: those are in the audit trail).
extension GatewayCore {
    func addRiskLimitRoutes(_ router: Router<GatewayRequestContext>) {
        route(router, .post, "/v1/risk/instruments/{symbol}/limit-requests", .riskWrite) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            let symbol = context.parameters.get("symbol")
            _ = try instrument(symbol)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .proposeRiskParameters, omitting: ["by", "symbol"]))
            var fields = body.fields
            fields["symbol"] = symbol.map(FieldValue.string)
            fields["by"] = .string(try Self.staffName(caller))
            return try await adminSubmit(try await command(.proposeRiskParameters, fields, account: nil), by: caller)
        }
        route(router, .get, "/v1/instruments/{symbol}/risk-limits", .open) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            let id = InstrumentID(UInt16(try instrument(context.parameters.get("symbol"))))
            return try await host.read { engine in Self.riskLimitsJSON(engine, id) }
        }
    }

    /// The limits in force and the history of versions, version 0 being the configuration's.
    static func riskLimitsJSON(_ engine: Engine, _ id: InstrumentID) -> JSON {
        let spec = engine.spec(id)
        func limits(_ l: RiskLimits) -> [(String, JSON)] {
            let applied = l.applied(to: spec)
            return [("maxLeverage", .int(l.maxLeverage)), ("positionLimit", .string(Fmt.size(l.positionLimit, spec))),
                    ("openInterestCap", .string(Fmt.size(l.openInterestCap, spec))),
                    ("tiers", .array(applied.tiers.map { t in
                        .object([("notionalCap", .string(Fmt.money(t.notionalCap, spec.settlementAsset))),
                                 ("maintenanceRate", .string(t.maintenanceRate.formatted)), ("maxLeverage", .int(t.maxLeverage)),
                                 ("deduction", .string(Fmt.money(t.deduction, spec.settlementAsset)))])
                    }))]
        }
        let i = Int(id.index)
        let genesis = RiskLimits(spec: engine.config.instruments[i], openInterestCap: engine.config.risk.instruments[i].openInterestCap)
        var history: [JSON] = [.object([("version", .int(0)), ("effectiveAt", .null), ("source", "venue configuration")] + limits(genesis))]
        for v in engine.riskLimitVersions where v.instrument == id {
            history.append(.object([("version", .int(v.version)), ("effectiveAt", .int(v.at)), ("source", "four-eyes request"),
                                    ("reason", .string(v.reason))] + limits(v.limits)))
        }
        return .object([("symbol", .string(spec.symbol)), ("version", .int(engine.riskLimitVersion(id)))]
                       + limits(engine.riskLimits(id)) + [("history", .array(history))])
    }
}
