/// One attempt by a market-maker credential to cross the information barrier (MM-3): a
/// staff route, or another account's data (an account named in the request, another
/// account's order id). The request was refused with `INFORMATION_BARRIER`; this is the
/// record compliance reads at `GET /v1/compliance/barrier-events`.
public struct BarrierEvent: Sendable, Codable, Hashable {
    /// What kind of attempt it was: a stable code (CONTRIBUTING: codes never change meaning).
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A route the market-maker role may not call (staff, risk, compliance views).
        case staffRoute
        /// A request that names another account (query parameter or body field).
        case otherAccount
        /// A request that names an order of another account.
        case otherAccountOrder
        /// A WebSocket channel the market-maker role may not follow (`risk`).
        case staffChannel
    }

    /// Position in the log, from 1.
    public let id: Int64
    /// Server time of the attempt, milliseconds since the epoch.
    public let time: Int64
    /// The API key id (never the secret).
    public let key: String
    /// The market maker's own account.
    public let account: String
    /// What was called: `METHOD /path` (or `ws subscribe risk`).
    public let route: String
    public let kind: Kind
    /// What was attempted, in words (the account or order named, the route refused).
    public let attempted: String

    public init(id: Int64, time: Int64, key: String, account: String, route: String, kind: Kind, attempted: String) {
        self.id = id
        self.time = time
        self.key = key
        self.account = account
        self.route = route
        self.kind = kind
        self.attempted = attempted
    }
}
