/// A named fee level (RISK-5): maker and taker rates applied to trade notional. A
/// negative maker rate is a rebate.
public struct FeeTier: Sendable, Hashable {
    public let name: String
    public let maker: Rate
    public let taker: Rate

    public init(name: String, maker: Rate, taker: Rate) {
        self.name = name
        self.maker = maker
        self.taker = taker
    }
}
