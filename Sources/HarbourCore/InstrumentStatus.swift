/// Whether an instrument trades (PERP-1, PRICE-1, PRICE-4). Operators set it; later the
/// index and volatility guards put an instrument into `cancelOnly` by themselves.
public enum InstrumentStatus: UInt8, Sendable, Hashable, CaseIterable {
    /// Orders of every kind are accepted.
    case enabled
    /// Only cancels and orders that reduce positions (reduce-only) are accepted.
    case cancelOnly
    /// Nothing but cancels is accepted.
    case disabled

    public var name: String {
        switch self {
        case .enabled: return "enabled"
        case .cancelOnly: return "cancelOnly"
        case .disabled: return "disabled"
        }
    }

    public init?(name: String) {
        guard let s = InstrumentStatus.allCases.first(where: { $0.name == name }) else { return nil }
        self = s
    }
}
