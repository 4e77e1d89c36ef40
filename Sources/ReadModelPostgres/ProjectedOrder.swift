import PostgresNIO

/// One row of `orders` as a batch projection holds it in memory: read from the store
/// before the batch (`ProjectionPrefetch`), or created by an `accepted` event, changed by
/// the batch's events in order, and written back whole (`ON CONFLICT DO UPDATE`). Prices
/// and sizes are the exact decimal strings, as stored.
struct ProjectedOrder {
    static let columns = [
        "order_id", "account", "symbol", "side", "order_type", "time_in_force", "client_order_id", "status", "reason", "price",
        "stop_price", "qty", "filled_qty", "reduce_only", "triggered_seq", "created_seq", "created_ts", "updated_seq",
        "updated_ts", "affiliated_market_maker",
    ]

    var orderId: Int64
    var account: String
    var symbol: String
    var side: String?
    var orderType: String?
    var timeInForce: String?
    var clientOrderId: String?
    var status: String
    var reason: String?
    var price: String?
    var stopPrice: String?
    var qty: String?
    var filledQty: String
    var reduceOnly: Bool
    var triggeredSeq: Int64?
    var createdSeq: Int64
    var createdTs: Int64
    var updatedSeq: Int64
    var updatedTs: Int64
    var affiliatedMarketMaker: Bool

    init(orderId: Int64, account: String, symbol: String, side: String?, orderType: String?, timeInForce: String?,
         clientOrderId: String?, price: String?, stopPrice: String?, qty: String?, reduceOnly: Bool, seq: Int64, ts: Int64,
         affiliatedMarketMaker: Bool) {
        self.orderId = orderId
        self.account = account
        self.symbol = symbol
        self.side = side
        self.orderType = orderType
        self.timeInForce = timeInForce
        self.clientOrderId = clientOrderId
        status = "open"
        reason = nil
        self.price = price
        self.stopPrice = stopPrice
        self.qty = qty
        filledQty = "0"
        self.reduceOnly = reduceOnly
        triggeredSeq = nil
        createdSeq = seq
        createdTs = ts
        updatedSeq = seq
        updatedTs = ts
        self.affiliatedMarketMaker = affiliatedMarketMaker
    }

    /// A stored row (`SELECT <columns> FROM orders`).
    init(row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        func text(_ c: String) throws -> String? { try r[c].decode(String?.self) }
        func int(_ c: String) throws -> Int64? { try r[c].decode(Int64?.self) }
        orderId = try r["order_id"].decode(Int64.self)
        account = try r["account"].decode(String.self)
        symbol = try r["symbol"].decode(String.self)
        side = try text("side")
        orderType = try text("order_type")
        timeInForce = try text("time_in_force")
        clientOrderId = try text("client_order_id")
        status = try r["status"].decode(String.self)
        reason = try text("reason")
        price = try text("price")
        stopPrice = try text("stop_price")
        qty = try text("qty")
        filledQty = try r["filled_qty"].decode(String.self)
        reduceOnly = try r["reduce_only"].decode(Bool.self)
        triggeredSeq = try int("triggered_seq")
        createdSeq = try r["created_seq"].decode(Int64.self)
        createdTs = try r["created_ts"].decode(Int64.self)
        updatedSeq = try r["updated_seq"].decode(Int64.self)
        updatedTs = try r["updated_ts"].decode(Int64.self)
        affiliatedMarketMaker = try r["affiliated_market_maker"].decode(Bool.self)
    }

    /// The row's values in `columns` order.
    var values: [SQLValue] {
        [.int(orderId), .text(account), .text(symbol), .t(side), .t(orderType), .t(timeInForce), .t(clientOrderId), .text(status),
         .t(reason), .t(price), .t(stopPrice), .t(qty), .text(filledQty), .bool(reduceOnly), .i(triggeredSeq), .int(createdSeq),
         .int(createdTs), .int(updatedSeq), .int(updatedTs), .bool(affiliatedMarketMaker)]
    }

    mutating func touch(seq: Int64, ts: Int64) {
        updatedSeq = seq
        updatedTs = ts
    }
}
