import HarbourCore

/// The published parts of a mark price (PRICE-2): `mark = index + basis`.
public struct MarkPriceComponents: Sendable, Hashable {
    /// The index price used.
    public let index: Price
    /// Moving average of the basis samples before clamping, in price units (rounded
    /// toward zero); zero when there are no samples.
    public let basisAverage: Price
    /// The basis actually applied: `basisAverage` clamped to ±`basisCap × index`.
    public let basisApplied: Price
    /// Whether the clamp was hit.
    public let clamped: Bool
    /// `index + basisApplied`.
    public let mark: Price
    /// Number of samples in the moving average.
    public let sampleCount: Int
}
