import HTTPTypes

/// One registered route and who may call it (REG-4): what `GatewayCore.route` and
/// `GatewayCore.fapi` record, so the full role matrix can be listed and tested.
struct RouteRule: Sendable, Hashable, CustomStringConvertible {
    let method: String
    let path: String
    /// The roles a signed route admits; nil for an open route.
    let roles: Set<Role>?
    /// The permission a signed route needs; nil for an open route.
    let permission: Permission?

    init(_ method: HTTPRequest.Method, _ path: String, _ access: AccessPolicy) {
        self.method = method.rawValue
        self.path = path
        self.roles = access.roles
        self.permission = access.permission
    }

    /// Whether a key of `role` passes the role check (open routes admit everyone).
    func admits(_ role: Role) -> Bool { roles?.contains(role) ?? true }

    var description: String {
        let who = roles.map { Role.allCases.filter($0.contains).map(\.rawValue).joined(separator: ",") } ?? "open"
        return "\(method) \(path) [\(who)]\(permission.map { " " + $0.rawValue } ?? "")"
    }
}
