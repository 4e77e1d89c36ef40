/// What a credential is for (REG-4). Clients and market makers act on their own
/// account only; operators administer the venue; the supervisor reads and never acts.
public enum Role: String, Sendable, Codable, CaseIterable {
    case client
    case marketMaker
    case `operator`
    case supervisor

    /// Whether keys of this role are bound to one trading account.
    public var hasAccount: Bool { self == .client || self == .marketMaker }
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
    public let permissions: Set<Permission>
    public let rateLimit: RateLimitPolicy
    public let createdAt: Int64

    public init(key: String, secret: String, role: Role, account: String?, permissions: Set<Permission>,
                rateLimit: RateLimitPolicy, createdAt: Int64) {
        self.key = key
        self.secret = secret
        self.role = role
        self.account = account
        self.permissions = permissions
        self.rateLimit = rateLimit
        self.createdAt = createdAt
    }

    public var description: String {
        "ApiKey(\(key), role: \(role.rawValue), account: \(account ?? "-"), permissions: \(permissions.map(\.rawValue).sorted()))"
    }
}
