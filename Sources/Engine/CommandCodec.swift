import HarbourCore
import Matching

/// The journal's binary encoding of a command: a tag byte, then fixed-width little-endian
/// fields and length-prefixed UTF-8 strings. Compact and fast to decode, so recovery can
/// replay millions of records per second; `CommandEncoder` gives the readable form.
public enum CommandCodec {
    /// A journal payload that does not decode: the journal is damaged or from another version.
    public struct DecodeError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func encode(_ c: Command, into out: inout [UInt8]) {
        var w = ByteWriter(out: out)
        defer { out = w.out }
        switch c {
        case let .openAccount(name, group, feeTier):
            w.u8(1); w.str(name); w.optStr(group); w.optStr(feeTier)
        case let .deposit(a, asset, amount):
            w.u8(2); w.u32(a.index); w.str(asset); w.i64(amount)
        case let .withdraw(a, asset, amount):
            w.u8(3); w.u32(a.index); w.str(asset); w.i64(amount)
        case let .setLeverage(a, i, lev):
            w.u8(4); w.u32(a.index); w.u16(i.index); w.i64(lev)
        case let .setMarginMode(a, i, isolated):
            w.u8(5); w.u32(a.index); w.u16(i.index); w.u8(isolated ? 1 : 0)
        case let .placeOrder(o):
            w.u8(6); w.u32(o.account.index); w.u16(o.instrument.index); w.u8(o.side.rawValue); w.u8(o.type.rawValue)
            w.u8(o.timeInForce.rawValue); w.i64(o.price); w.i64(o.quantity); w.i64(o.stopPrice); w.u8(o.trigger.rawValue)
            w.u8(o.reduceOnly ? 1 : 0); w.u8(o.stp.rawValue); w.optStr(o.clientOrderId)
        case let .amendOrder(a, i, ref, price, qty):
            w.u8(7); w.u32(a.index); w.u16(i.index); w.ref(ref); w.optI64(price); w.optI64(qty)
        case let .cancelOrder(a, i, ref):
            w.u8(8); w.u32(a.index); w.u16(i.index); w.ref(ref)
        case let .cancelAll(a, i):
            w.u8(9); w.u32(a.index); w.u8(i == nil ? 0 : 1); w.u16(i?.index ?? 0)
        case let .markPrice(i, p):
            w.u8(10); w.u16(i.index); w.i64(p)
        case let .setInstrumentStatus(i, status):
            w.u8(12); w.u16(i.index); w.u8(status.rawValue)
        case let .indexPrice(i, source, price):
            w.u8(13); w.u16(i.index); w.str(source); w.i64(price)
        case .tick:
            w.u8(14)
        case let .insuranceDeposit(asset, amount):
            w.u8(15); w.str(asset); w.i64(amount)
        case let .compliance(command):
            encode(command, &w)
        case let .financing(command):
            encode(command, &w)
        case let .invalid(r, coid):
            w.u8(11); w.str(r.code.rawValue); w.str(r.message); w.optStr(coid)
        }
    }

