/// What a credential is for (REG-4, DECISIONS 32). Clients and market makers act on their
/// own account only. Staff keys belong to one named person (`ApiKey.staff`) and do one
/// team's work: `operations` runs accounts, keys, money movements and instrument status;
/// `risk` reads risk views and tops up the insurance fund; `compliance` reads the audit head
/// and the information-barrier log. The `supervisor` reads every staff view and never acts.
/// Which routes each role may call is the gateway's route registry (`GatewayCore.routeRules`).
public enum Role: String, Sendable, Codable, CaseIterable {
    case client
    case marketMaker
    case risk
    case compliance
    case operations
    case supervisor

    /// Whether keys of this role are bound to one trading account.
    public var hasAccount: Bool { self == .client || self == .marketMaker }

    /// Whether keys of this role are the venue's staff (named people, no account).
    public var isStaff: Bool { !hasAccount }

    /// The role of a stored key. The single `operator` role of earlier versions is read as
    /// `operations` (DECISIONS 32): it did what operations does now (accounts, keys, money,
    /// instrument status); its risk reads and fund top-ups move to the `risk` role.
    public static func stored(_ rawValue: String) -> Role? {
        rawValue == "operator" ? .operations : Role(rawValue: rawValue)
    }
}

/// What a key may do within its role.
public enum Permission: String, Sendable, Codable, CaseIterable, Hashable {
    case read
    case trade
}

/// A token bucket's size: `requests` per `perSeconds` seconds, bursts up to `requests`.
public struct RateLimitPolicy: Sendable, Codable, Hashable {
    public var requests: Int
    public var perSeconds: Int

    public init(requests: Int, perSeconds: Int) {
        precondition(requests > 0 && perSeconds > 0, "a rate limit must be positive")
        self.requests = requests
        self.perSeconds = perSeconds
    }

    /// The default per-key limit: 20 requests per second.
    public static let standard = RateLimitPolicy(requests: 20, perSeconds: 1)
}

/// An API credential as the gateway uses it in memory. The secret is here in clear
/// because HMAC verification needs it; it is only ever written to disk encrypted
/// (see `ApiKeyStore`) and never logged (`description` leaves it out).
public struct ApiKey: Sendable, CustomStringConvertible {
    public let key: String
    public let secret: String
    public let role: Role
    /// The trading account's name, for client and market-maker keys.
    public let account: String?
    /// The person a staff key belongs to (REG-4: maker and checker are recorded by this
    /// name); nil for client and market-maker keys.
    public let staff: String?
    public let permissions: Set<Permission>
    public let rateLimit: RateLimitPolicy
    public let createdAt: Int64

    public init(key: String, secret: String, role: Role, account: String?, staff: String? = nil, permissions: Set<Permission>,
                rateLimit: RateLimitPolicy, createdAt: Int64) {
        self.key = key
        self.secret = secret
        self.role = role
        self.account = account
        self.staff = staff
        self.permissions = permissions
        self.rateLimit = rateLimit
        self.createdAt = createdAt
    }

    public var description: String {
        "ApiKey(\(key), role: \(role.rawValue), account: \(account ?? "-"), staff: \(staff ?? "-"), permissions: \(permissions.map(\.rawValue).sorted()))"
    }

    /// Whether `name` may be a staff name: 1 to 64 characters from a-z, A-Z, 0-9, '.', '_', '-'.
    public static func isValidStaffName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { c in
                (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x5F || c == 0x2D
            }
    }
}
