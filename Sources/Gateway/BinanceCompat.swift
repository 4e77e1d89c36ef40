import Crypto
import Engine
import Foundation
import HarbourCore
import Hummingbird
import HTTPTypes
import Matching
import NIOCore

/// The Binance USDⓈ-M futures compatibility layer (`/fapi/...`): lets tools written for
/// that API — Python's ccxt `binanceusdm` above all — trade on Harbour with only their
/// URLs changed. It only translates: every order is the same engine command the native
/// API sends, under the same keys, roles, rate limits and engine checks (DECISIONS.md,
/// "Binance-compatible /fapi layer").
///
/// Names: the Binance symbol of an instrument is its underlying + `USDT` (`BTC-PERP` ↔
/// `BTCUSDT`, ccxt's `BTC/USDT:USDT`), and the settlement asset is shown as `USDT`.
/// Amounts are the venue's settlement asset (USD) unchanged: one "USDT" here is one USD.
enum BinanceNames {
    /// The asset code the compatibility layer shows for the settlement asset.
    static let asset = "USDT"

    static func symbol(_ spec: InstrumentSpec) -> String { spec.underlying + asset }

    static func side(_ s: Side) -> String { s == .buy ? "BUY" : "SELL" }

    static func type(_ t: OrderType) -> String {
        switch t {
        case .limit: return "LIMIT"
        case .market: return "MARKET"
        case .stopLimit: return "STOP"
        case .stopMarket: return "STOP_MARKET"
        case .takeProfitLimit: return "TAKE_PROFIT"
        case .takeProfitMarket: return "TAKE_PROFIT_MARKET"
        }
    }

    /// Binance's spelling of each enumerated new-order parameter → the native field it
    /// becomes and its native names (DECISIONS 21, 31): the whole translation `/fapi` does
    /// before `CommandBuilder` checks the order by the one field table.
    static let orderNameMapping: [(parameter: String, field: String, names: [String: String])] = [
        ("side", "side", ["BUY": "buy", "SELL": "sell"]),
        ("type", "orderType", ["LIMIT": "limit", "MARKET": "market", "STOP": "stopLimit", "STOP_MARKET": "stopMarket",
                               "TAKE_PROFIT": "takeProfitLimit", "TAKE_PROFIT_MARKET": "takeProfitMarket"]),
        ("timeInForce", "timeInForce", ["GTC": "GTC", "IOC": "IOC", "FOK": "FOK", "GTX": "postOnly"]),
        ("workingType", "trigger", ["CONTRACT_PRICE": "last", "MARK_PRICE": "mark"]),
        ("selfTradePreventionMode", "stp", ["EXPIRE_TAKER": "expireTaker", "EXPIRE_MAKER": "expireMaker", "EXPIRE_BOTH": "expireBoth"]),
    ]

    /// The native name of Binance's `value` of new-order `parameter`; nil when Harbour has none.
    static func native(_ parameter: String, _ value: String) -> String? {
        orderNameMapping.first { $0.parameter == parameter }?.names[value]
    }

    static func orderType(_ binance: String) -> OrderType? {
        native("type", binance).flatMap(OrderType.init(name:))
    }

    static func timeInForce(_ t: TimeInForce) -> String { t == .postOnly ? "GTX" : t.name }

    static func stp(_ s: SelfTradePrevention) -> String {
        switch s {
        case .expireTaker: return "EXPIRE_TAKER"
        case .expireMaker: return "EXPIRE_MAKER"
        case .expireBoth: return "EXPIRE_BOTH"
        }
    }

    static func stp(_ binance: String) -> String? { native("selfTradePreventionMode", binance) }

    static func status(_ s: InstrumentStatus) -> String {
        switch s.name {
        case "enabled": return "TRADING"
        case "cancelOnly": return "PRE_SETTLE"
        default: return "CLOSE"
        }
    }
}