    public static func encode(_ c: Command) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        encode(c, into: &out)
        return out
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> Command {
        var r = ByteReader(bytes: bytes)
        let tag = try r.u8()
        let c: Command
        switch tag {
        case 1: c = .openAccount(name: try r.str(), group: try r.optStr(), feeTier: try r.optStr())
        case 2: c = .deposit(account: AccountID(try r.u32()), asset: try r.str(), amount: try r.i64())
        case 3: c = .withdraw(account: AccountID(try r.u32()), asset: try r.str(), amount: try r.i64())
        case 4: c = .setLeverage(account: AccountID(try r.u32()), instrument: InstrumentID(try r.u16()), leverage: try r.i64())
        case 5: c = .setMarginMode(account: AccountID(try r.u32()), instrument: InstrumentID(try r.u16()), isolated: try r.u8() == 1)
        case 6:
            let a = AccountID(try r.u32()), i = InstrumentID(try r.u16())
            guard let side = Side(rawValue: try r.u8()), let type = OrderType(rawValue: try r.u8()),
                  let tif = TimeInForce(rawValue: try r.u8()) else { throw DecodeError(description: "bad order enum") }
            let price = try r.i64(), qty = try r.i64(), stop = try r.i64()
            guard let trig = TriggerSource(rawValue: try r.u8()) else { throw DecodeError(description: "bad trigger") }
            let ro = try r.u8() == 1
            guard let stp = SelfTradePrevention(rawValue: try r.u8()) else { throw DecodeError(description: "bad stp") }
            c = .placeOrder(PlaceOrder(account: a, instrument: i, side: side, type: type, timeInForce: tif, price: price,
                                       quantity: qty, stopPrice: stop, trigger: trig, reduceOnly: ro, stp: stp,
                                       clientOrderId: try r.optStr()))
        case 7:
            c = .amendOrder(account: AccountID(try r.u32()), instrument: InstrumentID(try r.u16()), order: try r.ref(),
                            price: try r.optI64(), quantity: try r.optI64())
        case 8: c = .cancelOrder(account: AccountID(try r.u32()), instrument: InstrumentID(try r.u16()), order: try r.ref())
        case 9:
            let a = AccountID(try r.u32())
            let has = try r.u8() == 1
            let i = try r.u16()
            c = .cancelAll(account: a, instrument: has ? InstrumentID(i) : nil)
        case 10: c = .markPrice(instrument: InstrumentID(try r.u16()), price: try r.i64())
        case 11:
            let code = try r.str()
            guard let rc = RejectCode(rawValue: code) else { throw DecodeError(description: "unknown reject code \(code)") }
            c = .invalid(Rejection(rc, try r.str()), clientOrderId: try r.optStr())
        case 12:
            let i = InstrumentID(try r.u16())
            guard let st = InstrumentStatus(rawValue: try r.u8()) else { throw DecodeError(description: "bad status") }
            c = .setInstrumentStatus(instrument: i, status: st)
        case 13: c = .indexPrice(instrument: InstrumentID(try r.u16()), source: try r.str(), price: try r.i64())
        case 14: c = .tick
        case 15: c = .insuranceDeposit(asset: try r.str(), amount: try r.i64())
        case complianceTag: c = .compliance(try decodeCompliance(&r))
        case financingTag: c = .financing(try decodeFinancing(&r))
        default: throw DecodeError(description: "unknown command tag \(tag)")
        }
        guard r.atEnd else { throw DecodeError(description: "trailing bytes after command tag \(tag)") }
        return c
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Command {
        let result: Result<Command, DecodeError> = bytes.withUnsafeBytes { p in
            do throws(DecodeError) { return .success(try decode(p)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

struct ByteWriter {
    var out: [UInt8]
    mutating func u8(_ v: UInt8) { out.append(v) }
    mutating func u16(_ v: UInt16) { out.append(UInt8(v & 0xff)); out.append(UInt8(v >> 8)) }
    mutating func u32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    mutating func i64(_ v: Int64) {
        let u = UInt64(bitPattern: v)
        for s in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: u >> UInt64(s))) }
    }
    mutating func str(_ s: String) {
        let b = Array(s.utf8)
        u32(UInt32(b.count))
        out.append(contentsOf: b)
    }
    mutating func optStr(_ s: String?) { if let s { u8(1); str(s) } else { u8(0) } }
    mutating func optI64(_ v: Int64?) { if let v { u8(1); i64(v) } else { u8(0) } }
    mutating func ref(_ r: OrderRef) {
        switch r {
        case .id(let x): u8(0); i64(x)
        case .client(let c): u8(1); str(c)
        }
    }
}

struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var pos = 0
    var atEnd: Bool { pos == bytes.count }
    mutating func need(_ n: Int) throws(CommandCodec.DecodeError) {
        if pos + n > bytes.count { throw CommandCodec.DecodeError(description: "truncated command") }
    }
    mutating func u8() throws(CommandCodec.DecodeError) -> UInt8 { try need(1); defer { pos += 1 }; return bytes[pos] }
    mutating func u16() throws(CommandCodec.DecodeError) -> UInt16 {
        try need(2); defer { pos += 2 }
        return UInt16(bytes[pos]) | UInt16(bytes[pos + 1]) << 8
    }
    mutating func u32() throws(CommandCodec.DecodeError) -> UInt32 {
        try need(4)
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[pos + k]) << UInt32(8 * k) }
        pos += 4
        return v
    }
    mutating func i64() throws(CommandCodec.DecodeError) -> Int64 {
        try need(8)
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[pos + k]) << UInt64(8 * k) }
        pos += 8
        return Int64(bitPattern: v)
    }
    mutating func str() throws(CommandCodec.DecodeError) -> String {
        let n = Int(try u32())
        try need(n)
        defer { pos += n }
        guard let s = String(validating: UnsafeRawBufferPointer(rebasing: bytes[pos..<pos + n]), as: UTF8.self) else {
            throw CommandCodec.DecodeError(description: "invalid UTF-8")
        }
        return s
    }
    mutating func optStr() throws(CommandCodec.DecodeError) -> String? { try u8() == 1 ? try str() : nil }
    mutating func optI64() throws(CommandCodec.DecodeError) -> Int64? { try u8() == 1 ? try i64() : nil }
    mutating func ref() throws(CommandCodec.DecodeError) -> OrderRef { try u8() == 0 ? .id(try i64()) : .client(try str()) }
}
