import Crypto
import Foundation

/// Checks HMAC-signed requests (OPS-1).
///
/// A request carries `X-Harbour-Key` (the key id), `X-Harbour-Timestamp` (milliseconds
/// since the epoch) and `X-Harbour-Signature`: the lowercase hex HMAC-SHA256, keyed with
/// the secret's text (the 64 hex digits as UTF-8 bytes), of
/// `timestamp + METHOD + path + ("?" + rawQuery, if there is a query) + body`.
/// The timestamp must be within `windowMillis` of the server clock, and a signature is
/// accepted once. WebSocket sessions sign `timestamp + "GET/v1/ws"` the same way.
///
/// Optional nonce: a request may also carry `X-Harbour-Nonce` (1 to 64 characters from
/// `A-Z a-z 0-9 _ -`; a WebSocket `auth` its `nonce` field); the signed string is then
/// `nonce + ":" + timestamp + METHOD + target + body`. Without one, two identical
/// requests signed in the same millisecond have the same signature and the second is
/// refused as a replay; with a fresh nonce each, both are accepted. (The ":" cannot occur
/// in a nonce or before the first "/" of an un-nonced string, so the two forms never
/// collide.)
public struct RequestAuthenticator: Sendable {
    public let keys: ApiKeyStore
    public let clock: any GatewayClock
    public let windowMillis: Int64
    private let replays: ReplayGuard

    public init(keys: ApiKeyStore, clock: any GatewayClock = SystemClock(), windowMillis: Int64 = 5000) {
        self.keys = keys
        self.clock = clock
        self.windowMillis = windowMillis
        self.replays = ReplayGuard(windowMillis: windowMillis)
    }

    /// Longest accepted nonce.
    public static let maxNonceLength = 64

    /// The string that is signed.
    public static func payload(timestamp: String, method: String, target: String, body: [UInt8], nonce: String? = nil) -> [UInt8] {
        Array(((nonce.map { $0 + ":" } ?? "") + timestamp + method.uppercased() + target).utf8) + body
    }

    /// The signature a client computes (also used by tests and the demo client).
    public static func sign(secret: String, timestamp: String, method: String, target: String, body: [UInt8],
                            nonce: String? = nil) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: payload(timestamp: timestamp, method: method, target: target, body: body, nonce: nonce),
                                                  using: SymmetricKey(data: Array(secret.utf8)))
        return Hex.encode(mac)
    }

    /// Whether `nonce` has the accepted form (1 to 64 of `A-Z a-z 0-9 _ -`).
    public static func isValidNonce(_ nonce: String) -> Bool {
        guard !nonce.isEmpty, nonce.utf8.count <= maxNonceLength else { return false }
        return nonce.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
        }
    }

    /// Verifies the header values against the request; returns the key.
    public func authenticate(key: String?, timestamp: String?, signature: String?,
                             method: String, target: String, body: [UInt8], nonce: String? = nil) throws(ApiError) -> ApiKey {
        guard let key, !key.isEmpty, let timestamp, !timestamp.isEmpty, let signature, !signature.isEmpty else {
            throw ApiError.missingAuth("send X-Harbour-Key, X-Harbour-Timestamp and X-Harbour-Signature")
        }
        if let nonce, !Self.isValidNonce(nonce) { throw ApiError.invalidNonce(Self.maxNonceLength) }
        guard let ts = Int64(timestamp) else { throw ApiError.missingAuth("X-Harbour-Timestamp must be integer milliseconds") }
        let now = clock.nowMillis()
        let (distance, overflow) = now.subtractingReportingOverflow(ts)
        guard !overflow, distance.magnitude <= UInt64(windowMillis) else { throw ApiError.timestampOutsideWindow(windowMillis) }
        // Unknown keys still cost a MAC so timing does not say which keys exist.
        let apiKey = keys.key(key)
        let secret = apiKey?.secret ?? String(repeating: "0", count: 64)
        let expected = Self.sign(secret: secret, timestamp: timestamp, method: method, target: target, body: body, nonce: nonce)
        let matches = Self.constantTimeEquals(Array(expected.utf8), Array(signature.lowercased().utf8))
        guard let apiKey else { throw ApiError.unknownKey }
        guard matches else { throw ApiError.invalidSignature }
        guard replays.firstUse(key + ":" + signature.lowercased(), timestamp: ts, now: now) else { throw ApiError.replayed }
        return apiKey
    }

    /// Compares without stopping at the first difference.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(a.count == b.count ? 0 : 1)
        let n = min(a.count, b.count)
        for i in 0..<n { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