/// A refusal in Binance's shape: `{"code": -1121, "msg": "..."}` plus `harbourCode`, the
/// native code it stands for. Codes are chosen so that ccxt's generic Binance error table
/// (the one it uses for any non-binance.com URL) raises the matching exception class.
struct BinanceError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: Int
    let msg: String
    let harbourCode: String?

    init(_ status: HTTPResponse.Status, _ code: Int, _ msg: String, harbourCode: String? = nil) {
        self.status = status
        self.code = code
        self.msg = msg
        self.harbourCode = harbourCode
    }

    var json: JSON {
        var fields: [(String, JSON)] = [("code", .int(Int64(code))), ("msg", .string(msg))]
        if let harbourCode { fields.append(("harbourCode", .string(harbourCode))) }
        return .object(fields)
    }

    var response: Response { GatewayCore.response(status, json) }

    // The catalogue (codes from Binance's futures error list).
    static func badSymbol(_ s: String) -> BinanceError { BinanceError(.badRequest, -1121, "Invalid symbol '\(s)'.", harbourCode: "UNKNOWN_SYMBOL") }
    static func mandatory(_ p: String) -> BinanceError { BinanceError(.badRequest, -1102, "Mandatory parameter '\(p)' was not sent, was empty/null, or malformed.") }
    static func invalidValue(_ p: String, _ why: String) -> BinanceError { BinanceError(.badRequest, -1130, "Data sent for parameter '\(p)' is not valid: \(why)") }
    static func unsupported(_ p: String) -> BinanceError {
        BinanceError(.badRequest, -1104, "Not all sent parameters were read: '\(p)' is not supported here by Harbour.")
    }
    static let orderNotFound = BinanceError(.badRequest, -2013, "Order does not exist.", harbourCode: "UNKNOWN_ORDER")
    static let internalError = BinanceError(.internalServerError, -1000, "An unknown error occurred while processing the request.", harbourCode: "INTERNAL")

    /// Any error a compat route can meet, in Binance's shape (never a bare 500 for a refusal).
    static func from(_ error: any Error) -> BinanceError {
        switch error {
        case let e as BinanceError: return e
        case let e as ApiError: return from(e)
        case let r as Rejection: return from(r)
        default: return internalError
        }
    }

    static func from(_ e: ApiError) -> BinanceError {
        if let code = RejectCode(rawValue: e.code) { return from(Rejection(code, e.message)) }
        switch e.code {
        case "RATE_LIMITED": return BinanceError(.tooManyRequests, -1003, "Too many requests: \(e.message).", harbourCode: e.code)
        case "MISSING_AUTH": return BinanceError(.unauthorized, -2014, "API-key format invalid: \(e.message)", harbourCode: e.code)
        case "UNKNOWN_API_KEY": return BinanceError(.unauthorized, -2015, "Invalid API-key, IP, or permissions for action.", harbourCode: e.code)
        case "INVALID_SIGNATURE": return BinanceError(.badRequest, -1022, "Signature for this request is not valid.", harbourCode: e.code)
        case "REPLAYED_REQUEST":
            return BinanceError(.badRequest, -1022, "Signature for this request is not valid: it was already used (send a new timestamp).", harbourCode: e.code)
        case "FORBIDDEN_ROLE", "MISSING_PERMISSION", "INFORMATION_BARRIER":
            return BinanceError(.unauthorized, -2015, "Invalid API-key, IP, or permissions for action: \(e.message)", harbourCode: e.code)
        case "NOT_READY": return BinanceError(.serviceUnavailable, -1001, "Internal error; unable to process your request. Please try again. (\(e.message))", harbourCode: e.code)
        case "INTERNAL": return internalError
        case "BODY_TOO_LARGE": return BinanceError(.contentTooLarge, -1104, e.message, harbourCode: e.code)
        default: return BinanceError(.badRequest, -1100, e.message, harbourCode: e.code)
        }
    }

    /// An engine (or decoder) refusal.
    static func from(_ r: Rejection) -> BinanceError {
        let h = r.code.rawValue
        func bad(_ code: Int, _ prefix: String) -> BinanceError { BinanceError(.badRequest, code, "\(prefix): \(r.message)", harbourCode: h) }
        switch r.code {
        case .unknownSymbol: return bad(-1121, "Invalid symbol")
        case .unknownOrder: return bad(-2013, "Order does not exist")
        case .priceOffTick, .invalidPrice: return bad(-1013, "Filter failure: PRICE_FILTER")
        case .quantityOffLot, .quantityBelowMinimum, .quantityAboveMaximum, .invalidQuantity: return bad(-1013, "Filter failure: LOT_SIZE")
        case .fokCannotFill: return bad(-5021, "Due to the order could not be filled immediately, the FOK order has been rejected")
        case .postOnlyWouldTake: return bad(-5022, "Due to the order could not be executed as maker, the Post Only order will be rejected")
        case .insufficientMargin, .insufficientBalance: return bad(-4050, "Margin is insufficient")
        case .leverageOutOfRange: return bad(-4028, "Leverage is not valid")
        case .marginModeChangeWithExposure: return bad(-4048, "Margin type cannot be changed if there exists position or open orders")
        case .invalidOrderType: return bad(-1116, "Invalid orderType")
        case .invalidTimeInForce: return bad(-1115, "Invalid timeInForce")
        case .missingPrice, .missingStopPrice: return bad(-1102, "Mandatory parameter missing")
        case .invalidNumber, .malformedCommand, .invalidClientOrderId: return bad(-1100, "Illegal characters found in a parameter")
        // PI-3: only reduce-only orders until the rule is satisfied; the Harbour code
        // (NOT_PROFESSIONAL_INVESTOR, ...) is in the message and `harbourCode`. Binance's
        // -4087 ("User can only place reduce only order") and -4202 are PermissionDenied in
        // ccxt's USDⓈ-M table, which ccxt applies only to Binance's own hosts; its general
        // table matches "has no operation privilege" in the message, so ccxt raises
        // PermissionDenied against Harbour's URLs too (tests/ccxt_test.py).
        case .notProfessionalInvestor, .classificationExpired, .knowledgeAssessmentRequired, .disclosureNotAcknowledged,
             .notionalAboveOwnerCap:
            return BinanceError(.forbidden, -4087, "User can only place reduce only order; this account has no operation privilege for risk-increasing orders: \(h): \(r.message)", harbourCode: h)
        case .leverageAboveClientCap:
            return BinanceError(.forbidden, -4202, "This account has no operation privilege for leverage above its cap: \(h): \(r.message)", harbourCode: h)
        case .unknownAccount: return BinanceError(.unauthorized, -2015, "Invalid API-key, IP, or permissions for action: \(r.message)", harbourCode: h)
        case .priceOutsideBand, .stopWouldTriggerImmediately, .orderNotAmendable, .noMarkPrice, .instrumentDisabled,
             .instrumentCancelOnly, .noLiquidity, .positionLimitExceeded, .reduceOnlyWouldIncrease, .tooManyOpenOrders,
             .duplicateClientOrderId, .missingClientOrderId:
            return bad(-2010, "Order rejected")
        default: return bad(-1000, "Request refused")
        }
    }
}

