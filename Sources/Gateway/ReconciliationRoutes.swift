import Engine
import Hummingbird
import ReadModel

/// `GET /v1/reconciliation` (issue 16 item 4): the ledger reconciliation of the live engine,
/// on demand, for the risk team, compliance and the supervisor (`recordsRead`). Read after
/// the last durable command: every asset's books sum to zero, the engine's invariants hold
/// (positions pool = clients' open PnL), client books = cash + collateral + pool + funding
/// in transit, house books = fees + rounding + insurance. The read-model-vs-journal and
/// custody checks need the whole journal replayed: `harbour reconcile DIR` (docs/OPERATOR.md).
extension GatewayCore {
    func addReconciliationRoutes(_ router: Router<GatewayRequestContext>) {
        route(router, .get, "/v1/reconciliation", .recordsRead) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let (sequence, result) = try await host.read { engine in (engine.commandCount, LedgerReconciliation(engine: engine)) }
            return .object([
                ("reconciled", .bool(result.findings.isEmpty)),
                ("sequence", .int(sequence)),
                ("assets", .array(result.assets.map { a in
                    .object([
                        ("asset", .string(a.asset)), ("clientCash", .string(a.clientCash)),
                        ("clientCollateral", .string(a.clientCollateral)), ("positionsPool", .string(a.positionsPool)),
                        ("fundingInTransit", .string(a.fundingInTransit)), ("clientBooks", .string(a.clientBooks)),
                        ("houseFees", .string(a.houseFees)), ("houseRounding", .string(a.houseRounding)),
                        ("insuranceFund", .string(a.insuranceFund)), ("houseBooks", .string(a.houseBooks)),
                        ("external", .string(a.external)), ("sum", .string(a.sum)),
                    ])
                })),
                ("findings", .array(result.findings.map { f in
                    .object([("check", .string(f.check)), ("subject", .string(f.subject)),
                             ("expected", .string(f.expected)), ("actual", .string(f.actual))])
                })),
            ])
        }
    }
}
