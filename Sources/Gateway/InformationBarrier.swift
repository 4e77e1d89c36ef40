import Engine
import Foundation
import HarbourCore

/// The market-maker information barrier (MM-3): an MM credential sees public data and its
/// own orders, fills and positions only. The role check refuses it every staff route
/// (`authorize`); the checks here refuse a request that names another account or another
/// account's order. Each refusal is `403 INFORMATION_BARRIER` and one `BarrierEvent`.
extension GatewayCore {
    /// Query parameters and body fields that would name an account. No client route takes
    /// one (the account is always the key's); for a market maker, naming another account is
    /// an attempt at its data, not a typo.
    static let accountFieldNames: Set<String> = ["account", "accountId", "accountName", "user", "userId", "subAccount"]

    /// Records the attempt and returns the refusal to throw.
    func barrierRefusal(_ key: ApiKey, action: String, kind: BarrierEvent.Kind, _ attempted: String) -> ApiError {
        let event = barrier.record(time: clock.nowMillis(), key: key.key, account: key.account ?? "-", route: action,
                                   kind: kind, attempted: attempted)
        metrics.barrierEvents.increment()
        return ApiError.informationBarrier("a market-maker key may not see \(attempted) (MM-3); recorded as barrier event \(event.id)")
    }

    /// Refuses a market-maker request whose query or JSON body names an account other than its own.
    func guardBarrier(_ key: ApiKey, query: [String: String], body: [UInt8], action: String) throws(ApiError) {
        guard key.role == .marketMaker else { return }
        var fields = query
        if body.first == UInt8(ascii: "{"),
           let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] {
            for name in Self.accountFieldNames {
                if let value = object[name] { fields[name] = (value as? String) ?? String(describing: value) }
            }
        }
        try guardBarrier(key, fields: fields, action: action)
    }

    /// `guardBarrier` over named fields (the `/fapi` parameters, query and body merged).
    func guardBarrier(_ key: ApiKey, fields: [String: String], action: String) throws(ApiError) {
        guard key.role == .marketMaker else { return }
        for name in Self.accountFieldNames.sorted() {
            if let value = fields[name], value != key.account {
                throw barrierRefusal(key, action: action, kind: .otherAccount, "account '\(value)' (named by '\(name)')")
            }
        }
    }

    /// Refuses a market-maker request that names a live order of another account (cancel,
    /// amend, order lookup). A client naming one gets the engine's `UNKNOWN_ORDER`, as before.
    func guardOrderOwner(_ key: ApiKey?, orderId: Int64, action: String) async throws {
        guard let key, key.role == .marketMaker, let own = key.account else { return }
        let specs = self.specs
        let owner = try await host.read { engine -> String? in
            for index in 0..<engine.accountCount {
                let account = AccountID(UInt32(index))
                for i in specs.indices {
                    let resting = engine.restingOrders(account: account, instrument: InstrumentID(UInt16(i)))
                    let conditional = engine.conditionalsOf(account: account.index, instrument: UInt16(i))
                    if resting.contains(where: { $0.orderId == orderId }) || conditional.contains(where: { $0.orderId == orderId }) {
                        return engine.accountName(account)
                    }
                }
            }
            return nil
        }
        if let owner, owner != own {
            throw barrierRefusal(key, action: action, kind: .otherAccountOrder, "order \(orderId) of another account")
        }
    }
}