/// Form / query parameters of a Binance request: `a=1&b=2`, percent-decoded.
enum BinanceParams {
    static func parse(_ text: Substring) throws(BinanceError) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), !name.isEmpty else { throw BinanceError(.badRequest, -1100, "Illegal characters found in a parameter name.") }
            guard let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw BinanceError(.badRequest, -1100, "Illegal characters found in parameter '\(name)'.")
            }
            guard out[name] == nil else { throw BinanceError(.badRequest, -1101, "Duplicate values for parameter '\(name)'.") }
            out[name] = value
        }
        return out
    }

    static func decode(_ s: Substring) -> String? {
        String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// `text` without its `signature=` parameter, and the signature (nil when absent).
    static func splitSignature(_ text: Substring) -> (Substring, String?) {
        var kept: [Substring] = []
        var signature: String?
        for pair in text.split(separator: "&", omittingEmptySubsequences: false) {
            if pair.hasPrefix("signature=") { signature = String(pair.dropFirst("signature=".count)) } else { kept.append(pair) }
        }
        return (Substring(kept.joined(separator: "&")), signature)
    }
}

/// Checks Binance's request signing (`X-MBX-APIKEY`, `timestamp`, `recvWindow`,
/// `signature` = hex HMAC-SHA256 over query string + body, signature removed).
struct BinanceAuthenticator: Sendable {
    let keys: ApiKeyStore
    let clock: any GatewayClock
    /// Signatures accepted within the largest recvWindow (60 s) are remembered.
    let replays = ReplayGuard(windowMillis: 30_000)
    static let maxRecvWindow: Int64 = 60_000

    static func sign(secret: String, payload: String) -> String { BinanceSignature.sign(secret: secret, payload: payload) }

