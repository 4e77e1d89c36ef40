import HarbourCore
import Matching

/// One description of each order record, shared by the snapshot, its restore and the
/// state hash. Written from the record, or read (record nil) and returned; the engine
/// checks what needs other state (ids, accounts, prices against the instrument).
extension RestingOrder {
    /// Order id, account, STP group, price, quantity, remaining, reduce-only.
    static func code<Coder: StateCoder>(_ order: RestingOrder?, side: Side, _ coder: inout Coder) throws(Engine.SnapshotError) -> RestingOrder {
        var id = order?.orderId ?? 0, account = order?.account ?? 0, group = order?.group ?? 0, price = order?.price ?? 0
        var quantity = order?.quantity ?? 0, remaining = order?.remaining ?? 0, reduceOnly = order?.reduceOnly ?? false
        try coder.code(&id); try coder.code(&account); try coder.code(&group); try coder.code(&price)
        try coder.code(&quantity); try coder.code(&remaining); try coder.code(&reduceOnly)
        if let order { return order }
        return RestingOrder(orderId: id, account: account, group: group, side: side, price: price, quantity: quantity,
                            remaining: remaining, reduceOnly: reduceOnly)
    }
}

extension ConditionalOrder {
    /// Order id, account, side, type, stop and limit price, quantity, reduce-only, time in
    /// force, STP mode, client order id. The trigger source is where it is filed.
    static func code<Coder: StateCoder>(_ order: ConditionalOrder?, source: TriggerSource, _ coder: inout Coder) throws(Engine.SnapshotError) -> ConditionalOrder {
        var id = order?.orderId ?? 0, account = order?.account ?? 0
        var side = order?.side.rawValue ?? 0, type = order?.type.rawValue ?? 0
        var stop = order?.stopPrice ?? 0, limit = order?.limitPrice ?? 0, quantity = order?.quantity ?? 0
        var reduceOnly = order?.reduceOnly ?? false
        var timeInForce = order?.timeInForce.rawValue ?? 0, stp = order?.stp.rawValue ?? 0
        var clientOrderId = order?.clientOrderId
        try coder.code(&id); try coder.code(&account); try coder.code(&side); try coder.code(&type)
        try coder.code(&stop); try coder.code(&limit); try coder.code(&quantity); try coder.code(&reduceOnly)
        try coder.code(&timeInForce); try coder.code(&stp); try coder.code(&clientOrderId)
        if let order { return order }
        guard let s = Side(rawValue: side), let t = OrderType(rawValue: type), t.isConditional else {
            throw .corrupt("conditional order \(id): bad side or type")
        }
        guard let tif = TimeInForce(rawValue: timeInForce), let mode = SelfTradePrevention(rawValue: stp) else {
            throw .corrupt("conditional order \(id): bad time in force or STP mode")
        }
        return ConditionalOrder(orderId: id, account: account, side: s, type: t, stopPrice: stop, limitPrice: limit,
                                quantity: quantity, reduceOnly: reduceOnly, timeInForce: tif, stp: mode, source: source,
                                clientOrderId: clientOrderId)
    }
}
