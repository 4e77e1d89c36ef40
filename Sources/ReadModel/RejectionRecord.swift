import GRDB

/// A refused command or order: its stable `code`, the message, and the account, client
/// order id and order id where the event named them.
public struct RejectionRecord: Codable, Sendable, Hashable, FetchableRecord {
    public var seq: UInt64
    public var idx: Int
    public var ts: Int64
    public var account: String?
    public var code: String
    public var message: String
    public var clientOrderId: String?
    public var orderId: Int64?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
}
