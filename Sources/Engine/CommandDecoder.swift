import Foundation
import HarbourCore
import Matching

/// Turns one JSON command object (the `harbour replay` format, ../shared/REPLAY-FORMAT.md)
/// into an engine `Command`, resolving account names and symbols against the engine.
///
/// Two kinds of failure: a line that is not a JSON object with a known `type` and an
/// integer `ts` is *malformed* (thrown: the caller reports it and the engine never sees
/// it); a well-formed command with a bad field (unknown account, number off tick, wrong
/// JSON type) becomes `Command.invalid`, so the engine answers it with a `rejected`
/// event naming the problem. Money, prices and sizes must be decimal strings: a JSON
/// number there is refused, because it may already have passed through floating point.
public struct CommandDecoder {
    /// Why a line could not be read as a command at all.
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    public init() {}

    public func decode(line: String, engine: any CommandNames) throws(Malformed) -> (timestamp: Int64, command: Command) {
        // Strict: a byte-order mark, duplicate keys or anything but one object is malformed.
        let obj: [String: Any]
        do { obj = try StrictJSON.object(line) } catch { throw Malformed(description: "the line " + String(describing: error)) }
        return try decode(object: obj, engine: engine)
    }

    public func decode(object obj: [String: Any], engine: any CommandNames) throws(Malformed) -> (timestamp: Int64, command: Command) {
        guard let type = obj["type"] as? String else { throw Malformed(description: "missing string field 'type'") }
        guard let ts = JSONValue.integer(obj["ts"]) else {
            throw Malformed(description: "missing integer field 'ts' (milliseconds since the epoch)")
        }
        let known = ["openAccount", "deposit", "withdraw", "setLeverage", "setMarginMode", "placeOrder",
                     "amendOrder", "cancelOrder", "cancelAll", "markPrice", "setInstrumentStatus",
                     "indexPrice", "tick", "insuranceDeposit"]
        guard known.contains(type) else { throw Malformed(description: "unknown command type '\(type)'") }
        // A refusal echoes the command's clientOrderId only when it is a well-formed one.
        let coid = (obj["clientOrderId"] as? String).flatMap { ClientOrderIdFormat.isValid($0) ? $0 : nil }
        do {
            return (ts, try build(type: type, obj, engine: engine))
        } catch let r {
            return (ts, .invalid(r, clientOrderId: type == "placeOrder" ? coid : nil))
        }
    }