    /// The key of a correctly signed request, and its parameters (signature fields removed).
    func authenticate(apiKey: String?, query: Substring, body: Substring) throws(BinanceError) -> (ApiKey, [String: String]) {
        guard let apiKey, !apiKey.isEmpty else {
            throw BinanceError(.unauthorized, -2014, "API-key format invalid: send the key in the X-MBX-APIKEY header.", harbourCode: "MISSING_AUTH")
        }
        let (q, qsig) = BinanceParams.splitSignature(query)
        let (b, bsig) = BinanceParams.splitSignature(body)
        if qsig != nil && bsig != nil { throw BinanceError(.badRequest, -1101, "Duplicate values for parameter 'signature'.") }
        guard let signature = qsig ?? bsig, !signature.isEmpty else { throw BinanceError.mandatory("signature") }
        var params = try BinanceParams.parse(q)
        for (k, v) in try BinanceParams.parse(b) {
            guard params[k] == nil else { throw BinanceError(.badRequest, -1101, "Duplicate values for parameter '\(k)'.") }
            params[k] = v
        }
        guard let tsText = params["timestamp"] else { throw BinanceError.mandatory("timestamp") }
        guard let ts = Int64(tsText) else { throw BinanceError.invalidValue("timestamp", "must be integer milliseconds") }
        var window: Int64 = 5000
        if let w = params["recvWindow"] {
            guard let v = Int64(w), v > 0, v <= Self.maxRecvWindow else {
                throw BinanceError.invalidValue("recvWindow", "must be an integer from 1 to \(Self.maxRecvWindow)")
            }
            window = v
        }
        let now = clock.nowMillis()
        // Binance's rule: not more than 1 s ahead of the server, not older than recvWindow.
        guard ts <= now + 1000, ts >= now - window else {
            throw BinanceError(.badRequest, -1021, "Timestamp for this request is outside of the recvWindow (server time \(now), recvWindow \(window) ms).",
                               harbourCode: "TIMESTAMP_OUTSIDE_WINDOW")
        }
        // Unknown keys still cost a MAC so timing does not say which keys exist.
        let key = keys.key(apiKey)
        let expected = Self.sign(secret: key?.secret ?? String(repeating: "0", count: 64), payload: String(q) + String(b))
        let matches = RequestAuthenticator.constantTimeEquals(Array(expected.utf8), Array(signature.lowercased().utf8))
        guard let key else { throw BinanceError.from(ApiError.unknownKey) }
        guard matches else { throw BinanceError.from(ApiError.invalidSignature) }
        guard replays.firstUse("bn:" + key.key + ":" + signature.lowercased(), timestamp: ts, now: now) else {
            throw BinanceError.from(ApiError.replayed)
        }
        params["timestamp"] = nil
        params["recvWindow"] = nil
        return (key, params)
    }
}

/// Binance request signing, for clients and tests: the lowercase hex HMAC-SHA256 of the
/// payload (query string followed by the form body, without `signature`) under the secret.
public enum BinanceSignature {
    public static func sign(secret: String, payload: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: SymmetricKey(data: Array(secret.utf8))))
    }
}

/// A compat request once admitted: the key (nil on public routes) and its parameters.
struct BinanceCall: Sendable {
    let key: ApiKey?
    let params: [String: String]

    var account: String {
        get throws(BinanceError) {
            guard let a = key?.account else { throw BinanceError.from(ApiError.forbiddenRole("this key is not bound to an account")) }
            return a
        }
    }

    /// Refuses parameters the route does not read.
    func allowOnly(_ names: Set<String>) throws(BinanceError) {
        for k in params.keys.sorted() where !names.contains(k) { throw BinanceError.unsupported(k) }
    }

    func int(_ name: String, default value: Int, max: Int) throws(BinanceError) -> Int {
        guard let t = params[name] else { return value }
        guard let n = Int(t), n > 0, n <= max else { throw BinanceError.invalidValue(name, "must be an integer from 1 to \(max)") }
        return n
    }

    func int64(_ name: String) throws(BinanceError) -> Int64? {
        guard let t = params[name] else { return nil }
        guard let n = Int64(t) else { throw BinanceError.invalidValue(name, "must be an integer") }
        return n
    }

    func bool(_ name: String) throws(BinanceError) -> Bool? {
        guard let t = params[name] else { return nil }
        switch t.lowercased() {
        case "true": return true
        case "false": return false
        default: throw BinanceError.invalidValue(name, "must be true or false")
        }
    }
}

extension GatewayCore {
    /// The instrument index of a Binance symbol.
    func binanceInstrument(_ symbol: String?) throws(BinanceError) -> Int {
        guard let symbol, !symbol.isEmpty else { throw BinanceError.mandatory("symbol") }
        guard let i = specs.firstIndex(where: { BinanceNames.symbol($0) == symbol }) else { throw BinanceError.badSymbol(symbol) }
        return i
    }

