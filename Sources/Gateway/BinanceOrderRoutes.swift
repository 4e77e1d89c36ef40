import CommandInput
import Engine
import Foundation
import HarbourCore
import Hummingbird
import Matching
import Sequencer

/// `/fapi` order routes: place, query, cancel, open orders, order and fill history.
extension GatewayCore {
    static let binanceOrderParams: Set<String> = [
        "symbol", "side", "type", "quantity", "price", "timeInForce", "reduceOnly", "newClientOrderId", "stopPrice",
        "workingType", "positionSide", "newOrderRespType", "selfTradePreventionMode", "priceProtect", "closePosition", "priceMatch",
    ]

    func addBinanceOrderRoutes(_ router: Router<GatewayRequestContext>, _ auth: BinanceAuthenticator, _ activity: BinanceActivity) {
        fapi(router, .post, "/fapi/v1/order", .account(.trade), auth) { [self] call in
            try call.allowOnly(Self.binanceOrderParams)
            let command = try binanceOrderCommand(call)
            guard case .placeOrder(let order) = command else { throw BinanceError.internalError }
            let outcome = try await submit(command)
            if let r = Self.rejection(in: outcome) {
                metrics.order(result: "rejected")
                throw BinanceError.from(r)
            }
            metrics.order(result: "accepted")
            var orderId: OrderID?
            for e in outcome.events {
                if case .accepted(let id, let a, _, _) = e, a == order.account { orderId = id; break }
            }
            guard let orderId else { throw BinanceError.internalError }
            await activity.waitUntilProcessed(outcome.sequence)
            guard let o = activity.order(orderId, account: order.account) else { throw BinanceError.internalError }
            return binanceOrderJSON(o)
        }
        fapi(router, .get, "/fapi/v1/order", .account(.read), auth) { [self] call in
            try call.allowOnly(["symbol", "orderId", "origClientOrderId"])
            let i = try binanceInstrument(call.params["symbol"])
            let ref = try binanceOrderRef(call)
            if case .id(let id) = ref { try await guardOrderOwner(call.key, orderId: id, action: "GET /fapi/v1/order") }
            let account = try await accountID(try call.account)
            await activity.waitUntilProcessed(UInt64(try await host.read { $0.commandCount }))
            guard let json = try await binanceFindOrder(ref, instrument: i, account: account, name: try call.account, activity) else {
                throw BinanceError.orderNotFound
            }
            return json
        }
        fapi(router, .delete, "/fapi/v1/order", .account(.trade), auth) { [self] call in
            try call.allowOnly(["symbol", "orderId", "origClientOrderId"])
            let i = try binanceInstrument(call.params["symbol"])
            let ref = try binanceOrderRef(call)
            if case .id(let id) = ref { try await guardOrderOwner(call.key, orderId: id, action: "DELETE /fapi/v1/order") }
            let account = try await accountID(try call.account)
            // What the order looked like before the cancel (for orders older than the tracker).
            let before = try await binanceOpenOrders(account: account, only: i, activity).first { o in
                switch ref {
                case .id(let id): return o.0 == id
                case .client(let c): return o.2 == c
                }
            }
            var fields = CommandFields(["symbol": .string(specs[i].symbol)])
            switch ref {
            case .id(let id): fields["orderId"] = .integer(id)
            case .client(let c): fields["clientOrderId"] = .string(c)
            }
            let outcome = try await submit(try await command(.cancelOrder, fields, account: try call.account))
            if let r = Self.rejection(in: outcome) {
                if r.code == .unknownOrder { throw BinanceError(.badRequest, -2011, "Unknown order sent: \(r.message)", harbourCode: r.code.rawValue) }
                throw BinanceError.from(r)
            }
            var canceled: OrderID?
            for e in outcome.events { if case .canceled(let end) = e, end.account == account { canceled = end.orderId } }
            await activity.waitUntilProcessed(outcome.sequence)
            if let canceled, let o = activity.order(canceled, account: account) { return binanceOrderJSON(o) }
            guard let before else { throw BinanceError.orderNotFound }
            return binanceReplace(before.1, status: "CANCELED")
        }
        fapi(router, .get, "/fapi/v1/openOrders", .account(.read), auth) { [self] call in
            try call.allowOnly(["symbol"])
            let only = try call.params["symbol"].map { s throws(BinanceError) in try binanceInstrument(s) }
            let account = try await accountID(try call.account)
            await activity.waitUntilProcessed(UInt64(try await host.read { $0.commandCount }))
            return .array(try await binanceOpenOrders(account: account, only: only, activity).map(\.1))
        }
        fapi(router, .delete, "/fapi/v1/allOpenOrders", .account(.trade), auth) { [self] call in
            try call.allowOnly(["symbol"])
            let i = try binanceInstrument(call.params["symbol"])
            let outcome = try await submit(try await command(.cancelAll, CommandFields(["symbol": .string(specs[i].symbol)]), account: try call.account))
            if let r = Self.rejection(in: outcome) { throw BinanceError.from(r) }
            return .object([("code", 200), ("msg", "The operation of cancel all open order is done.")])
        }
        fapi(router, .get, "/fapi/v1/allOrders", .account(.read), auth) { [self] call in
            try call.allowOnly(["symbol", "orderId", "startTime", "endTime", "limit"])
            let i = try binanceInstrument(call.params["symbol"])
            let fromId = try call.int64("orderId"), start = try call.int64("startTime"), end = try call.int64("endTime")
            let limit = try call.int("limit", default: 500, max: 1000)
            let name = try call.account
            let account = try await accountID(name)
            await activity.waitUntilProcessed(UInt64(try await host.read { $0.commandCount }))
            var rows: [OrderID: (Int64, JSON)] = [:]
            for r in try await history.orders(account: name, query: HistoryQuery(symbol: specs[i].symbol, limit: 1000)) {
                if let id = Int64(r.orderId) { rows[id] = (Int64(r.createdAt) ?? 0, binanceOrderJSON(r, spec: specs[i])) }
            }
            for (id, json, _) in try await binanceOpenOrders(account: account, only: i, activity) { rows[id] = (rows[id]?.0 ?? 0, json) }
            for o in activity.orders(account: account, instrument: i) { rows[o.orderId] = (o.time, binanceOrderJSON(o)) }
            let selected = rows.sorted { $0.key < $1.key }.filter { id, v in
                (fromId.map { id >= $0 } ?? true) && (start.map { v.0 >= $0 } ?? true) && (end.map { v.0 <= $0 } ?? true)
            }.map(\.value.1)
            return .array(fromId == nil ? Array(selected.suffix(limit)) : Array(selected.prefix(limit)))
        }
        fapi(router, .get, "/fapi/v1/userTrades", .account(.read), auth) { [self] call in
            try call.allowOnly(["symbol", "orderId", "startTime", "endTime", "fromId", "limit"])
            let i = try binanceInstrument(call.params["symbol"])
            let orderId = try call.int64("orderId"), fromId = try call.int64("fromId")
            let start = try call.int64("startTime"), end = try call.int64("endTime")
            let limit = try call.int("limit", default: 500, max: 1000)
            let name = try call.account
            let account = try await accountID(name)
            await activity.waitUntilProcessed(UInt64(try await host.read { $0.commandCount }))
            let s = specs[i]
            var rows: [(id: Int64, time: Int64, orderId: Int64, json: JSON)] = []
            // Fills older than the tracker come from the read model.
            let first = activity.firstSequence
            var lastSeq: UInt64 = .max, index: Int64 = 0
            for t in try await history.trades(account: name, query: HistoryQuery(symbol: s.symbol, limit: 1000)).reversed() {
                guard let seq = UInt64(t.sequence), first.map({ seq < $0 }) ?? true else { continue }
                index = seq == lastSeq ? index + 1 : 0
                lastSeq = seq
                let id = Int64(seq) * BinanceActivity.tradeIdFactor + index
                let maker = t.liquidity == "maker"
                rows.append((id, Int64(t.timestamp) ?? 0, Int64(t.orderId) ?? 0, .object([
                    ("symbol", .string(BinanceNames.symbol(s))), ("id", .int(id)), ("orderId", .int(Int64(t.orderId) ?? 0)),
                    ("side", .string(t.side.uppercased())), ("price", .string(t.price)), ("qty", .string(t.qty)),
                    ("realizedPnl", "0"), ("quoteQty", .string(binanceQuote(t.price, t.qty, s))),
                    ("commission", .string(t.fee)), ("commissionAsset", .string(BinanceNames.asset)), ("time", .int(Int64(t.timestamp) ?? 0)),
                    ("positionSide", "BOTH"), ("buyer", .bool(t.side == "buy")), ("maker", .bool(maker)),
                ])))
            }
            for f in activity.fills(account: account, instrument: i) {
                rows.append((f.id, f.time, f.orderId, .object([
                    ("symbol", .string(BinanceNames.symbol(s))), ("id", .int(f.id)), ("orderId", .int(f.orderId)),
                    ("side", .string(BinanceNames.side(f.side))), ("price", .string(Fmt.price(f.price, s))), ("qty", .string(Fmt.size(f.quantity, s))),
                    ("realizedPnl", "0"),
                    ("quoteQty", .string(BinanceMath.money(Int128(f.price) * Int128(f.quantity) * Int128(s.productToAsset), asset))),
                    ("commission", .string(Fmt.money(f.fee, asset))), ("commissionAsset", .string(BinanceNames.asset)), ("time", .int(f.time)),
                    ("positionSide", "BOTH"), ("buyer", .bool(f.side == .buy)), ("maker", .bool(f.maker)),
                ])))
            }
            let selected = rows.sorted { $0.id < $1.id }.filter { r in
                (orderId.map { r.orderId == $0 } ?? true) && (fromId.map { r.id >= $0 } ?? true)
                    && (start.map { r.time >= $0 } ?? true) && (end.map { r.time <= $0 } ?? true)
            }.map(\.json)
            return .array(fromId == nil ? Array(selected.suffix(limit)) : Array(selected.prefix(limit)))
        }
    }

