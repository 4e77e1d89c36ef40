import Hummingbird
import HTTPTypes

/// Answers a request whose path is routed but not for its method with 405 and an `Allow`
/// header listing the methods the path has, instead of the router's 404. Native paths get
/// the API's error shape (`METHOD_NOT_ALLOWED`), `/fapi` paths Binance's (-5000, as for
/// other unsupported requests there). Installed last, so it sees every registered route
/// and, being innermost, only requests no route matched.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    /// Registered routes: path pattern and method.
    let routes: [(path: RouterPath, method: HTTPRequest.Method)]

    init(routes: [(path: RouterPath, method: HTTPRequest.Method)]) { self.routes = routes }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as any HTTPResponseError where e.status == .notFound {
            // Added after every route, this middleware wraps only the router's not-found
            // responder: a 404 here means no route matched path and method.
            let allowed = allowedMethods(request.uri.path)
            guard !allowed.isEmpty else { throw e }
            let allow = allowed.joined(separator: ", ")
            var response: Response
            if request.uri.path.hasPrefix("/fapi/") {
                response = BinanceError(.methodNotAllowed, -5000, "Method \(request.method.rawValue) is not supported on \(request.uri.path); allowed: \(allow).",
                                        harbourCode: "METHOD_NOT_ALLOWED").response
            } else {
                var error = ApiError(.methodNotAllowed, "METHOD_NOT_ALLOWED", "\(request.uri.path) does not accept \(request.method.rawValue); allowed: \(allow)")
                error.headers = [("Allow", allow)]
                response = GatewayMiddleware.render(error)
            }
            response.headers[.allow] = allow
            return response
        }
    }

    /// The methods routed for `path`, sorted (empty when the path itself is unknown).
    func allowedMethods(_ path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var methods = Set<String>()
        for route in routes where Self.matches(route.path, segments) { methods.insert(route.method.rawValue) }
        return methods.sorted()
    }

    static func matches(_ pattern: RouterPath, _ segments: [Substring]) -> Bool {
        let parts = pattern.components
        if parts.last?.description == "**" { return segments.count >= parts.count - 1 && zip(parts, segments).allSatisfy { $0 ~= $1 } }
        guard parts.count == segments.count else { return false }
        return zip(parts, segments).allSatisfy { $0 ~= $1 }
    }
}
