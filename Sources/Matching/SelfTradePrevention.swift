/// What happens when an incoming order would trade with a resting order of the same
/// self-trade-prevention group (PERP-3). No trade ever happens inside a group.
public enum SelfTradePrevention: UInt8, Sendable, Hashable, CaseIterable {
    /// The incoming order's remainder expires; the resting order stays.
    case expireTaker
    /// The resting order expires; the incoming order goes on matching.
    case expireMaker
    /// Both expire.
    case expireBoth

    public var name: String {
        switch self {
        case .expireTaker: return "expireTaker"
        case .expireMaker: return "expireMaker"
        case .expireBoth: return "expireBoth"
        }
    }

    public init?(name: String) {
        guard let m = SelfTradePrevention.allCases.first(where: { $0.name == name }) else { return nil }
        self = m
    }

    /// Whether the resting (maker) order must be removed.
    @inlinable public var expiresMaker: Bool { self != .expireTaker }
    /// Whether the incoming (taker) order must stop matching.
    @inlinable public var expiresTaker: Bool { self != .expireMaker }
}
