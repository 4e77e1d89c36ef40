import HarbourCore

/// One client account inside the engine.
struct AccountState: Sendable {
    let name: String
    /// Self-trade-prevention group (PERP-3).
    let group: UInt32
    let feeTier: Int
    /// Ledger book of the cash balance in the settlement asset.
    let cashBook: Int32
    var positions: ContiguousArray<PositionState>
    var clientOrderIds = ClientOrderIdRegistry()
    /// Command number at which a balance event was last queued (coalescing).
    var balanceTouchedAt: Int64 = -1
}
