import CommandInput
import Compliance
import Engine
import HarbourCore
import Hummingbird

/// Onboarding and suitability over HTTP (PI-1..3, REG-4, MM-1): compliance staff record
/// evidence and knowledge assessments, propose classifications, leverage caps, owner caps
/// and market-maker registrations, and a different staff member approves or rejects them;
/// clients read their own eligibility and acknowledge disclosures; anyone reads the
/// affiliated market makers' terms. Every change is an engine command, journaled; the
/// staff member recorded as maker or checker is the caller's key, never a body field.
extension GatewayCore {
    func addComplianceRoutes(_ router: Router<GatewayRequestContext>) {
        let proposals: [(String, CommandType)] = [
            ("/v1/compliance/evidence", .recordEvidence),
            ("/v1/compliance/classifications", .proposeClassification),
            ("/v1/compliance/leverage-caps", .proposeLeverageCap),
            ("/v1/compliance/owner-notional-caps", .proposeOwnerNotionalCap),
            ("/v1/compliance/market-makers", .proposeMarketMaker),
            ("/v1/compliance/knowledge-assessments", .recordKnowledgeAssessment),
        ]
        for (path, type) in proposals {
            route(router, .post, path, Self.complianceWrite) { [self] _, _, caller in
                try Self.allowOnly([], caller)
                let body = try RequestBody(caller.body, schema: BodySchema(command: type, omitting: ["by"]))
                var fields = body.fields
                fields["by"] = .string(try Self.staffName(caller))
                return try await adminSubmit(try await command(type, fields, account: nil), by: caller)
            }
        }
        route(router, .post, "/v1/compliance/products/{symbol}/approval", Self.complianceWrite) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            let symbol = context.parameters.get("symbol")
            _ = try instrument(symbol)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .proposeProductApproval, omitting: ["by", "symbol"]))
            var fields = body.fields
            fields["symbol"] = symbol.map(FieldValue.string)
            fields["by"] = .string(try Self.staffName(caller))
            return try await adminSubmit(try await command(.proposeProductApproval, fields, account: nil), by: caller)
        }
        // Delisting (PERP-6): proposed by compliance, approved by a different compliance officer;
        // the approval settles every open position at the mark.
        route(router, .post, "/v1/compliance/products/{symbol}/delisting", Self.complianceWrite) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            let symbol = context.parameters.get("symbol")
            _ = try instrument(symbol)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .proposeDelisting, omitting: ["by", "symbol"]))
            var fields = body.fields
            fields["symbol"] = symbol.map(FieldValue.string)
            fields["by"] = .string(try Self.staffName(caller))
            return try await adminSubmit(try await command(.proposeDelisting, fields, account: nil), by: caller)
        }
        // REG-4: a large withdrawal is proposed by operations and decided by another person of
        // operations or risk; everything else is decided by compliance.
        route(router, .post, "/v1/admin/withdrawal-requests", .operationsWrite) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .proposeWithdrawal, omitting: ["by"]))
            var fields = body.fields
            fields["by"] = .string(try Self.staffName(caller))
            return try await adminSubmit(try await command(.proposeWithdrawal, fields, account: nil), by: caller)
        }
        route(router, .post, "/v1/compliance/requests/{requestId}/approve", Self.deciderWrite) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            if !caller.body.isEmpty { _ = try RequestBody(caller.body, schema: BodySchema([:])) }
            let requestId = context.parameters.get("requestId") ?? ""
            try await checkDecider(requestId, caller)
            let fields = CommandFields(["requestId": .string(requestId), "by": .string(try Self.staffName(caller))])
            return try await adminSubmit(try await command(.approveRequest, fields, account: nil), by: caller)
        }
        route(router, .post, "/v1/compliance/requests/{requestId}/reject", Self.deciderWrite) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            try await checkDecider(context.parameters.get("requestId") ?? "", caller)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .rejectRequest, omitting: ["requestId", "by"]))
            var fields = body.fields
            fields["requestId"] = .string(context.parameters.get("requestId") ?? "")
            fields["by"] = .string(try Self.staffName(caller))
            return try await adminSubmit(try await command(.rejectRequest, fields, account: nil), by: caller)
        }
        // Every staff role lists the requests it decides (operations and risk their withdrawals and
        // haircuts, so they can check them in the console); compliance and the supervisor see all.
        route(router, .get, "/v1/compliance/requests", .staffRead) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let role = caller.key?.role
            return try await host.read { engine in
                .array(engine.pendingRequests.compactMap { id, request in
                    let kind = request.change.kindName
                    let deciders = Self.deciders(ofKind: kind)
                    guard let role, role == .supervisor || role == .compliance || deciders.contains(role) else { return nil }
                    return .object([("requestId", .string(id)), ("kind", .string(kind)),
                                    ("account", request.change.subject.map { .string(engine.accountName($0)) } ?? .null), ("maker", .string(request.maker)),
                                    ("madeAt", .int(request.madeAt)), ("reason", .string(request.reason)),
                                    ("deciders", .array(deciders.map(\.rawValue).sorted().map { .string($0) }))])
                })
            }
        }
        route(router, .get, "/v1/compliance/clients/{account}", Self.complianceRead) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            let name = context.parameters.get("account") ?? ""
            let id = try await accountID(name)
            return try await host.read { engine in Self.eligibilityJSON(engine, id, staffView: true) }
        }
        route(router, .get, "/v1/account/eligibility", .account(.read)) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let id = try await accountID(caller.accountName)
            return try await host.read { engine in Self.eligibilityJSON(engine, id, staffView: false) }
        }
        route(router, .post, "/v1/disclosures/{symbol}/acknowledge", .account(.trade)) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            let symbol = context.parameters.get("symbol")
            if symbol != Engine.financingDisclosureId { _ = try instrument(symbol) }
            let body = try RequestBody(caller.body, schema: BodySchema(command: .acknowledgeDisclosure, omitting: ["account", "symbol"]))
            var fields = body.fields
            fields["symbol"] = symbol.map(FieldValue.string)
            let command = try await command(.acknowledgeDisclosure, fields, account: caller.accountName)
            let outcome = try await submit(command)
            if let r = Self.rejection(in: outcome) { throw ApiError.rejection(r) }
            let id = try await accountID(caller.accountName)
            return .object([("sequence", .int(Int64(outcome.sequence))), ("events", visibleEvents(outcome, account: id))])
        }
        route(router, .get, "/v1/market-makers", .open) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            return try await host.read { engine in
                .array(engine.marketMakers.map { account, terms in
                    .object([("account", .string(engine.accountName(account))), ("affiliated", true),
                             ("obligations", .array(terms.map { t in
                                 let spec = engine.instrumentID(symbol: t.symbol).map(engine.spec)
                                 return .object([("symbol", .string(t.symbol)), ("maxSpreadBps", .int(t.maxSpreadBps)),
                                                 ("minSize", .string(spec.map { Fmt.size(t.minSize, $0) } ?? String(t.minSize))),
                                                 ("minPresenceBps", .int(t.minPresenceBps)),
                                                 ("requoteAfterInterruptionMs", .int(t.requoteAfterInterruptionMs)),
                                                 ("feeSchedule", "the venue's public fee tiers (MM-2: no preferential fees)")])
                             }))])
                })
            }
        }
    }

    /// Compliance staff changing records (four-eyes: maker and checker are two named people).
    static let complianceWrite = AccessPolicy.complianceWrite
    /// Compliance staff and the supervisor reading records.
    static let complianceRead = AccessPolicy.complianceRead
    /// Who may decide a four-eyes request at all; `checkDecider` then narrows it by kind.
    static let deciderWrite = AccessPolicy.signed(roles: [.compliance, .operations, .risk], permission: .trade)

    /// Who decides a request of `kind`: a withdrawal operations or risk, a haircut or the
    /// financing limits risk, everything else compliance (REG-4; one table for the check
    /// and the list).
    static func deciders(ofKind kind: String) -> Set<Role> {
        switch kind {
        case "withdrawal": [.operations, .risk]
        case "haircut", "financingLimits", "riskParameters": [.risk]
        default: [.compliance]
        }
    }

    /// A withdrawal is decided by operations or risk, every other request by compliance
    /// (an unknown id is left to the engine, which answers UNKNOWN_REQUEST).
    func checkDecider(_ requestId: String, _ caller: Caller) async throws {
        let kind = try await host.read { engine in engine.pendingRequests.first { $0.id == requestId }?.request.change.kindName }
        guard let kind, let role = caller.key?.role else { return }
        let allowed = Self.deciders(ofKind: kind)
        guard allowed.contains(role) else {
            throw ApiError.forbiddenRole("a \(kind) request is decided by \(allowed.map(\.rawValue).sorted().joined(separator: " or ")), not \(role.rawValue)")
        }
    }

    /// The staff member a key stands for (the key's `staff` name): recorded as maker or checker.
    static func staffName(_ caller: Caller) throws(ApiError) -> String {
        guard let name = caller.staffName, !name.isEmpty else { throw ApiError.forbiddenRole("a named staff key is required") }
        return name
    }

    /// A client's eligibility (PI-3) as the client or staff see it: classification and
    /// expiry, knowledge, acknowledgements against the current versions, caps, and per
    /// contract whether it may add risk now and, if not, the rule, the message and the steps left.
    static func eligibilityJSON(_ engine: Engine, _ id: AccountID, staffView: Bool) -> JSON {
        let record = engine.complianceRecord(id)
        let now = engine.lastTimestamp
        var classification: JSON = .null
        if let c = record?.classification {
            var fields: [(String, JSON)] = [("investorKind", .string(c.kind.rawValue)), ("assessedAt", .int(c.assessedAt)),
                                            ("expiresAt", .int(c.expiresAt)), ("current", .bool(c.isCurrent(at: now)))]
            if staffView {
                fields += [("proposedBy", .string(c.proposedBy)), ("approvedBy", .string(c.approvedBy)),
                           ("beneficialOwners", .array(c.beneficialOwners.map(JSON.string)))]
            }
            classification = .object(fields)
        }
        var knowledge: JSON = .null
        if let k = record?.knowledge {
            knowledge = .object([("passed", .bool(k.passed)), ("assessedAt", .int(k.assessedAt))])
        }
        var products: [JSON] = []
        for i in engine.config.instruments.indices {
            let instrument = InstrumentID(UInt16(i)), symbol = engine.spec(instrument).symbol
            let current = engine.disclosureVersion(instrument)
            let acknowledged = record?.acknowledgements[symbol]?.version
            var steps: [JSON] = []
            if record?.classification?.kind.isProfessional != true || record?.classification?.isCurrent(at: now) != true {
                steps.append("ask compliance to classify the account as a professional investor (evidence, then maker and checker)")
            }
            if record?.classification?.kind.needsKnowledgeAssessment != false, record?.knowledge?.passed != true {
                steps.append("pass the derivatives knowledge assessment")
            }
            if acknowledged.map(Int64.init) != current {
                steps.append(.string("read GET /v1/disclosures/\(symbol) and acknowledge version \(current): POST /v1/disclosures/\(symbol)/acknowledge"))
            }
            let refusal = engine.eligibility(id, instrument)
            var row: [(String, JSON)] = [
                ("symbol", .string(symbol)), ("eligible", .bool(refusal == nil)),
                ("disclosureVersion", .int(current)), ("acknowledgedVersion", acknowledged.map { .int(Int64($0)) } ?? .null),
                ("leverage", .int(engine.position(id, instrument).leverage)),
                ("leverageCap", record?.leverageCaps[symbol].map(JSON.int) ?? .null),
            ]
            if let refusal {
                row += [("code", .string(refusal.code.rawValue)), ("message", .string(refusal.message)), ("steps", .array(steps))]
            }
            products.append(.object(row))
        }
        var out: [(String, JSON)] = [("account", .string(engine.accountName(id))), ("classification", classification),
                                     ("knowledgeAssessment", knowledge), ("products", .array(products))]
        if engine.financingDisclosureVersion > 0 {
            // Margin financing's own disclosure: a drawdown needs its current version acknowledged.
            let symbol = Engine.financingDisclosureId, current = engine.financingDisclosureVersion
            let acknowledged = record?.acknowledgements[symbol]?.version
            var row: [(String, JSON)] = [("symbol", .string(symbol)), ("disclosureVersion", .int(current)),
                                         ("acknowledgedVersion", acknowledged.map { .int(Int64($0)) } ?? .null)]
            if acknowledged.map(Int64.init) != current {
                row.append(("steps", .array([.string("read GET /v1/disclosures/\(symbol) and acknowledge version \(current): POST /v1/disclosures/\(symbol)/acknowledge")])))
            }
            out.append(("financingDisclosure", .object(row)))
        }
        if staffView, let evidence = engine.recordedEvidence(id) {
            out.append(("evidence", .array(evidence.portfolio.map { item in
                .object([("kind", .string(item.kind.rawValue)), ("amount", .string(item.amount.description)), ("asOf", .int(item.asOf)),
                         ("holding", .string(item.holding.rawValue)), ("source", .string(item.source))])
            })))
        }
        return .object(out)
    }
}