    /// The engine command for a Binance new-order request: Binance's names mapped to the
    /// native ones (BUY → buy, GTX → postOnly, CONTRACT_PRICE → last, EXPIRE_TAKER →
    /// expireTaker, docs/DECISIONS.md 21), then built by `CommandBuilder` like every order.
    func binanceOrderCommand(_ call: BinanceCall) throws -> Command {
        let p = call.params
        let i = try binanceInstrument(p["symbol"])
        let spec = specs[i]
        guard let sideText = p["side"] else { throw BinanceError.mandatory("side") }
        guard let side = BinanceNames.native("side", sideText) else { throw BinanceError(.badRequest, -1117, "Invalid side '\(sideText)' (BUY or SELL).") }
        guard let typeText = p["type"] else { throw BinanceError.mandatory("type") }
        guard let type = BinanceNames.orderType(typeText) else {
            throw BinanceError(.badRequest, -1116, "Invalid orderType '\(typeText)'; Harbour supports LIMIT, MARKET, STOP, STOP_MARKET, TAKE_PROFIT, TAKE_PROFIT_MARKET.")
        }
        guard let qty = p["quantity"] else {
            throw BinanceError(.badRequest, -1102, p["closePosition"] == "true"
                ? "closePosition is not supported by Harbour: send quantity with reduceOnly=true."
                : "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.")
        }
        var fields = CommandFields(["symbol": .string(spec.symbol), "side": .string(side),
                                    "orderType": .string(type.name), "qty": .string(qty)])
        if type.hasLimitPrice {
            guard let price = p["price"] else { throw BinanceError.mandatory("price") }
            fields["price"] = .string(price)
        } else if p["price"] != nil {
            throw BinanceError(.badRequest, -1106, "Parameter 'price' sent when not required (\(typeText) orders take no price).")
        }
        if type.isConditional {
            guard let stop = p["stopPrice"] else { throw BinanceError.mandatory("stopPrice") }
            fields["stopPrice"] = .string(stop)
            let workingType = p["workingType"] ?? "CONTRACT_PRICE"
            guard let trigger = BinanceNames.native("workingType", workingType) else {
                throw BinanceError.invalidValue("workingType", "'\(workingType)' is not MARK_PRICE or CONTRACT_PRICE")
            }
            fields["trigger"] = .string(trigger)
        } else if p["stopPrice"] != nil {
            throw BinanceError(.badRequest, -1106, "Parameter 'stopPrice' sent when not required.")
        }
        if let tif = p["timeInForce"] {
            guard let native = BinanceNames.native("timeInForce", tif) else { // GTX is Binance's post-only
                throw BinanceError(.badRequest, -1115, "Invalid timeInForce '\(tif)'; Harbour supports GTC, IOC, FOK and GTX (post-only).")
            }
            fields["timeInForce"] = .string(native)
        }
        if let ro = try call.bool("reduceOnly") { fields["reduceOnly"] = .bool(ro) }
        if let c = p["newClientOrderId"] { fields["clientOrderId"] = .string(c) }
        if let stp = p["selfTradePreventionMode"] {
            guard let v = BinanceNames.stp(stp) else {
                throw BinanceError.invalidValue("selfTradePreventionMode", "Harbour always prevents self-trades: use EXPIRE_TAKER, EXPIRE_MAKER or EXPIRE_BOTH")
            }
            fields["stp"] = .string(v)
        }
        if let ps = p["positionSide"], ps != "BOTH" {
            throw BinanceError(.badRequest, -4061, "Order's position side does not match user's setting: Harbour has one net position per symbol (positionSide BOTH).")
        }
        if let r = p["newOrderRespType"], r != "ACK" && r != "RESULT" { throw BinanceError.invalidValue("newOrderRespType", "must be ACK or RESULT") }
        if let cp = try call.bool("closePosition"), cp { throw BinanceError.invalidValue("closePosition", "not supported by Harbour: send quantity with reduceOnly=true") }
        if let pm = p["priceMatch"], pm != "NONE" { throw BinanceError.invalidValue("priceMatch", "not supported by Harbour (only NONE)") }
        _ = try call.bool("priceProtect")
        return try buildCommand(.placeOrder, fields, account: try call.account)
    }

