import HarbourCore
import Hummingbird

/// Every error the API returns: an HTTP status, a stable machine-readable code clients
/// branch on, and a message saying what was wrong. Rendered as
/// `{"code": "...", "message": "..."}` on REST and `{"op":"error",...}` on WebSocket.
public struct ApiError: Error, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Extra response headers (for example `Retry-After`).
    public var headers: [(String, String)] = []

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The JSON body.
    public var json: JSON { .object([("code", .string(code)), ("message", .string(message))]) }

    // MARK: - The catalogue

    static func malformedJSON(_ why: String) -> ApiError { ApiError(.badRequest, "MALFORMED_JSON", why) }
    static func invalidField(_ why: String) -> ApiError { ApiError(.badRequest, "INVALID_FIELD", why) }
    static func unknownField(_ name: String) -> ApiError { ApiError(.badRequest, "UNKNOWN_FIELD", "field '\(name)' is not accepted here") }
    static func missingField(_ name: String) -> ApiError { ApiError(.badRequest, "MISSING_FIELD", "missing field '\(name)'") }
    static func invalidParameter(_ why: String) -> ApiError { ApiError(.badRequest, "INVALID_PARAMETER", why) }
    static func missingAuth(_ why: String) -> ApiError { ApiError(.unauthorized, "MISSING_AUTH", why) }
    static let unknownKey = ApiError(.unauthorized, "UNKNOWN_API_KEY", "the API key is not known")
    static let invalidSignature = ApiError(.unauthorized, "INVALID_SIGNATURE", "the signature does not match the request")
    static func timestampOutsideWindow(_ ms: Int64) -> ApiError {
        ApiError(.unauthorized, "TIMESTAMP_OUTSIDE_WINDOW", "the request timestamp is more than \(ms) ms away from the server clock")
    }
    static let replayed = ApiError(.unauthorized, "REPLAYED_REQUEST",
                                   "this signature was already used (to send identical requests within one millisecond, add a fresh X-Harbour-Nonce to each)")
    static func invalidNonce(_ max: Int) -> ApiError {
        ApiError(.unauthorized, "INVALID_NONCE", "X-Harbour-Nonce must be 1 to \(max) characters from A-Z, a-z, 0-9, '_' and '-'")
    }
    static func forbiddenRole(_ why: String) -> ApiError { ApiError(.forbidden, "FORBIDDEN_ROLE", why) }
    /// A market-maker key reaching for what MM-3 keeps from it (logged as a `BarrierEvent`).
    static func informationBarrier(_ why: String) -> ApiError { ApiError(.forbidden, "INFORMATION_BARRIER", why) }
    static func missingPermission(_ p: String) -> ApiError { ApiError(.forbidden, "MISSING_PERMISSION", "the API key lacks the '\(p)' permission") }
    static func notFound(_ what: String) -> ApiError { ApiError(.notFound, "NOT_FOUND", what) }
    static func unknownSymbol(_ s: String) -> ApiError { ApiError(.notFound, RejectCode.unknownSymbol.rawValue, "unknown symbol '\(s)'") }
    static func unknownOrder(_ why: String) -> ApiError { ApiError(.notFound, RejectCode.unknownOrder.rawValue, why) }
    static func unknownAccount(_ name: String) -> ApiError { ApiError(.notFound, RejectCode.unknownAccount.rawValue, "unknown account '\(name)'") }
    static func bodyTooLarge(_ limit: Int) -> ApiError { ApiError(.contentTooLarge, "BODY_TOO_LARGE", "the request body is larger than \(limit) bytes") }
    static func notReady(_ why: String) -> ApiError { ApiError(.serviceUnavailable, "NOT_READY", why) }
    static let internalError = ApiError(.internalServerError, "INTERNAL", "internal error; the request may not have been processed")

    /// A refusal by the engine (or by `CommandBuilder`, before sequencing).
    static func rejection(_ r: Rejection) -> ApiError {
        switch r.code {
        case .malformedCommand, .invalidNumber, .invalidClientOrderId: return ApiError(.badRequest, r.code.rawValue, r.message)
        case .unknownSymbol, .unknownAccount: return ApiError(.notFound, r.code.rawValue, r.message)
        // PI-3: the request is well-formed; the client is not (yet) allowed to add risk.
        case .notProfessionalInvestor, .classificationExpired, .knowledgeAssessmentRequired, .disclosureNotAcknowledged,
             .leverageAboveClientCap, .notionalAboveOwnerCap:
            return ApiError(.forbidden, r.code.rawValue, r.message + " (see GET /v1/account/eligibility)")
        default: return ApiError(.unprocessableContent, r.code.rawValue, r.message)
        }
    }
}
