import HarbourCore
import Ledger
import Matching
import Risk

/// Writes engine events as one JSON object per line, in the `harbour replay` format
/// (../shared/REPLAY-FORMAT.md): money, prices and sizes as decimal strings, ids and
/// sequence numbers as integers, accounts and symbols by name, and `seq` on every event.
public struct EventEncoder {
    public init() {}

    public func encode(_ event: Event, seq: Int64, engine: Engine) -> String {
        var w = JSONLine()
        let asset = engine.config.settlementAsset
        func acct(_ a: AccountID) -> String { engine.accountName(a) }
        func sym(_ i: InstrumentID) -> String { engine.spec(i).symbol }
        func px(_ i: InstrumentID, _ p: Int64) -> String { engine.spec(i).priceString(p) }
        func sz(_ i: InstrumentID, _ q: Int64) -> String { engine.spec(i).sizeString(q) }
        func money(_ m: Int64) -> String { FixedDecimal.format(m, scale: asset.scale) }
        switch event {
        case let .accountOpened(account, _):
            w.str("type", "accountOpened"); w.int("seq", seq); w.str("account", acct(account))
        case let .accepted(orderId, account, instrument, coid):
            w.str("type", "accepted"); w.int("seq", seq); w.int("orderId", orderId)
            w.optStr("clientOrderId", coid); w.str("account", acct(account)); w.str("symbol", sym(instrument))
        case let .rejected(r, account, orderId, coid):
            w.str("type", "rejected"); w.int("seq", seq); w.str("code", r.code.rawValue); w.str("message", r.message)
            if let coid { w.str("clientOrderId", coid) }
            if let orderId { w.int("orderId", orderId) }
            if let account { w.str("account", acct(account)) }
        case let .trade(t):
            w.str("type", "trade"); w.int("seq", seq); w.str("symbol", sym(t.instrument))
            w.str("price", px(t.instrument, t.price)); w.str("qty", sz(t.instrument, t.quantity))
            w.int("makerOrderId", t.makerOrderId); w.int("takerOrderId", t.takerOrderId)
            w.str("makerAccount", acct(t.makerAccount)); w.str("takerAccount", acct(t.takerAccount))
            w.str("takerSide", t.takerSide.description); w.str("makerFee", money(t.makerFee)); w.str("takerFee", money(t.takerFee))
        case let .canceled(e), let .expired(e):
            if case .canceled = event { w.str("type", "canceled") } else { w.str("type", "expired") }
            w.int("seq", seq); w.int("orderId", e.orderId); w.optStr("clientOrderId", e.clientOrderId)
            w.str("account", acct(e.account)); w.str("symbol", sym(e.instrument)); w.str("reason", e.reason)
            w.str("remainingQty", sz(e.instrument, e.remaining))
        case let .amended(orderId, account, instrument, price, quantity, coid):
            w.str("type", "amended"); w.int("seq", seq); w.int("orderId", orderId); w.optStr("clientOrderId", coid)
            w.str("account", acct(account)); w.str("symbol", sym(instrument))
            w.str("price", px(instrument, price)); w.str("qty", sz(instrument, quantity))
        case let .triggered(orderId, account, instrument, coid):
            w.str("type", "triggered"); w.int("seq", seq); w.int("orderId", orderId); w.optStr("clientOrderId", coid)
            w.str("account", acct(account)); w.str("symbol", sym(instrument))
        case let .position(account, instrument, size, cost, isolatedMargin):
            let spec = engine.spec(instrument)
            w.str("type", "position"); w.int("seq", seq); w.str("account", acct(account)); w.str("symbol", spec.symbol)
            w.str("size", spec.sizeString(size)); w.str("entryPrice", Self.entryPrice(cost: cost, size: size, spec: spec))
            if engine.position(account, instrument).isolated { w.str("isolatedMargin", money(isolatedMargin)) }
        case let .balance(account, assetCode, amount):
            w.str("type", "balance"); w.int("seq", seq); w.str("account", acct(account)); w.str("asset", assetCode)
            w.str("amount", assetCode == asset.code ? money(amount) : FixedDecimal.format(amount, scale: engine.assetScale(assetCode)))
        case let .leverage(account, instrument, leverage):
            w.str("type", "leverage"); w.int("seq", seq); w.str("account", acct(account)); w.str("symbol", sym(instrument))
            w.str("leverage", String(leverage))
        case let .marginMode(account, instrument, isolated):
            w.str("type", "marginMode"); w.int("seq", seq); w.str("account", acct(account)); w.str("symbol", sym(instrument))
            w.str("marginMode", isolated ? "isolated" : "cross")
        case let .mark(instrument, price):
            w.str("type", "markPrice"); w.int("seq", seq); w.str("symbol", sym(instrument)); w.str("price", px(instrument, price))
        case let .instrumentStatus(instrument, status):
            w.str("type", "instrumentStatus"); w.int("seq", seq); w.str("symbol", sym(instrument)); w.str("status", status.name)
        case let .posting(p):
            w.str("type", "posting"); w.int("seq", seq); w.str("from", Self.bookName(p.from, engine: engine))
            w.str("to", Self.bookName(p.to, engine: engine)); w.str("amount", FixedDecimal.format(p.amount, scale: engine.assetScale(engine.ledger.keys[Int(p.from)].asset ?? asset.code)))
            w.str("reason", p.reason.name)
        case let .liquidation(l):
            w.str("type", "liquidation"); w.int("seq", seq); w.str("account", acct(l.account)); w.str("symbol", sym(l.instrument))
            w.str("size", sz(l.instrument, l.size)); w.str("markPrice", px(l.instrument, l.markPrice))
            w.str("equity", money(l.equity)); w.str("maintenanceMargin", money(l.maintenanceMargin))
            w.str("stage", l.partial ? "partial" : "full")
        case let .insurancePayout(account, amount):
            w.str("type", "insurancePayout"); w.int("seq", seq); w.str("account", acct(account)); w.str("amount", money(amount))
        case let .adl(account, counterparty, instrument, quantity, price):
            w.str("type", "adl"); w.int("seq", seq); w.str("account", acct(account)); w.str("counterparty", acct(counterparty))
            w.str("symbol", sym(instrument)); w.str("qty", sz(instrument, quantity)); w.str("price", px(instrument, price))
        case .index, .markComponents, .funding, .volatilityInterruption, .volatilityResumed:
            Self.encodePricing(event, seq: seq, engine: engine, into: &w)
        case .riskAlert, .stressTest, .riskMetrics, .adlRank, .insuranceFund:
            Self.encodeRisk(event, seq: seq, engine: engine, into: &w)
        case .compliance(let c):
            Self.encodeCompliance(c, seq: seq, engine: engine, into: &w)
        case .financing(let f):
            Self.encodeFinancing(f, seq: seq, engine: engine, into: &w)
        }
        return w.finish()
    }

