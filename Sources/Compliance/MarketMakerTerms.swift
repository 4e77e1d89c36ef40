/// The published terms of an affiliated market maker (MM-1, MM-4): its obligations on one
/// contract. The fee schedule is the venue's public one (MM-2: no preferential fees), so it
/// is not part of the terms.
public struct MarketMakerTerms: Sendable, Hashable, Codable {
    /// The contract the obligations are for.
    public let symbol: String
    /// The widest two-way quote that counts, in basis points of the mid price.
    public let maxSpreadBps: Int64
    /// The least quantity (raw size units of the contract) at the best bid and the best ask.
    public let minSize: Int64
    /// The least share of continuous trading time with a firm two-way quote, in basis points
    /// (5,000 = 50%, the default).
    public let minPresenceBps: Int64
    /// After a volatility interruption, a two-way quote must be back within this many ms.
    public let requoteAfterInterruptionMs: Int64

    public init(symbol: String, maxSpreadBps: Int64, minSize: Int64, minPresenceBps: Int64 = 5_000,
                requoteAfterInterruptionMs: Int64 = 60_000) throws(ComplianceError) {
        guard !symbol.isEmpty else { throw .invalidPolicy("market-maker terms name their contract") }
        guard (1...10_000).contains(maxSpreadBps) else { throw .invalidPolicy("maxSpreadBps must be within 1...10000") }
        guard minSize > 0 else { throw .invalidPolicy("minSize must be positive") }
        guard (1...10_000).contains(minPresenceBps) else { throw .invalidPolicy("minPresenceBps must be within 1...10000") }
        guard requoteAfterInterruptionMs > 0 else { throw .invalidPolicy("requoteAfterInterruptionMs must be positive") }
        self.symbol = symbol
        self.maxSpreadBps = maxSpreadBps
        self.minSize = minSize
        self.minPresenceBps = minPresenceBps
        self.requoteAfterInterruptionMs = requoteAfterInterruptionMs
    }

    /// Whether a best bid and ask with these sizes is a firm two-way quote under the terms:
    /// both sides at least `minSize`, and (ask − bid) / mid ≤ maxSpread, exactly:
    /// (ask − bid) × 20,000 ≤ maxSpreadBps × (ask + bid).
    public func isFirmTwoWay(bid: Int64, bidSize: Int64, ask: Int64, askSize: Int64) -> Bool {
        guard bidSize >= minSize, askSize >= minSize, bid > 0, ask >= bid else { return false }
        return Int128(ask - bid) * 20_000 <= Int128(maxSpreadBps) * (Int128(ask) + Int128(bid))
    }
}
