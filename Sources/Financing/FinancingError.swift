/// Why a financing configuration or a staff input was refused at load or entry (FIN-1,
/// FIN-2): each case names the field or asset, so nothing is silently adjusted.
public enum FinancingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A virtual-asset haircut below the 60% floor (FIN-2). Names the asset and the figures.
    case haircutBelowVirtualAssetFloor(asset: String, haircut: String, floor: String)
    case invalidHaircut(asset: String, String)
    case duplicateAsset(String)
    case unknownAsset(String)
    case invalidLevels(String)
    case invalidLimits(String)
    case invalidCreditRule(String)
    case invalidAmount(String)
    case requestNotApproved(String)

    /// A stable code for the API and the engine's rejection.
    public var code: String {
        switch self {
        case .haircutBelowVirtualAssetFloor: return "HAIRCUT_BELOW_VA_FLOOR"
        case .invalidHaircut: return "INVALID_HAIRCUT"
        case .duplicateAsset: return "DUPLICATE_COLLATERAL_ASSET"
        case .unknownAsset: return "UNKNOWN_COLLATERAL_ASSET"
        case .invalidLevels: return "INVALID_MARGIN_LEVELS"
        case .invalidLimits: return "INVALID_CONTROL_LIMITS"
        case .invalidCreditRule: return "INVALID_CREDIT_RULE"
        case .invalidAmount: return "INVALID_AMOUNT"
        case .requestNotApproved: return "REQUEST_NOT_APPROVED"
        }
    }

    public var description: String {
        switch self {
        case let .haircutBelowVirtualAssetFloor(asset, haircut, floor):
            return "\(code): collateral \(asset) is a virtual asset; its haircut \(haircut) is below the floor of \(floor) (FIN-2)"
        case let .invalidHaircut(asset, why): return "\(code): \(asset): \(why)"
        case let .duplicateAsset(asset): return "\(code): collateral \(asset) is listed twice"
        case let .unknownAsset(asset): return "\(code): \(asset) is not on the collateral list"
        case let .invalidLevels(why), let .invalidLimits(why), let .invalidCreditRule(why),
             let .invalidAmount(why), let .requestNotApproved(why):
            return "\(code): \(why)"
        }
    }
}
