/// How a gateway listens and polices requests.
public struct GatewayConfiguration: Sendable {
    /// Address to bind (loopback by default: put a TLS proxy in front).
    public var host: String
    /// Port to bind; 0 picks a free one.
    public var port: Int
    /// Largest distance between a request's timestamp and the server clock.
    public var signatureWindowMillis: Int64
    /// Per-IP limit for public routes and unauthenticated attempts.
    public var publicRateLimit: RateLimitPolicy
    /// Name in logs and the `Server` header.
    public var serverName: String

    public init(host: String = "127.0.0.1", port: Int = 8080, signatureWindowMillis: Int64 = 5000,
                publicRateLimit: RateLimitPolicy = RateLimitPolicy(requests: 50, perSeconds: 1),
                serverName: String = "harbour-gateway") {
        self.host = host
        self.port = port
        self.signatureWindowMillis = signatureWindowMillis
        self.publicRateLimit = publicRateLimit
        self.serverName = serverName
    }
}
