import Hummingbird
import HTTPTypes
import Logging

/// Wraps every route (and the not-found fallback): turns any error into the JSON error
/// format with its status, adds the rate-limit headers the route recorded, applies the
/// per-IP limit to unmatched paths, records request latency per route and writes one
/// structured log line per request (method, route, status, duration, key id — never a
/// secret, signature or body).
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let core: GatewayCore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        // Set by the router before route middleware runs; nil means no route matched.
        let matched = context.endpointPath
        var response: Response
        do {
            response = try await next(request, context)
        } catch let e as ApiError {
            response = Self.render(e)
        } catch let e as HTTPError {
            response = Self.render(Self.map(e.status, e.body, request))
        } catch let e as any HTTPResponseError {
            response = Self.render(Self.map(e.status, nil, request))
        } catch {
            core.logger.error("unhandled error", metadata: ["path": .string(request.uri.path), "error": .string(String(describing: error))])
            response = Self.render(ApiError.internalError)
        }
        let route = matched ?? "unmatched"
        if matched == nil {
            let d = core.limiter.check("ip:" + context.remoteIP, policy: core.configuration.publicRateLimit)
            if !d.allowed {
                response = Self.render(ApiError(.tooManyRequests, "RATE_LIMITED", "rate limit exceeded"))
            }
            context.annotations.rateLimitHeaders = d.headers
        }
        for (name, value) in context.annotations.rateLimitHeaders {
            if let n = HTTPField.Name(name) { response.headers[n] = value }
        }
        let elapsed = ContinuousClock.now - start
        let status = Int(response.status.code)
        core.metrics.request(route: route, method: request.method.rawValue, status: status, duration: elapsed)
        var meta: Logger.Metadata = [
            "method": .string(request.method.rawValue), "route": .string(route), "status": .stringConvertible(status),
            "micros": .stringConvertible(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000),
            "ip": .string(context.remoteIP),
        ]
        if let key = context.annotations.keyId { meta["key"] = .string(key) }
        core.logger.info("request", metadata: meta)
        return response
    }

    static func render(_ e: ApiError) -> Response {
        var r = GatewayCore.response(e.status, e.json)
        for (name, value) in e.headers { if let n = HTTPField.Name(name) { r.headers[n] = value } }
        return r
    }

    static func map(_ status: HTTPResponse.Status, _ body: String?, _ request: Request) -> ApiError {
        switch status {
        case .notFound: return ApiError.notFound("no route \(request.method.rawValue) \(request.uri.path)")
        case .contentTooLarge: return ApiError.bodyTooLarge(GatewayRequestContext.bodyLimit)
        case .methodNotAllowed: return ApiError(.methodNotAllowed, "METHOD_NOT_ALLOWED", "method not allowed here")
        case .badRequest: return ApiError(.badRequest, "BAD_REQUEST", body ?? "bad request")
        default: return ApiError(status, "HTTP_\(status.code)", body ?? status.reasonPhrase)
        }
    }
}
