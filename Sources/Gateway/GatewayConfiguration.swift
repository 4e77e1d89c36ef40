import Disclosures
import Sequencer

/// How a gateway listens and polices requests and connections.
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
    /// A connection that neither sends nor receives anything for this long is closed
    /// (HTTP keep-alive and WebSocket alike; WebSocket pings count as traffic).
    public var idleTimeout: Duration
    /// Open connections allowed from one IP address; the next one gets 503
    /// `TOO_MANY_CONNECTIONS` and is closed.
    public var maxConnectionsPerIP: Int
    /// Messages a WebSocket session may have queued and not yet written to its socket;
    /// past this the session is closed with code 4000 ("slow consumer: resync from REST")
    /// rather than silently dropping messages.
    public var webSocketQueueLimit: Int
    /// The audit trail the venue keeps (REG-2), whose published head the oversight roles
    /// read at `GET /v1/audit/head`; nil: no trail (the route answers NOT_READY).
    public var auditTrail: AuditRecorder?
    /// The contracts' disclosures (REG-1) served at `/v1/disclosures`; nil: none published.
    public var disclosures: DisclosureLibrary?
    /// Market surveillance and MM obligations (MM-4, MM-5) served under
    /// `/v1/compliance/surveillance` and `/v1/compliance/market-makers/obligations`; nil:
    /// those routes answer NOT_READY.
    public var surveillance: SurveillanceService?
    /// The operator console's session idle timeout and absolute lifetime (OPS-2,
    /// DECISIONS 37): a signed-in session unused for `consoleSessionIdleMillis`, or older
    /// than `consoleSessionLifetimeMillis`, is refused `SESSION_EXPIRED`.
    /// How often the live books are reconciled (`ReconciliationWatch`); nil: only on demand.
    public var reconcileEvery: Duration?
    public var consoleSessionIdleMillis: Int64 = ConsoleSessionStore.defaultIdleMillis
    public var consoleSessionLifetimeMillis: Int64 = ConsoleSessionStore.defaultLifetimeMillis

    public init(host: String = "127.0.0.1", port: Int = 8080, signatureWindowMillis: Int64 = 5000,
                publicRateLimit: RateLimitPolicy = RateLimitPolicy(requests: 50, perSeconds: 1),
                serverName: String = "harbour-gateway", idleTimeout: Duration = .seconds(60),
                maxConnectionsPerIP: Int = 256, webSocketQueueLimit: Int = 10_000) {
        self.host = host
        self.port = port
        self.signatureWindowMillis = signatureWindowMillis
        self.publicRateLimit = publicRateLimit
        self.serverName = serverName
        self.idleTimeout = idleTimeout
        self.maxConnectionsPerIP = maxConnectionsPerIP
        self.webSocketQueueLimit = webSocketQueueLimit
    }
}
