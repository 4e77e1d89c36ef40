/// Who may call a route (REG-4). Public routes are rate-limited per IP; signed routes
/// need a valid signature, one of `roles`, and `permission` on the key, and are
/// rate-limited per key.
enum AccessPolicy: Sendable {
    case open
    case signed(roles: Set<Role>, permission: Permission)

    /// Client and market-maker keys acting on their own account.
    static func account(_ p: Permission) -> AccessPolicy { .signed(roles: [.client, .marketMaker], permission: p) }
    /// Operator keys changing venue state.
    static let operatorWrite = AccessPolicy.signed(roles: [.operator], permission: .trade)
    /// Operator and supervisor keys reading venue-wide data.
    static let oversightRead = AccessPolicy.signed(roles: [.operator, .supervisor], permission: .read)
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
}
