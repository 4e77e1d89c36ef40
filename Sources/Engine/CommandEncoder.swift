import HarbourCore
import Matching

/// Writes a command as one line of the `harbour replay` format — the inverse of
/// `CommandDecoder`, so any journal can be exported and replayed by anyone.
public struct CommandEncoder {
    public init() {}

    public func encode(_ command: Command, timestamp ts: Int64, engine: Engine) -> String {
        var w = JSONLine()
        func name(_ a: AccountID) -> String { Int(a.index) < engine.accountCount ? engine.accountName(a) : "#\(a.index)" }
        func sym(_ i: InstrumentID) -> String { engine.spec(i).symbol }
        func px(_ i: InstrumentID, _ p: Int64) -> String { engine.spec(i).priceString(p) }
        func sz(_ i: InstrumentID, _ q: Int64) -> String { engine.spec(i).sizeString(q) }
        func money(_ m: Int64) -> String { FixedDecimal.format(m, scale: engine.config.settlementAsset.scale) }
        func ref(_ r: OrderRef) {
            switch r {
            case .id(let x): w.int("orderId", x)
            case .client(let c): w.str("clientOrderId", c)
            }
        }
        switch command {
        case let .openAccount(n, group, feeTier):
            w.str("type", "openAccount"); w.int("ts", ts); w.str("account", n)
            if let group { w.str("group", group) }
            if let feeTier { w.str("feeTier", feeTier) }
        case let .deposit(a, asset, amount), let .withdraw(a, asset, amount):
            if case .deposit = command { w.str("type", "deposit") } else { w.str("type", "withdraw") }
            w.int("ts", ts); w.str("account", name(a)); w.str("asset", asset); w.str("amount", money(amount))
        case let .setLeverage(a, i, lev):
            w.str("type", "setLeverage"); w.int("ts", ts); w.str("account", name(a)); w.str("symbol", sym(i)); w.str("leverage", String(lev))
        case let .setMarginMode(a, i, isolated):
            w.str("type", "setMarginMode"); w.int("ts", ts); w.str("account", name(a)); w.str("symbol", sym(i))
            w.str("marginMode", isolated ? "isolated" : "cross")
        case let .placeOrder(o):
            let i = o.instrument
            w.str("type", "placeOrder"); w.int("ts", ts); w.str("account", name(o.account)); w.str("symbol", sym(i))
            w.str("side", o.side.description); w.str("orderType", o.type.name); w.str("timeInForce", o.timeInForce.name)
            if o.type.hasLimitPrice { w.str("price", px(i, o.price)) }
            w.str("qty", sz(i, o.quantity))
            if let c = o.clientOrderId { w.str("clientOrderId", c) }
            if o.reduceOnly { w.raw("reduceOnly", "true") }
            if o.type.isConditional { w.str("stopPrice", px(i, o.stopPrice)); w.str("trigger", o.trigger.name) }
            w.str("stp", o.stp.name)
        case let .amendOrder(a, i, r, price, qty):
            w.str("type", "amendOrder"); w.int("ts", ts); w.str("account", name(a)); w.str("symbol", sym(i)); ref(r)
            if let price { w.str("price", px(i, price)) }
            if let qty { w.str("qty", sz(i, qty)) }
        case let .cancelOrder(a, i, r):
            w.str("type", "cancelOrder"); w.int("ts", ts); w.str("account", name(a)); w.str("symbol", sym(i)); ref(r)
        case let .cancelAll(a, i):
            w.str("type", "cancelAll"); w.int("ts", ts); w.str("account", name(a))
            if let i { w.str("symbol", sym(i)) }
        case let .markPrice(i, p):
            w.str("type", "markPrice"); w.int("ts", ts); w.str("symbol", sym(i)); w.str("price", px(i, p))
        case let .setInstrumentStatus(i, status):
            w.str("type", "setInstrumentStatus"); w.int("ts", ts); w.str("symbol", sym(i)); w.str("status", status.name)
        case let .indexPrice(i, source, price):
            w.str("type", "indexPrice"); w.int("ts", ts); w.str("symbol", sym(i)); w.str("source", source); w.str("price", px(i, price))
        case .tick:
            w.str("type", "tick"); w.int("ts", ts)
        case let .insuranceDeposit(asset, amount):
            w.str("type", "insuranceDeposit"); w.int("ts", ts); w.str("asset", asset)
            w.str("amount", FixedDecimal.format(amount, scale: engine.config.settlementAsset.scale))
        case let .compliance(c):
            encode(c, timestamp: ts, engine: engine, into: &w)
        case let .financing(c):
            encode(c, timestamp: ts, engine: engine, into: &w)
        case let .invalid(r, coid):
            // Not a replayable command: recorded as an unknown type so replay reports it.
            w.str("type", "invalid"); w.int("ts", ts); w.str("code", r.code.rawValue); w.str("message", r.message)
            if let coid { w.str("clientOrderId", coid) }
        }
        return w.finish()
    }
}