    func binanceOrderRef(_ call: BinanceCall) throws(BinanceError) -> OrderRef {
        if let id = call.params["orderId"] {
            guard let v = Int64(id) else { throw BinanceError.invalidValue("orderId", "must be an integer") }
            return .id(v)
        }
        if let c = call.params["origClientOrderId"], !c.isEmpty {
            guard ClientOrderIdFormat.isValid(c) else { throw BinanceError.from(ClientOrderIdFormat.rejection(c)) }
            return .client(c)
        }
        throw BinanceError(.badRequest, -1102, "Either orderId or origClientOrderId must be sent.")
    }

    /// Open orders of an account from the engine (enriched from the tracker): id, JSON, client id.
    func binanceOpenOrders(account: AccountID, only: Int?, _ activity: BinanceActivity) async throws -> [(OrderID, JSON, String?)] {
        let specs = self.specs
        let raw = try await host.read { engine -> [(Int, RestingOrder?, ConditionalOrder?, String?)] in
            var rows: [(Int, RestingOrder?, ConditionalOrder?, String?)] = []
            for i in specs.indices where only == nil || only == i {
                let inst = InstrumentID(UInt16(i))
                for o in engine.restingOrders(account: account, instrument: inst) { rows.append((i, o, nil, engine.clientOrderId(of: o.orderId))) }
                for c in engine.conditionalsOf(account: account.index, instrument: inst.index) { rows.append((i, nil, c, c.clientOrderId)) }
            }
            return rows
        }
        return raw.map { i, resting, cond, coid in
            let s = specs[i]
            let id = resting?.orderId ?? cond!.orderId
            if let o = activity.order(id, account: account) { return (id, binanceOrderJSON(o), coid) }
            if let r = resting {
                return (id, binanceOrderJSON(orderId: id, spec: s, side: r.side, type: .limit, tif: "GTC", price: r.price, quantity: r.quantity,
                                              executed: r.quantity - r.remaining, avgPrice: "0", cumQuote: "0", stopPrice: 0,
                                              status: r.remaining < r.quantity ? "PARTIALLY_FILLED" : "NEW", clientOrderId: coid,
                                              reduceOnly: r.reduceOnly, workingType: "CONTRACT_PRICE", stp: "EXPIRE_TAKER", time: nil, updateTime: nil), coid)
            }
            let c = cond!
            return (id, binanceOrderJSON(orderId: id, spec: s, side: c.side, type: c.type, tif: "GTC", price: c.type.hasLimitPrice ? c.limitPrice : 0,
                                         quantity: c.quantity, executed: 0, avgPrice: "0", cumQuote: "0", stopPrice: c.stopPrice, status: "NEW",
                                         clientOrderId: coid, reduceOnly: c.reduceOnly, workingType: c.source == .mark ? "MARK_PRICE" : "CONTRACT_PRICE",
                                         stp: "EXPIRE_TAKER", time: nil, updateTime: nil), coid)
        }
    }

