import CommandInput
import Engine
import HarbourCore
import Hummingbird

/// Staff routes (REG-4, DECISIONS 32): operations opens accounts, issues API keys, moves
/// money and sets instrument status; the risk team tops up the insurance fund; every staff
/// role, the supervisor included, reads the account list. Each change is logged with the
/// staff name of the key that made it.
extension GatewayCore {
    func addAdminRoutes(_ router: Router<GatewayRequestContext>) {
        route(router, .post, "/v1/admin/accounts", .operationsWrite) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .openAccount))
            let command = try await command(.openAccount, body.fields, account: nil)
            return try await adminSubmit(command, by: caller)
        }
        route(router, .get, "/v1/admin/accounts", .staffRead) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let asset = self.asset
            let rows = try await host.read { engine -> [JSON] in
                (0..<engine.accountCount).map { i -> JSON in
                    let a = AccountID(UInt32(i))
                    let m = engine.marginSummary(a)
                    return .object([
                        ("account", .string(engine.accountName(a))), ("cash", .string(Fmt.money(engine.cash(a), asset))),
                        ("equity", .string(Fmt.money(m.equity, asset))), ("initialMargin", .string(Fmt.money(m.initialRequired, asset))),
                        ("maintenanceMargin", .string(Fmt.money(m.maintenanceRequired, asset))),
                        ("available", .string(Fmt.money(m.available, asset))),
                    ])
                }
            }
            return .array(rows)
        }
        route(router, .post, "/v1/admin/api-keys", .operationsWrite) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let body = try RequestBody(caller.body, schema: BodySchema(
                ["account": .string, "role": .string, "staff": .string, "permissions": .stringArray, "rateLimit": .object],
                required: ["role", "permissions"]))
            guard let role = Role(rawValue: body.string("role") ?? "") else {
                if body.string("role") == "operator" {
                    throw ApiError.invalidField("the operator role is split into risk, compliance and operations (DECISIONS 32)")
                }
                throw ApiError.invalidField("role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var permissions = Set<Permission>()
            for p in body.strings("permissions") ?? [] {
                guard let v = Permission(rawValue: p) else { throw ApiError.invalidField("permission '\(p)' is not read or trade") }
                permissions.insert(v)
            }
            if role == .supervisor && permissions.contains(.trade) {
                throw ApiError.invalidField("a supervisor key is read-only: it cannot have the trade permission")
            }
            let account = body.string("account")
            if role.hasAccount {
                guard let account else { throw ApiError.missingField("account") }
                _ = try await accountID(account)
            } else if account != nil {
                throw ApiError.invalidField("\(role.rawValue) keys are not bound to an account")
            }
            let staff = body.string("staff")
            if role.isStaff {
                guard let staff else { throw ApiError.missingField("staff") }
                guard ApiKey.isValidStaffName(staff) else {
                    throw ApiError.invalidField("staff must be 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and '-'")
                }
            } else if staff != nil {
                throw ApiError.invalidField("\(role.rawValue) keys belong to an account, not to a staff member")
            }
            var limit = RateLimitPolicy.standard
            if let rl = body.object["rateLimit"] as? [String: Any] {
                let inner = try RequestBody(object: rl, schema: BodySchema(["requests": .integer, "perSeconds": .integer],
                                                                           required: ["requests", "perSeconds"]))
                guard let r = inner.int("requests"), let s = inner.int("perSeconds"), r > 0, r <= 100_000, s > 0, s <= 86_400 else {
                    throw ApiError.invalidField("rateLimit needs requests 1...100000 and perSeconds 1...86400")
                }
                limit = RateLimitPolicy(requests: Int(r), perSeconds: Int(s))
            }
            let key: ApiKey
            do {
                key = try keys.create(role: role, account: account, staff: staff, permissions: permissions, rateLimit: limit, now: clock.nowMillis())
            } catch let p as ApiKeyStore.Problem {
                throw ApiError.invalidField(p.description)
            }
            logger.notice("api key created", metadata: ["key": .string(key.key), "role": .string(role.rawValue),
                                                        "account": .string(account ?? "-"), "staff": .string(staff ?? "-"),
                                                        "by": .string(caller.key?.key ?? "-"), "byStaff": .string(caller.staffName ?? "-")])
            return .object([
                ("key", .string(key.key)), ("secret", .string(key.secret)), ("role", .string(role.rawValue)),
                ("account", account.map { .string($0) } ?? .null),
                ("staff", staff.map { .string($0) } ?? .null),
                ("permissions", .array(Permission.allCases.filter { permissions.contains($0) }.map { .string($0.rawValue) })),
                ("rateLimit", .object([("requests", .int(Int64(limit.requests))), ("perSeconds", .int(Int64(limit.perSeconds)))])),
            ])
        }
        for (path, type) in [("/v1/admin/deposits", CommandType.deposit), ("/v1/admin/withdrawals", .withdraw)] {
            route(router, .post, path, .operationsWrite) { [self] _, _, caller in
                try Self.allowOnly([], caller)
                let body = try RequestBody(caller.body, schema: BodySchema(command: type))
                let command = try await command(type, body.fields, account: nil)
                return try await adminSubmit(command, by: caller)
            }
        }
        // RISK-4: the risk team tops up the insurance fund from outside the venue. Same
        // validation as deposits: a decimal-string amount at the asset's scale; the engine
        // refuses a non-positive amount or another asset, and a refusal changes nothing.
        route(router, .post, "/v1/admin/insurance-fund/deposits", .riskWrite) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .insuranceDeposit))
            let command = try await command(.insuranceDeposit, body.fields, account: nil)
            let reply = try await adminSubmit(command, by: caller)
            logger.notice("insurance fund top-up", metadata: ["asset": .string(body.string("asset") ?? "-"),
                                                             "amount": .string(body.string("amount") ?? "-"),
                                                             "by": .string(caller.key?.key ?? "-"),
                                                             "byStaff": .string(caller.staffName ?? "-")])
            return reply
        }
        route(router, .post, "/v1/admin/instruments/{symbol}/status", .operationsWrite) { [self] _, context, caller in
            try Self.allowOnly([], caller)
            let symbol = context.parameters.get("symbol")
            _ = try instrument(symbol)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .setInstrumentStatus, omitting: ["symbol"]))
            var fields = body.fields
            fields["symbol"] = symbol.map(FieldValue.string)
            let command = try await command(.setInstrumentStatus, fields, account: nil)
            return try await adminSubmit(command, by: caller)
        }
    }

    /// Submits a staff command and answers with all its events (staff see the venue); the
    /// log line names the key and the person behind it.
    func adminSubmit(_ command: Command, by caller: Caller) async throws -> JSON {
        let outcome = try await submit(command)
        if let r = Self.rejection(in: outcome) { throw ApiError.rejection(r) }
        logger.notice("staff command", metadata: ["sequence": .stringConvertible(outcome.sequence),
                                                  "by": .string(caller.key?.key ?? "-"), "byStaff": .string(caller.staffName ?? "-")])
        return .object([("sequence", .int(Int64(outcome.sequence))), ("events", .array(outcome.json.map { .raw($0) }))])
    }
}
