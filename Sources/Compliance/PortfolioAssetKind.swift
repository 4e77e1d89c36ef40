/// What an item of portfolio evidence is. Only some kinds count toward the "portfolio"
/// threshold of PI-1; whether virtual assets count is a policy switch, off by default.
public enum PortfolioAssetKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Listed or unlisted securities (shares, bonds, fund units).
    case securities
    /// Certificates of deposit.
    case certificatesOfDeposit
    /// Cash held by a custodian (a bank or licensed custodian), not cash in hand.
    case cashAtCustodian
    /// Virtual assets (BTC, ETH, ...): count only when `ClassificationPolicy.virtualAssetsCount` is on.
    case virtualAssets
    /// Anything else (real estate, private holdings): recorded, never counted.
    case other
}

/// Who holds a portfolio item, for an individual's threshold (PI-1: "alone or jointly with
/// a spouse or children"). Items of other holders never count.
public enum Holding: String, Sendable, Hashable, CaseIterable, Codable {
    /// In the client's sole name.
    case sole
    /// On a joint account with the client's spouse or children.
    case jointWithSpouseOrChildren
    /// Held by a corporation wholly owned by the client.
    case whollyOwnedCorporation
}