    /// One order of the account by id or client id: tracker, then engine, then read model.
    func binanceFindOrder(_ ref: OrderRef, instrument i: Int, account: AccountID, name: String, _ activity: BinanceActivity) async throws -> JSON? {
        let tracked: BinanceActivity.Order?
        switch ref {
        case .id(let id): tracked = activity.order(id, account: account)
        case .client(let c): tracked = activity.order(clientOrderId: c, account: account)
        }
        if let tracked { return tracked.instrument == i ? binanceOrderJSON(tracked) : nil }
        for (id, json, coid) in try await binanceOpenOrders(account: account, only: i, activity) {
            switch ref {
            case .id(let x) where x == id: return json
            case .client(let c) where c == coid: return json
            default: continue
            }
        }
        // Older orders: one indexed read-model lookup (by primary key, or by account and
        // client order id), however long the account's history is.
        let record: OrderHistoryRecord?
        switch ref {
        case .id(let id): record = try await history.order(account: name, orderId: id, clientOrderId: nil)
        case .client(let c): record = try await history.order(account: name, orderId: nil, clientOrderId: c)
        }
        guard let record, record.symbol == specs[i].symbol else { return nil }
        return binanceOrderJSON(record, spec: specs[i])
    }

    func binanceOrderJSON(_ o: BinanceActivity.Order) -> JSON {
        let s = specs[o.instrument]
        let avg = o.executed > 0
            ? BinanceMath.ratio(o.executedCost, Int128(o.executed) * Int128(s.priceScale.unit), decimals: s.priceScale.decimals + s.sizeScale.decimals)
            : "0"
        return binanceOrderJSON(orderId: o.orderId, spec: s, side: o.side, type: o.type, tif: BinanceNames.timeInForce(o.timeInForce),
                                price: o.price, quantity: o.quantity, executed: o.executed, avgPrice: avg,
                                cumQuote: BinanceMath.money(o.executedCost * Int128(s.productToAsset), asset), stopPrice: o.stopPrice,
                                status: o.status, clientOrderId: o.clientOrderId, reduceOnly: o.reduceOnly,
                                workingType: o.trigger == .mark ? "MARK_PRICE" : "CONTRACT_PRICE", stp: BinanceNames.stp(o.stp),
                                time: o.time, updateTime: o.updateTime)
    }

