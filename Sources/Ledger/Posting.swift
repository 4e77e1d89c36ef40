/// One double-entry movement: `amount` leaves book `from` and arrives in book `to`.
/// Amounts are positive; direction carries the sign.
public struct Posting: Sendable, Hashable {
    public let from: Int32
    public let to: Int32
    public let amount: Int64
    public let reason: PostingReason

    public init(from: Int32, to: Int32, amount: Int64, reason: PostingReason) {
        self.from = from
        self.to = to
        self.amount = amount
        self.reason = reason
    }
}