    private func build(type: String, _ o: [String: Any], engine: any CommandNames) throws(Rejection) -> Command {
        var f = Fields(o: o, engine: engine)
        switch type {
        case "openAccount":
            return .openAccount(name: try f.string("account"), group: try f.optionalString("group"), feeTier: try f.optionalString("feeTier"))
        case "deposit", "withdraw":
            let account = try f.account()
            let asset = try f.string("asset")
            guard asset == engine.config.settlementAsset.code else {
                throw Rejection(.unknownAsset, "asset '\(asset)' is not a settlement asset (use \(engine.config.settlementAsset.code))")
            }
            let amount = try f.decimal("amount", engine.config.settlementAsset.scale, offScale: .invalidAmount)
            return type == "deposit" ? .deposit(account: account, asset: asset, amount: amount)
                : .withdraw(account: account, asset: asset, amount: amount)
        case "setLeverage":
            let account = try f.account(), (inst, _) = try f.instrument()
            let text = try f.stringOrInt("leverage")
            guard let lev = Int64(text), lev > 0 else { throw Rejection(.leverageOutOfRange, "leverage must be a positive integer, got '\(text)'") }
            return .setLeverage(account: account, instrument: inst, leverage: lev)
        case "setMarginMode":
            let account = try f.account(), (inst, _) = try f.instrument()
            let mode = try f.string("marginMode")
            guard mode == "cross" || mode == "isolated" else { throw Rejection(.malformedCommand, "marginMode must be \"cross\" or \"isolated\"") }
            return .setMarginMode(account: account, instrument: inst, isolated: mode == "isolated")
        case "placeOrder":
            let account = try f.account(), (inst, spec) = try f.instrument()
            guard let side = Side(text: try f.string("side")) else { throw Rejection(.malformedCommand, "side must be \"buy\" or \"sell\"") }
            let typeName = try f.string("orderType")
            guard let orderType = OrderType(name: typeName) else {
                throw Rejection(.invalidOrderType, "orderType '\(typeName)' is not one of limit, market, stopMarket, stopLimit, takeProfitMarket, takeProfitLimit")
            }
            var tif = TimeInForce.gtc
            if let t = try f.optionalString("timeInForce") {
                // Exactly the replay / OpenAPI names (TimeInForce(name:) also reads Binance's).
                guard ["GTC", "IOC", "FOK", "postOnly"].contains(t), let v = TimeInForce(name: t) else { throw Rejection(.invalidTimeInForce, "timeInForce '\(t)' is not one of GTC, IOC, FOK, postOnly") }
                tif = v
            } else if orderType == .market || orderType == .stopMarket || orderType == .takeProfitMarket {
                tif = .ioc
            }
            let qty = try f.decimal("qty", spec.sizeScale, offScale: .quantityOffLot)
            var price: Int64 = 0
            if orderType.hasLimitPrice {
                guard o["price"] != nil else { throw Rejection(.missingPrice, "\(orderType.name) orders need a price") }
                price = try f.decimal("price", spec.priceScale, offScale: .priceOffTick)
            }
            var stop: Int64 = 0
            var trigger = TriggerSource.mark
            if orderType.isConditional {
                guard o["stopPrice"] != nil else { throw Rejection(.missingStopPrice, "\(orderType.name) orders need a stopPrice") }
                stop = try f.decimal("stopPrice", spec.priceScale, offScale: .priceOffTick)
                if let t = try f.optionalString("trigger") {
                    guard t == "mark" || t == "last", let v = TriggerSource(name: t) else { throw Rejection(.malformedCommand, "trigger must be \"mark\" or \"last\"") }
                    trigger = v
                }
            }
            var stp = SelfTradePrevention.expireTaker
            if let s = try f.optionalString("stp") {
                guard let v = SelfTradePrevention(name: s) else { throw Rejection(.malformedCommand, "stp must be expireTaker, expireMaker or expireBoth") }
                stp = v
            }
            return .placeOrder(PlaceOrder(account: account, instrument: inst, side: side, type: orderType, timeInForce: tif,
                                          price: price, quantity: qty, stopPrice: stop, trigger: trigger,
                                          reduceOnly: try f.bool("reduceOnly"), stp: stp, clientOrderId: try f.clientOrderId()))
        case "amendOrder":
            let account = try f.account(), (inst, spec) = try f.instrument()
            let ref = try f.orderRef()
            let price = o["price"] == nil ? nil : try f.decimal("price", spec.priceScale, offScale: .priceOffTick)
            let qty = o["qty"] == nil ? nil : try f.decimal("qty", spec.sizeScale, offScale: .quantityOffLot)
            return .amendOrder(account: account, instrument: inst, order: ref, price: price, quantity: qty)
        case "cancelOrder":
            let account = try f.account(), (inst, _) = try f.instrument()
            return .cancelOrder(account: account, instrument: inst, order: try f.orderRef())
        case "cancelAll":
            let account = try f.account()
            let inst = o["symbol"] == nil ? nil : try f.instrument().0
            return .cancelAll(account: account, instrument: inst)
        case "markPrice":
            let (inst, spec) = try f.instrument()
            return .markPrice(instrument: inst, price: try f.decimal("price", spec.priceScale, offScale: .priceOffTick))
        case "setInstrumentStatus":
            let (inst, _) = try f.instrument()
            let s = try f.string("status")
            guard let st = InstrumentStatus(name: s) else { throw Rejection(.malformedCommand, "status must be enabled, cancelOnly or disabled") }
            return .setInstrumentStatus(instrument: inst, status: st)
        case "indexPrice":
            let (inst, spec) = try f.instrument()
            let source = try f.string("source")
            return .indexPrice(instrument: inst, source: source, price: try f.decimal("price", spec.priceScale, offScale: .priceOffTick))
        case "tick":
            return .tick
        case "insuranceDeposit":
            let asset = try f.string("asset")
            guard asset == engine.config.settlementAsset.code else {
                throw Rejection(.unknownAsset, "asset '\(asset)' is not a settlement asset (use \(engine.config.settlementAsset.code))")
            }
            return .insuranceDeposit(asset: asset, amount: try f.decimal("amount", engine.config.settlementAsset.scale, offScale: .invalidAmount))
        default:
            throw Rejection(.malformedCommand, "unknown command type '\(type)'")
        }
    }
}