    /// An order from the read model (orders older than the tracker).
    func binanceOrderJSON(_ r: OrderHistoryRecord, spec s: InstrumentSpec) -> JSON {
        let status: String
        let filled = (try? FixedDecimal.parse(r.filledQty, scale: s.sizeScale)) ?? 0
        let qty = (try? FixedDecimal.parse(r.qty ?? "0", scale: s.sizeScale)) ?? 0
        switch r.status.split(separator: ":").first.map(String.init) ?? "" {
        case "open": status = filled > 0 ? "PARTIALLY_FILLED" : "NEW"
        case "filled": status = "FILLED"
        case "canceled": status = "CANCELED"
        case "expired": status = "EXPIRED"
        default: status = "REJECTED"
        }
        let type = OrderType(name: r.orderType) ?? .limit
        return binanceOrderJSON(orderId: Int64(r.orderId) ?? 0, spec: s, side: r.side == "sell" ? .sell : .buy, type: type, tif: "GTC",
                                price: (try? FixedDecimal.parse(r.price ?? "0", scale: s.priceScale)) ?? 0, quantity: qty, executed: filled,
                                avgPrice: "0", cumQuote: "0", stopPrice: 0, status: status, clientOrderId: r.clientOrderId, reduceOnly: false,
                                workingType: "CONTRACT_PRICE", stp: "EXPIRE_TAKER", time: Int64(r.createdAt), updateTime: Int64(r.updatedAt))
    }

