/// How long a limit order may live and whether it may take liquidity (PERP-2).
public enum TimeInForce: UInt8, Sendable, Hashable, CaseIterable {
    /// Good till cancelled: rests after matching.
    case gtc
    /// Immediate or cancel: the unfilled rest expires.
    case ioc
    /// Fill or kill: fills completely at once or expires without trading.
    case fok
    /// Post only: rests without taking; refused if it would take.
    case postOnly

    public var name: String {
        switch self {
        case .gtc: return "GTC"
        case .ioc: return "IOC"
        case .fok: return "FOK"
        case .postOnly: return "postOnly"
        }
    }

    public init?(name: String) {
        switch name {
        case "GTC": self = .gtc
        case "IOC": self = .ioc
        case "FOK": self = .fok
        case "postOnly", "GTX", "PO": self = .postOnly
        default: return nil
        }
    }
}
