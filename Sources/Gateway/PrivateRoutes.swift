import Foundation
import CommandInput
import Engine
import HarbourCore
import Hummingbird
import Matching
import ReadModel
import Sequencer

/// Body fields of a new order: the table's `placeOrder` fields minus the caller's account.
let placeOrderSchema = BodySchema(command: .placeOrder, omitting: ["account"])

/// A client's or market maker's own orders, positions and balances. The account is
/// always the key's: no route takes an account parameter, and a market maker that names
/// another account or another account's order is refused at the barrier (MM-3,
/// `InformationBarrier.swift`).
extension GatewayCore {
    func addPrivateRoutes(_ router: Router<GatewayRequestContext>) {
        route(router, .post, "/v1/orders", .account(.trade)) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let body = try RequestBody(caller.body, schema: placeOrderSchema)
            return try await placeOrder(body, account: caller.accountName)
        }
        route(router, .patch, "/v1/orders", .account(.trade)) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .amendOrder, omitting: ["account"]))
            guard body.has("orderId") || body.has("clientOrderId") else { throw ApiError.missingField("orderId or clientOrderId") }
            guard body.has("price") || body.has("qty") else { throw ApiError.missingField("price or qty") }
            if let id = body.int("orderId") { try await guardOrderOwner(caller.key, orderId: id, action: "PATCH /v1/orders") }
            let command = try await command(.amendOrder, body.fields, account: caller.accountName)
            return try await orderChange(command, status: "amended")
        }
        route(router, .delete, "/v1/orders", .account(.trade)) { [self] _, _, caller in
            try Self.allowOnly(["symbol", "orderId", "clientOrderId"], caller)
            var fields = CommandFields(["symbol": .string(caller.query["symbol"] ?? "")])
            _ = try market(caller.query["symbol"])
            if let id = caller.query["orderId"] {
                guard let number = Int64(id) else { throw ApiError.invalidParameter("'orderId' must be an integer") }
                try await guardOrderOwner(caller.key, orderId: number, action: "DELETE /v1/orders")
                fields["orderId"] = .string(id)
            } else if let c = caller.query["clientOrderId"] {
                fields["clientOrderId"] = .string(c)
            } else {
                throw ApiError.invalidParameter("name the order with 'orderId' or 'clientOrderId'")
            }
            let command = try await command(.cancelOrder, fields, account: caller.accountName)
            return try await orderChange(command, status: "canceled")
        }
        route(router, .delete, "/v1/orders/all", .account(.trade)) { [self] _, _, caller in
            try Self.allowOnly(["symbol"], caller)
            var fields = CommandFields()
            if let s = caller.query["symbol"] {
                _ = try market(s)
                fields["symbol"] = .string(s)
            }
            let command = try await command(.cancelAll, fields, account: caller.accountName)
            let outcome = try await submit(command)
            if let r = Self.rejection(in: outcome) { throw ApiError.rejection(r) }
            let account = try await accountID(caller.accountName)
            var canceled: [JSON] = []
            for e in outcome.events { if case .canceled(let end) = e, end.account == account { canceled.append(.int(end.orderId)) } }
            return .object([("sequence", .int(Int64(outcome.sequence))), ("canceled", .array(canceled)),
                            ("events", visibleEvents(outcome, account: account))])
        }
        route(router, .get, "/v1/orders/open", .account(.read)) { [self] _, _, caller in
            try Self.allowOnly(["symbol"], caller)
            var only: Int?
            if let s = caller.query["symbol"] { only = try market(s) }
            let account = try await accountID(caller.accountName)
            return try await openOrders(account: account, instrument: only)
        }
        route(router, .get, "/v1/positions", .account(.read)) { [self] _, _, caller in
            try Self.allowOnly(["symbol"], caller)
            var only: Int?
            if let s = caller.query["symbol"] { only = try instrument(s) }
            let account = try await accountID(caller.accountName)
            let ranks = try await history.adlRanks(account: caller.accountName)
            return try await positions(account: account, instrument: only, adlRanks: ranks)
        }
        route(router, .get, "/v1/balances", .account(.read)) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let account = try await accountID(caller.accountName)
            return try await balances(account: account)
        }
        route(router, .post, "/v1/leverage", .account(.trade)) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .setLeverage, omitting: ["account"]))
            let command = try await command(.setLeverage, body.fields, account: caller.accountName)
            return try await settingChange(command, account: caller.accountName)
        }
        route(router, .post, "/v1/margin-mode", .account(.trade)) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let body = try RequestBody(caller.body, schema: BodySchema(command: .setMarginMode, omitting: ["account"]))
            let command = try await command(.setMarginMode, body.fields, account: caller.accountName)
            return try await settingChange(command, account: caller.accountName)
        }
        route(router, .get, "/v1/orders/history", .account(.read)) { [self] _, _, caller in
            let q = try historyQuery(caller)
            let rows = try await history.orders(account: caller.accountName, query: q)
            return try Self.encodeRows(rows)
        }
        route(router, .get, "/v1/trades/history", .account(.read)) { [self] _, _, caller in
            let q = try historyQuery(caller, allowingAfterSequence: true)
            let rows = try await history.trades(account: caller.accountName, query: q)
            return try Self.encodeRows(rows)
        }
        route(router, .get, "/v1/statement", .account(.read)) { [self] _, _, caller in
            try Self.allowOnly(["from", "to"], caller)
            let now = clock.nowMillis()
            func ms(_ k: String, _ d: Int64) throws(ApiError) -> Int64 {
                guard let t = caller.query[k] else { return d }
                guard let v = Int64(t) else { throw ApiError.invalidParameter("'\(k)' must be milliseconds since the epoch") }
                return v
            }
            let to = try ms("to", now + 1), from = try ms("from", to - 86_400_000)
            guard from < to else { throw ApiError.invalidParameter("'from' must be before 'to'") }
            guard let s = try await history.statement(account: caller.accountName, from: from, to: to) else {
                throw ApiError.notReady("statements need the read model")
            }
            return try Self.encodeRows([s])
        }
        route(router, .get, "/v1/liquidations", .account(.read)) { [self] _, _, caller in
            let q = try historyQuery(caller)
            let name = try caller.accountName
            let rows = try await history.liquidations(account: name, query: q)
            return .array(rows.map { RiskJSON.activity($0, account: name) })
        }
        route(router, .get, "/v1/ledger", .account(.read)) { [self] _, _, caller in
            let q = try historyQuery(caller)
            let rows = try await history.ledger(account: caller.accountName, query: q)
            return try Self.encodeRows(rows)
        }
    }

    // MARK: - Orders

    /// Places an order for `account`; shared by REST and WebSocket.
    func placeOrder(_ body: RequestBody, account: String) async throws -> JSON {
        let (command, order) = try prepareOrder(body, account: account)
        let outcome = try await submit(command)
        return try orderReply(outcome, order)
    }

    /// Validates and builds an order request (no engine trip): the command to sequence.
    func prepareOrder(_ body: RequestBody, account: String) throws -> (Command, PlaceOrder) {
        if let s = body.string("symbol") { _ = try market(s) }
        let command = try buildCommand(.placeOrder, body.fields, account: account)
        guard case .placeOrder(let order) = command else { throw ApiError.internalError }
        return (command, order)
    }

    /// The client's view of a sequenced order: status, fill, its visible events.
    func orderReply(_ outcome: CommandOutcome, _ order: PlaceOrder) throws -> JSON {
        if let r = Self.rejection(in: outcome) {
            metrics.order(result: "rejected")
            throw ApiError.rejection(r)
        }
        metrics.order(result: "accepted")
        var orderId: Int64?
        var filled: Int64 = 0
        var ended: String?
        for e in outcome.events {
            switch e {
            case .accepted(let id, let a, _, _) where a == order.account && orderId == nil: orderId = id
            case .trade(let t):
                if t.takerOrderId == orderId || (t.makerOrderId == orderId && t.makerAccount == order.account) { filled += t.quantity }
            case .canceled(let end) where end.orderId == orderId: ended = "canceled"
            case .expired(let end) where end.orderId == orderId: ended = "expired"
            default: break
            }
        }
        let spec = markets[Int(order.instrument.index)]
        let status: String
        if filled == order.quantity { status = "filled" } else if let ended { status = ended }
        else if filled > 0 { status = "partiallyFilled" } else { status = "new" }
        return .object([
            ("orderId", orderId.map { .int($0) } ?? .null),
            ("clientOrderId", order.clientOrderId.map { .string($0) } ?? .null),
            ("symbol", .string(spec.symbol)), ("status", .string(status)),
            ("filledQty", .string(Fmt.size(filled, spec))), ("sequence", .int(Int64(outcome.sequence))),
            ("timestamp", .int(outcome.timestamp)),
            ("events", visibleEvents(outcome, account: order.account)),
        ])
    }

    /// Submits an amend or cancel; unknown orders (including other accounts' orders,
    /// which the engine does not let anyone else name) are 404.
    func orderChange(_ command: Command, status: String) async throws -> JSON {
        let account: AccountID
        switch command {
        case .amendOrder(let a, _, _, _, _), .cancelOrder(let a, _, _): account = a
        default: throw ApiError.internalError
        }
        let outcome = try await submit(command)
        if let r = Self.rejection(in: outcome) {
            if r.code == .unknownOrder { throw ApiError.unknownOrder(r.message) }
            throw ApiError.rejection(r)
        }
        var orderId: JSON = .null
        for e in outcome.events {
            switch e {
            case .canceled(let end) where end.account == account: orderId = .int(end.orderId)
            case .amended(let id, let a, _, _, _, _) where a == account: orderId = .int(id)
            default: break
            }
        }
        return .object([("orderId", orderId), ("status", .string(status)), ("sequence", .int(Int64(outcome.sequence))),
                        ("events", visibleEvents(outcome, account: account))])
    }

    func settingChange(_ command: Command, account name: String) async throws -> JSON {
        let outcome = try await submit(command)
        if let r = Self.rejection(in: outcome) { throw ApiError.rejection(r) }
        let account = try await accountID(name)
        return .object([("sequence", .int(Int64(outcome.sequence))), ("events", visibleEvents(outcome, account: account))])
    }

    func openOrders(account: AccountID, instrument only: Int?) async throws -> JSON {
        let specs = self.markets
        let rows = try await host.read { engine -> [JSON] in
            var rows: [JSON] = []
            for i in specs.indices where only == nil || only == i {
                let spec = specs[i]
                let inst = InstrumentID(UInt16(i))
                for o in engine.restingOrders(account: account, instrument: inst) {
                    rows.append(.object([
                        ("orderId", .int(o.orderId)), ("clientOrderId", engine.clientOrderId(of: o.orderId).map { .string($0) } ?? .null),
                        ("symbol", .string(spec.symbol)), ("side", .string(o.side.description)), ("orderType", "limit"),
                        ("price", .string(Fmt.price(o.price, spec))), ("qty", .string(Fmt.size(o.quantity, spec))),
                        ("remainingQty", .string(Fmt.size(o.remaining, spec))), ("reduceOnly", .bool(o.reduceOnly)),
                        ("status", .string(o.remaining < o.quantity ? "partiallyFilled" : "new")),
                    ]))
                }
                for c in engine.conditionalsOf(account: account.index, instrument: inst.index) {
                    rows.append(.object([
                        ("orderId", .int(c.orderId)), ("clientOrderId", c.clientOrderId.map { .string($0) } ?? .null),
                        ("symbol", .string(spec.symbol)), ("side", .string(c.side.description)), ("orderType", .string(c.type.name)),
                        ("price", c.type.hasLimitPrice ? .string(Fmt.price(c.limitPrice, spec)) : .null),
                        ("stopPrice", .string(Fmt.price(c.stopPrice, spec))), ("trigger", .string(c.source.name)),
                        ("qty", .string(Fmt.size(c.quantity, spec))), ("remainingQty", .string(Fmt.size(c.quantity, spec))),
                        ("reduceOnly", .bool(c.reduceOnly)), ("status", "untriggered"),
                    ]))
                }
            }
            return rows
        }
        return .array(rows)
    }

    /// The account's positions from the engine; `adlRanks` (symbol → quintile, from the read
    /// model) adds each open position's published ADL rank, null when none is published.
    func positions(account: AccountID, instrument only: Int?, adlRanks: [String: Int] = [:]) async throws -> JSON {
        let specs = self.specs, asset = self.asset
        let rows = try await host.read { engine -> [JSON] in
            var rows: [JSON] = []
            for i in specs.indices where only == nil || only == i {
                let spec = specs[i]
                let p = engine.position(account, InstrumentID(UInt16(i)))
                if p.size == 0 && p.openOrders == 0 && only == nil { continue }
                let mark = engine.marks[i]
                let pnl = mark > 0 ? (Int128(p.size) * Int128(mark) - Int128(p.cost)) * Int128(spec.productToAsset) : 0
                rows.append(.object([
                    ("symbol", .string(spec.symbol)), ("size", .string(Fmt.size(p.size, spec))),
                    ("side", .string(p.size > 0 ? "long" : p.size < 0 ? "short" : "flat")),
                    ("entryPrice", .string(EventEncoder.entryPrice(cost: p.cost, size: p.size, spec: spec))),
                    ("markPrice", mark > 0 ? .string(Fmt.price(mark, spec)) : .null),
                    ("unrealizedPnl", .string(Fmt.money(pnl, asset))),
                    ("leverage", .string(String(p.leverage))), ("marginMode", .string(p.isolated ? "isolated" : "cross")),
                    ("isolatedMargin", .string(Fmt.money(p.isolatedMargin, asset))),
                    ("openBuyQty", .string(Fmt.size(p.openBuyQuantity, spec))), ("openSellQty", .string(Fmt.size(p.openSellQuantity, spec))),
                    ("openOrders", .int(Int64(p.openOrders))),
                    ("adlRank", p.size != 0 ? adlRanks[spec.symbol].map { .int(Int64($0)) } ?? .null : .null),
                ]))
            }
            return rows
        }
        return .array(rows)
    }

    func balances(account: AccountID) async throws -> JSON {
        let asset = self.asset, held = host.options.config.assets
        return try await host.read { engine in
            let m = engine.marginSummary(account)
            let assets: [JSON] = held.map { a in
                .object([("asset", .string(a.code)), ("free", .string(Fmt.money(engine.balance(account, asset: a.code), a))),
                         ("locked", .string(Fmt.money(engine.locked(account, asset: a.code), a)))])
            }
            return .object([
                ("account", .string(engine.accountName(account))), ("asset", .string(asset.code)),
                ("cash", .string(Fmt.money(engine.cash(account), asset))), ("equity", .string(Fmt.money(m.equity, asset))),
                ("initialMargin", .string(Fmt.money(m.initialRequired, asset))),
                ("maintenanceMargin", .string(Fmt.money(m.maintenanceRequired, asset))),
                ("available", .string(Fmt.money(m.available, asset))),
                ("assets", .array(assets)),
            ])
        }
    }

    // MARK: - History

    func historyQuery(_ caller: Caller, allowingAfterSequence: Bool = false) throws(ApiError) -> HistoryQuery {
        try Self.allowOnly(allowingAfterSequence ? ["symbol", "from", "to", "limit", "afterSequence"] : ["symbol", "from", "to", "limit"], caller)
        if let s = caller.query["symbol"] { _ = try market(s) }
        func ms(_ k: String) throws(ApiError) -> Int64? {
            guard let t = caller.query[k] else { return nil }
            guard let v = Int64(t) else { throw ApiError.invalidParameter("'\(k)' must be milliseconds since the epoch") }
            return v
        }
        var afterSequence: Int64?
        if let text = caller.query["afterSequence"] {
            guard let value = Int64(text), value >= 0, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw ApiError.invalidParameter("'afterSequence' must be a journal sequence number (a non-negative integer)")
            }
            afterSequence = value
        }
        return HistoryQuery(symbol: caller.query["symbol"], from: try ms("from"), to: try ms("to"), afterSequence: afterSequence,
                            limit: try Self.intParameter(caller, "limit", default: 100, max: 1000))
    }

    static func encodeRows<T: Encodable>(_ rows: [T]) throws -> JSON {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return .raw(String(decoding: try encoder.encode(rows), as: UTF8.self))
    }
}
