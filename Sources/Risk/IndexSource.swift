/// A configured spot price source of an index (PRICE-1): its public name and weight.
public struct IndexSource: Sendable, Hashable {
    /// Name disclosed to clients (e.g. "exchangeA").
    public let name: String
    /// Relative weight in the weighted median; positive.
    public let weight: Int64

    public init(name: String, weight: Int64) {
        precondition(weight > 0, "index source weight must be positive")
        self.name = name
        self.weight = weight
    }
}