/// Typed access to a command object's fields, each failure a rejection naming the field.
struct Fields {
    let o: [String: Any]
    let engine: any CommandNames

    func string(_ k: String) throws(Rejection) -> String {
        guard let v = o[k] else { throw Rejection(.malformedCommand, "missing field '\(k)'") }
        guard let s = v as? String else { throw Rejection(.malformedCommand, "field '\(k)' must be a string") }
        return s
    }

    func optionalString(_ k: String) throws(Rejection) -> String? {
        guard let v = o[k], !(v is NSNull) else { return nil }
        guard let s = v as? String else { throw Rejection(.malformedCommand, "field '\(k)' must be a string") }
        return s
    }

    func stringOrInt(_ k: String) throws(Rejection) -> String {
        guard let v = o[k] else { throw Rejection(.malformedCommand, "missing field '\(k)'") }
        if let s = v as? String { return s }
        if let i = JSONValue.integer(v) { return String(i) }
        throw Rejection(.malformedCommand, "field '\(k)' must be an integer or a string holding one")
    }

    func bool(_ k: String) throws(Rejection) -> Bool {
        guard let v = o[k], !(v is NSNull) else { return false }
        guard let b = JSONValue.boolean(v) else { throw Rejection(.malformedCommand, "field '\(k)' must be true or false") }
        return b
    }

    func decimal(_ k: String, _ scale: DecimalScale, offScale: RejectCode) throws(Rejection) -> Int64 {
        guard let v = o[k] else { throw Rejection(.malformedCommand, "missing field '\(k)'") }
        guard let s = v as? String else {
            throw Rejection(.invalidNumber, "field '\(k)' must be a decimal string like \"1.5\" (JSON numbers are not accepted for money, prices or sizes)")
        }
        do {
            return try FixedDecimal.parse(s, scale: scale)
        } catch {
            switch error {
            case .tooManyDecimals: throw Rejection(offScale, "\(k) '\(s)' has more than \(scale.decimals) decimal places")
            default: throw Rejection(.invalidNumber, "\(k): \(error)")
            }
        }
    }

    func account() throws(Rejection) -> AccountID {
        let name = try string("account")
        guard let id = engine.accountID(named: name) else { throw Rejection(.unknownAccount, "unknown account '\(name)'") }
        return id
    }

    func instrument() throws(Rejection) -> (InstrumentID, InstrumentSpec) {
        let symbol = try string("symbol")
        guard let id = engine.instrumentID(symbol: symbol) else { throw Rejection(.unknownSymbol, "unknown symbol '\(symbol)'") }
        return (id, engine.spec(id))
    }

    func orderRef() throws(Rejection) -> OrderRef {
        if let v = o["orderId"], !(v is NSNull) {
            if let i = JSONValue.integer(v) { return .id(i) }
            if let s = v as? String, let i = Int64(s) { return .id(i) }
            throw Rejection(.malformedCommand, "orderId must be an integer")
        }
        if let c = try clientOrderId() { return .client(c) }
        throw Rejection(.malformedCommand, "name the order by orderId or clientOrderId")
    }

    /// The optional `clientOrderId`, which must match `ClientOrderIdFormat`.
    func clientOrderId() throws(Rejection) -> String? {
        guard let c = try optionalString("clientOrderId") else { return nil }
        guard ClientOrderIdFormat.isValid(c) else { throw ClientOrderIdFormat.rejection(c) }
        return c
    }
}

/// Tells JSON booleans, integers and other numbers apart in Foundation's parse result
/// (on Linux a JSON `1` also answers `is Bool`; the number's type code does not lie).
enum JSONValue {
    static func boolean(_ v: Any?) -> Bool? {
        guard let n = v as? NSNumber, String(cString: n.objCType) == "c" else { return nil }
        return n.boolValue
    }

    /// An exact integer (not a boolean, not a number with a fraction or exponent).
    static func integer(_ v: Any?) -> Int64? {
        guard let n = v as? NSNumber else { return nil }
        switch String(cString: n.objCType) {
        case "i", "q", "l", "s", "I", "Q", "L", "S": return Int64(n.stringValue)
        default: return nil
        }
    }
}
