import HarbourCore

/// One client account inside the engine.
struct AccountState: Sendable {
    let name: String
    /// Self-trade-prevention group (PERP-3).
    var group: UInt32
    let feeTier: Int
    /// Ledger book of the cash balance in the settlement asset.
    let cashBook: Int32
    var positions: ContiguousArray<PositionState>
    var clientOrderIds = ClientOrderIdRegistry()
    /// Command number at which a balance event was last queued (coalescing).
    var balanceTouchedAt: Int64 = -1
}

extension AccountState {
    /// The account's header: name, STP group, fee tier, cash book. One description for
    /// snapshot, restore and state hash; written from `account`, or read (nil) and
    /// returned. The engine checks what needs other state (unique name, group and fee
    /// tier in range, the cash book's ledger key).
    static func codeHeader<Coder: StateCoder>(_ account: AccountState?, _ coder: inout Coder) throws(Engine.SnapshotError)
        -> (name: String, group: UInt32, feeTier: Int, cashBook: Int32) {
        var name = account?.name ?? "", group = account?.group ?? 0
        var feeTier = UInt32(account?.feeTier ?? 0), cashBook = account?.cashBook ?? 0
        try coder.code(&name)
        try coder.code(&group)
        try coder.code(&feeTier)
        try coder.code(&cashBook)
        return (name, group, Int(feeTier), cashBook)
    }
}