    /// `cost / size` with `sizeDecimals` extra digits beyond the price scale, truncated
    /// (display only: the engine keeps the exact cost).
    public static func entryPrice(cost: Int64, size: Int64, spec: InstrumentSpec) -> String {
        if size == 0 { return "0" }
        let scaled = (Int128(cost) * Int128(spec.sizeScale.unit)) / Int128(size)
        return FixedDecimal.format(Int64(scaled), scale: DecimalScale(spec.priceScale.decimals + spec.sizeScale.decimals))
    }

    /// A ledger book's public name, with account names instead of indices.
    public static func bookName(_ book: Int32, engine: Engine) -> String {
        switch engine.ledger.keys[Int(book)] {
        case let .clientCash(a, asset): return "client:\(engine.accountName(AccountID(a))):cash:\(asset)"
        case let .clientLocked(a, asset): return "client:\(engine.accountName(AccountID(a))):locked:\(asset)"
        case let .clientIsolatedMargin(a, i): return "client:\(engine.accountName(AccountID(a))):isolated:\(engine.spec(InstrumentID(i)).symbol)"
        case let k: return k.description
        }
    }
}

/// A tiny JSON object writer for flat objects of strings and integers.
struct JSONLine {
    private var s = "{"
    private var first = true

    private mutating func key(_ k: String) {
        if !first { s += "," }
        first = false
        s += "\""; s += k; s += "\":"
    }
    mutating func str(_ k: String, _ v: String) { key(k); JSONLine.escape(v, into: &s) }
    mutating func optStr(_ k: String, _ v: String?) {
        if let v { str(k, v) } else { key(k); s += "null" }
    }
    mutating func int(_ k: String, _ v: Int64) { key(k); s += String(v) }
    mutating func raw(_ k: String, _ v: String) { key(k); s += v }
    mutating func finish() -> String { s + "}" }

    static func escape(_ v: String, into s: inout String) { JSONText.quote(v, into: &s) }
}

/// JSON string quoting shared by every writer of JSON in Harbour (events, API replies).
public enum JSONText {
    /// Appends `v` as a quoted JSON string, escaping quotes, backslashes and controls.
    public static func quote(_ v: String, into s: inout String) {
        s += "\""
        for u in v.unicodeScalars {
            switch u {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    s += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    s.unicodeScalars.append(u)
                }
            }
        }
        s += "\""
    }
}
