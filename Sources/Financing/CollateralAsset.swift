import HarbourCore

/// One entry of the eligible-collateral list (FIN-2): a listed security with its own
/// haircut and a reference price fed by command, or a virtual asset (BTC, ETH) valued at
/// its index price, whose haircut may never be configured below the 60% floor.
public struct CollateralAsset: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case security = "SECURITY"
        case virtualAsset = "VIRTUAL_ASSET"
    }

    /// Ticker, e.g. "BTC", "0700.HK".
    public let code: String
    public let kind: Kind
    /// Raw units per whole unit of the asset (BTC: 1e-8; shares: 1).
    public let quantityScale: DecimalScale
    /// Haircut, 1e-8 units (60% = 60_000_000).
    public internal(set) var haircut: Rate
    /// Correlated group for the concentration limit (FIN-3); by default BTC and ETH share
    /// one group, "VA-MAJORS", and each security is its own group.
    public let group: String

    public init(code: String, kind: Kind, quantityScale: DecimalScale, haircut: Rate, group: String? = nil) {
        self.code = code
        self.kind = kind
        self.quantityScale = quantityScale
        self.haircut = haircut
        self.group = group ?? (kind == .virtualAsset ? "VA-MAJORS" : code)
    }

    /// The floor no virtual-asset haircut may go below (FIN-2): 60%.
    public static let virtualAssetHaircutFloor = Rate(raw: 60_000_000)

    /// Refuses a haircut outside 0...100%, or a virtual-asset haircut below the floor.
    public static func validate(haircut: Rate, for code: String, kind: Kind) throws(FinancingError) {
        guard haircut >= .zero, haircut <= .one else {
            throw .invalidHaircut(asset: code, "a haircut is between 0% and 100%, not \(haircut.formatted)")
        }
        if kind == .virtualAsset, haircut < virtualAssetHaircutFloor {
            throw .haircutBelowVirtualAssetFloor(asset: code, haircut: haircut.formatted, floor: virtualAssetHaircutFloor.formatted)
        }
    }
}
