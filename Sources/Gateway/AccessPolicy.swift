/// Who may call a route (REG-4, DECISIONS 32). Public routes are rate-limited per IP;
/// signed routes need a valid signature, one of `roles`, and `permission` on the key, and
/// are rate-limited per key. Every route's list is recorded in the route registry
/// (`GatewayCore.routeRules`) as it is registered, and `RouteRoleMatrixTests` pins it.
enum AccessPolicy: Sendable {
    case open
    case signed(roles: Set<Role>, permission: Permission)

    /// Client and market-maker keys acting on their own account.
    static func account(_ p: Permission) -> AccessPolicy { .signed(roles: [.client, .marketMaker], permission: p) }
    /// Operations changing venue state: accounts, API keys, deposits and withdrawals,
    /// instrument status.
    static let operationsWrite = AccessPolicy.signed(roles: [.operations], permission: .trade)
    /// The risk team changing venue state: insurance-fund top-ups (risk parameters later).
    static let riskWrite = AccessPolicy.signed(roles: [.risk], permission: .trade)
    /// Risk views (alerts, stress tests): the risk team and the supervisor.
    static let riskRead = AccessPolicy.signed(roles: [.risk, .supervisor], permission: .read)
    /// Compliance changing records: onboarding evidence, classifications, caps, market-maker
    /// registrations, four-eyes decisions (PI-1, PI-2, REG-4, MM-1).
    static let complianceWrite = AccessPolicy.signed(roles: [.compliance], permission: .trade)
    /// Compliance views (audit head, information-barrier events): compliance and the supervisor.
    static let complianceRead = AccessPolicy.signed(roles: [.compliance, .supervisor], permission: .read)
    /// Records and controls (reconciliation, issue 16): risk, compliance and the supervisor.
    static let recordsRead = AccessPolicy.signed(roles: [.risk, .compliance, .supervisor], permission: .read)
    /// Venue-wide views every staff team needs (the account list): all staff roles.
    static let staffRead = AccessPolicy.signed(roles: [.operations, .risk, .compliance, .supervisor], permission: .read)

    /// The roles this policy admits; nil for an open route (anyone, signed or not).
    var roles: Set<Role>? {
        guard case .signed(let roles, _) = self else { return nil }
        return roles
    }

    /// The permission this policy needs; nil for an open route.
    var permission: Permission? {
        guard case .signed(_, let permission) = self else { return nil }
        return permission
    }
}

/// The caller of a route once the wrapper has checked it: the key (nil on public
/// routes) and the request body as read.
struct Caller: Sendable {
    let key: ApiKey?
    let body: [UInt8]
    let query: [String: String]

    /// The account name of a client or market-maker key.
    var accountName: String {
        get throws(ApiError) {
            guard let name = key?.account else { throw ApiError.forbiddenRole("this key is not bound to an account") }
            return name
        }
    }

    /// The person behind a staff key (who made or checked a change); nil on public routes
    /// and for client and market-maker keys.
    var staffName: String? { key?.staff }
}
