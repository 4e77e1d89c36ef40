import Engine
import HarbourCore
import Hummingbird
import Ledger
import ReadModel

/// Platform risk (RISK-4, RISK-6): the insurance fund and per-instrument risk metrics are
/// public; alerts and stress tests are for the risk team and the read-only supervisor
/// (`riskRead`); the audit head is for compliance and the supervisor (`complianceRead`).
extension GatewayCore {
    /// Alert kinds as published in `riskAlert` events.
    static let riskAlertKinds: Set<String> = ["volatility", "concentration", "openInterest", "insuranceCoverage", "financingControl"]

    func addRiskRoutes(_ router: Router<GatewayRequestContext>) {
        route(router, .get, "/v1/audit/head", .complianceRead) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            guard let audit = configuration.auditTrail else { throw ApiError.notReady("this venue keeps no audit trail") }
            let head = await audit.lastHead
            let recorded = await audit.lastSequence
            let hash = await audit.lastHash
            var fields: [(String, JSON)] = [("recordedThrough", .int(Int64(recorded))), ("recordedHash", .string(hash))]
            if let head {
                fields += [("sequence", .int(Int64(head.sequence))), ("hash", .string(head.hash)), ("publishedAt", .int(head.publishedAt))]
            }
            return .object(fields)
        }
        route(router, .get, "/v1/insurance-fund", .open) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let code = asset.code
            // The engine's ledger book, read after the last durable command: exact and current.
            let (seq, balance) = try await host.read { engine -> (Int64, Int64) in
                let book = engine.ledger.existingBook(.insuranceFund(asset: code))
                return (engine.commandCount, book.map { engine.ledger.balance($0) } ?? 0)
            }
            return .object([("asset", .string(code)), ("balance", .string(Fmt.money(balance, asset))), ("sequence", .int(seq))])
        }
        route(router, .get, "/v1/risk/metrics", .open) { [self] _, _, caller in
            try Self.allowOnly(["symbol"], caller)
            var symbol: String?
            if let s = caller.query["symbol"] { symbol = specs[try instrument(s)].symbol }
            guard let rows = try await history.riskMetrics() else { throw ApiError.notReady("risk metrics need the read model") }
            return .array(rows.filter { symbol == nil || $0.symbol == symbol }.map(RiskJSON.metrics))
        }
        route(router, .get, "/v1/risk/alerts", .riskRead) { [self] _, _, caller in
            try Self.allowOnly(["active", "kind", "symbol", "limit"], caller)
            var filter = RiskAlertFilter(limit: try Self.intParameter(caller, "limit", default: 100, max: 1000))
            switch caller.query["active"] {
            case nil, "false": filter.activeOnly = false
            case "true": filter.activeOnly = true
            default: throw ApiError.invalidParameter("'active' must be true or false")
            }
            if let k = caller.query["kind"] {
                guard Self.riskAlertKinds.contains(k) else {
                    throw ApiError.invalidParameter("'kind' must be one of \(Self.riskAlertKinds.sorted().joined(separator: ", "))")
                }
                filter.kind = k
            }
            if let s = caller.query["symbol"] { filter.symbol = specs[try instrument(s)].symbol }
            guard let rows = try await history.riskAlerts(filter) else { throw ApiError.notReady("risk alerts need the read model") }
            return .array(rows.map(RiskJSON.alert))
        }
        // OPS-2: the accounts nearest liquidation (from the liquidation index, never a scan of
        // accounts) and the auto-deleveraging queue sizes, per instrument.
        route(router, .get, "/v1/risk/liquidation-watch", .riskRead) { [self] _, _, caller in
            try Self.allowOnly(["limit"], caller)
            let limit = try Self.intParameter(caller, "limit", default: 10, max: 100)
            let specs = self.specs
            return try await host.read { engine -> JSON in
                var rows: [(bps: Int64, account: String, json: JSON)] = []
                var queues: [JSON] = []
                for i in specs.indices {
                    let instrument = InstrumentID(UInt16(i)), spec = specs[i], mark = engine.marks[i]
                    for e in engine.nearestLiquidations(instrument, limit: limit) {
                        let bps = mark > 0 ? Int64((Int128(mark) - Int128(e.trigger)).magnitude * 10_000 / UInt128(mark)) : Int64.max
                        let name = engine.accountName(e.account)
                        rows.append((bps, name, .object([
                            ("account", .string(name)), ("symbol", .string(spec.symbol)), ("side", .string(e.long ? "long" : "short")),
                            ("triggerPrice", .string(Fmt.price(e.trigger, spec))), ("markPrice", .string(Fmt.price(mark, spec))),
                            ("distanceBps", mark > 0 ? .int(bps) : .null),
                        ])))
                    }
                    let sizes = engine.adlQueueSizes(instrument)
                    queues.append(.object([("symbol", .string(spec.symbol)), ("longs", .int(Int64(sizes.longs))),
                                           ("shorts", .int(Int64(sizes.shorts)))]))
                }
                rows.sort { $0.bps != $1.bps ? $0.bps < $1.bps : $0.account < $1.account }
                return .object([("sequence", .int(engine.commandCount)), ("accounts", .array(rows.prefix(limit).map(\.json))),
                                ("adlQueues", .array(queues))])
            }
        }
        route(router, .get, "/v1/risk/stress", .riskRead) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            guard let rows = try await history.stressTests() else { throw ApiError.notReady("stress tests need the read model") }
            return .array(rows.map(RiskJSON.stress))
        }
    }
}