    func binanceOrderJSON(orderId: OrderID, spec s: InstrumentSpec, side: Side, type: OrderType, tif: String, price: Int64, quantity: Int64,
                          executed: Int64, avgPrice: String, cumQuote: String, stopPrice: Int64, status: String, clientOrderId: String?,
                          reduceOnly: Bool, workingType: String, stp: String, time: Int64?, updateTime: Int64?) -> JSON {
        .object([
            ("orderId", .int(orderId)), ("symbol", .string(BinanceNames.symbol(s))), ("status", .string(status)),
            ("clientOrderId", .string(clientOrderId ?? "")), ("price", .string(Fmt.price(price, s))), ("avgPrice", .string(avgPrice)),
            ("origQty", .string(Fmt.size(quantity, s))), ("executedQty", .string(Fmt.size(executed, s))),
            ("cumQty", .string(Fmt.size(executed, s))), ("cumQuote", .string(cumQuote)), ("timeInForce", .string(tif)),
            ("type", .string(BinanceNames.type(type))), ("origType", .string(BinanceNames.type(type))), ("reduceOnly", .bool(reduceOnly)),
            ("closePosition", false), ("side", .string(BinanceNames.side(side))), ("positionSide", "BOTH"),
            ("stopPrice", .string(Fmt.price(stopPrice, s))), ("workingType", .string(workingType)), ("priceProtect", false),
            ("priceMatch", "NONE"), ("selfTradePreventionMode", .string(stp)), ("goodTillDate", 0),
            ("time", time.map { .int($0) } ?? .null), ("updateTime", updateTime.map { .int($0) } ?? .null),
        ])
    }

    /// `json` (an order object) with another status.
    func binanceReplace(_ json: JSON, status: String) -> JSON {
        guard case .object(let fields) = json else { return json }
        return .object(fields.map { $0.0 == "status" ? ("status", .string(status)) : $0 })
    }

    /// price × qty of two decimal strings, in the settlement asset (exact).
    func binanceQuote(_ price: String, _ qty: String, _ s: InstrumentSpec) -> String {
        guard let p = try? FixedDecimal.parse(price, scale: s.priceScale), let q = try? FixedDecimal.parse(qty, scale: s.sizeScale) else { return "0" }
        return BinanceMath.money(Int128(p) * Int128(q) * Int128(s.productToAsset), asset)
    }
}
