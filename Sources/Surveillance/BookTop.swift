/// The best bid and ask of one contract with the total size resting at each, as the
/// projection reconstructs them from the event stream (0 where a side is empty).
public struct BookTop: Sendable, Hashable, Codable {
    public let bid: Int64
    public let bidSize: Int64
    public let ask: Int64
    public let askSize: Int64

    public init(bid: Int64, bidSize: Int64, ask: Int64, askSize: Int64) {
        self.bid = bid
        self.bidSize = bidSize
        self.ask = ask
        self.askSize = askSize
    }

    /// No order on either side.
    public static let empty = BookTop(bid: 0, bidSize: 0, ask: 0, askSize: 0)
}
