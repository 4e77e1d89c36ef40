/// A settlement or collateral asset (e.g. "USD" stablecoin) and its smallest unit.
public struct Asset: Sendable, Hashable {
    /// Ticker, e.g. "USD".
    public let code: String
    /// Raw units per whole unit of the asset.
    public let scale: DecimalScale

    public init(code: String, scale: DecimalScale) {
        self.code = code
        self.scale = scale
    }

    /// The default settlement asset: a USD stablecoin counted in micro-dollars.
    public static let usd = Asset(code: "USD", scale: DecimalScale(6))
}
