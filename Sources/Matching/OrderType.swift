/// The kinds of order a client can place (PERP-2).
public enum OrderType: UInt8, Sendable, Hashable, CaseIterable {
    case limit, market, stopMarket, stopLimit, takeProfitMarket, takeProfitLimit

    /// Whether the order carries a limit price once active.
    @inlinable public var hasLimitPrice: Bool {
        self == .limit || self == .stopLimit || self == .takeProfitLimit
    }

    /// Whether the order waits for a trigger price before it becomes active.
    @inlinable public var isConditional: Bool {
        switch self {
        case .limit, .market: return false
        default: return true
        }
    }

    /// The name used in commands and events.
    public var name: String {
        switch self {
        case .limit: return "limit"
        case .market: return "market"
        case .stopMarket: return "stopMarket"
        case .stopLimit: return "stopLimit"
        case .takeProfitMarket: return "takeProfitMarket"
        case .takeProfitLimit: return "takeProfitLimit"
        }
    }

    public init?(name: String) {
        guard let t = OrderType.allCases.first(where: { $0.name == name }) else { return nil }
        self = t
    }
}