    /// Registers a `/fapi` route: reads the body, authenticates Binance-style, rate-limits
    /// and checks role and permission like every native route; answers errors in Binance's shape.
    func fapi(_ router: Router<GatewayRequestContext>, _ method: HTTPRequest.Method, _ path: String, _ access: AccessPolicy,
              _ auth: BinanceAuthenticator, _ handler: @escaping @Sendable (BinanceCall) async throws -> JSON) {
        register(method, path, access)
        router.on(RouterPath(path), method: method) { [self] request, context in
            do {
                let call = try await self.binanceAdmit(request, context, access, auth)
                return Self.response(.ok, try await handler(call))
            } catch {
                let e = BinanceError.from(error)
                if e.status == .internalServerError {
                    logger.error("compat route failed", metadata: ["path": .string(request.uri.path), "error": .string(String(describing: error))])
                }
                return e.response
            }
        }
    }

    func binanceAdmit(_ request: Request, _ context: GatewayRequestContext, _ access: AccessPolicy,
                      _ auth: BinanceAuthenticator) async throws -> BinanceCall {
        var request = request
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.collectBody(upTo: GatewayRequestContext.bodyLimit))
        } catch let e as any HTTPResponseError where e.status == .contentTooLarge {
            throw ApiError.bodyTooLarge(GatewayRequestContext.bodyLimit)
        }
        let target = Self.target(request)
        let query = target.firstIndex(of: "?").map { target[target.index(after: $0)...] } ?? ""
        guard let bodyText = String(validating: body, as: UTF8.self) else { throw BinanceError(.badRequest, -1100, "The request body is not UTF-8.") }
        switch access {
        case .open:
            try limit("ip:" + context.remoteIP, configuration.publicRateLimit, context)
            var params = try BinanceParams.parse(query)
            for (k, v) in try BinanceParams.parse(Substring(bodyText)) { params[k] = v }
            return BinanceCall(key: nil, params: params)
        case .signed(let roles, let permission):
            let key: ApiKey, params: [String: String]
            do {
                (key, params) = try auth.authenticate(apiKey: request.headers[.binanceKey], query: query, body: Substring(bodyText))
            } catch {
                try limit("ip:" + context.remoteIP, configuration.publicRateLimit, context)
                throw error
            }
            try authorize(key, roles, permission, request, context)
            try guardBarrier(key, fields: params, action: Self.action(request))
            return BinanceCall(key: key, params: params)
        }
    }
}

extension HTTPField.Name {
    static let binanceKey = HTTPField.Name("X-MBX-APIKEY")!
}

/// Exact decimal helpers for the compat views (Int128, never floating point).
enum BinanceMath {
    /// `numerator / denominator` as a decimal string with `decimals` places, truncated.
    static func ratio(_ numerator: Int128, _ denominator: Int128, decimals: Int) -> String {
        guard denominator != 0 else { return "0" }
        var unit: Int128 = 1
        for _ in 0..<decimals { unit *= 10 }
        let q = numerator * unit / denominator
        let clamped = q > Int128(Int64.max) ? Int64.max : (q < Int128(Int64.min) ? Int64.min : Int64(q))
        return FixedDecimal.format(clamped, scale: DecimalScale(decimals))
    }

    /// Money held as Int128 in the asset's scale.
    static func money(_ raw: Int128, _ asset: Asset) -> String { Fmt.money(raw, asset) }
}

/// Answers `/fapi` paths and methods the layer does not serve in Binance's error shape
/// (ccxt cannot parse the native `{"code":"NOT_FOUND"}` there), naming what is unsupported.
struct BinanceFallbackMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as any HTTPResponseError where request.uri.path.hasPrefix("/fapi/") {
            if e.status == .notFound {
                return BinanceError(.notFound, -5000, "\(request.method.rawValue) \(request.uri.path) is not supported by Harbour's Binance-compatible API (see docs/openapi.yaml).",
                                    harbourCode: "NOT_FOUND").response
            }
            if e.status == .methodNotAllowed {
                return BinanceError(.methodNotAllowed, -5000, "Method \(request.method.rawValue) is not supported on \(request.uri.path).",
                                    harbourCode: "METHOD_NOT_ALLOWED").response
            }
            throw e
        }
    }
}
