import Foundation
import HarbourCore
import Matching
import Testing
@testable import Engine

/// Issue 12 items 10 and 11 in the engine and the replay decoder: client order ids are
/// limited to a printable set (in the engine too), and replay lines are read as strictly
/// as /v1 bodies — the OpenAPI decimal grammar, side exactly "buy"/"sell", no byte-order
/// mark, no duplicate keys. Every refusal changes nothing.
@Suite struct StrictInputTests {
    static let order = #"{"type":"placeOrder","ts":2000,"account":"alice","symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.01""#

    /// A venue with alice funded and a BTC mark.
    static func venue() -> TestVenue {
        let v = TestVenue()
        _ = v.open("alice")
        v.mark("50000")
        return v
    }

    @Test func theEngineRefusesAClientOrderIdOutsideTheFormat() {
        let v = Self.venue()
        let alice = v.engine.accountID(named: "alice")!
        for bad in ["a\u{0}b", "line\nbreak", "\u{7f}", "é", "a b", String(repeating: "x", count: 37), ""] {
            let before = v.engine.stateHash()
            let events = v.run(.placeOrder(PlaceOrder(account: alice, instrument: v.btc, side: .buy, type: .limit, timeInForce: .gtc,
                                                      price: v.px("49000"), quantity: v.qty("0.01"), clientOrderId: bad)))
            guard case let .rejected(r, account, _, echoed)? = events.first, events.count == 1 else {
                Issue.record("\(bad.debugDescription) was not refused: \(events)")
                continue
            }
            #expect(r.code == .invalidClientOrderId && r.message.contains("1 to 36 characters"))
            #expect(account == alice && echoed == nil, "the refusal does not echo the bad id")
            #expect(v.engine.stateHash() == before)
        }
        let ok = v.place(alice, .buy, "0.01", at: "49000", coid: "Az09.:/_-" + String(repeating: "k", count: 27))
        #expect(ok.contains { if case .accepted = $0 { return true } else { return false } }, "\(ok)")
    }

    @Test func replayLinesWithABadClientOrderIdAreRejectedWithTheStableCode() throws {
        let v = Self.venue()
        let (_, c) = try CommandDecoder().decode(line: Self.order + #","clientOrderId":"a\u0000b"}"#, engine: v.engine)
        guard case let .invalid(r, coid) = c else { Issue.record("decoded as \(c)"); return }
        #expect(r.code == .invalidClientOrderId && coid == nil)
        let (_, cancel) = try CommandDecoder().decode(
            line: #"{"type":"cancelOrder","ts":2000,"account":"alice","symbol":"BTC-PERP","clientOrderId":"tab\there"}"#, engine: v.engine)
        guard case let .invalid(r2, _) = cancel else { Issue.record("decoded as \(cancel)"); return }
        #expect(r2.code == .invalidClientOrderId)
    }

    @Test func replayDecimalsFollowTheOpenAPIGrammar() throws {
        let v = Self.venue()
        for qty in [".5", "5.", "+1", "-.5", "1e1", " 1"] {
            let (_, c) = try CommandDecoder().decode(line: #"{"type":"placeOrder","ts":2000,"account":"alice","symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"\#(qty)"}"#, engine: v.engine)
            guard case let .invalid(r, _) = c else { Issue.record("qty \(qty) decoded as \(c)"); continue }
            #expect(r.code == .invalidNumber, "\(qty): \(r)")
        }
        let (_, fine) = try CommandDecoder().decode(line: Self.order + "}", engine: v.engine)
        guard case .placeOrder = fine else { Issue.record("a good order decoded as \(fine)"); return }
    }

    @Test func replaySideIsExactlyBuyOrSell() throws {
        let v = Self.venue()
        for side in ["BUY", "Buy", "SELL", "Sell", "buy "] {
            let (_, c) = try CommandDecoder().decode(line: #"{"type":"placeOrder","ts":2000,"account":"alice","symbol":"BTC-PERP","side":"\#(side)","orderType":"limit","price":"49000","qty":"0.01"}"#, engine: v.engine)
            guard case let .invalid(r, _) = c else { Issue.record("side \(side) decoded as \(c)"); continue }
            #expect(r.code == .malformedCommand && r.message.contains("side"))
        }
        let (_, gtx) = try CommandDecoder().decode(line: Self.order + #","timeInForce":"GTX"}"#, engine: v.engine)
        guard case let .invalid(r, _) = gtx else { Issue.record("GTX decoded as \(gtx)"); return }
        #expect(r.code == .invalidTimeInForce)
    }

    @Test func replayLinesWithABOMOrDuplicateKeysAreMalformed() {
        let v = Self.venue()
        let cases: [(String, String)] = [
            ("\u{FEFF}" + Self.order + "}", "byte-order mark"),
            (Self.order + #","qty":"100"}"#, "'qty' more than once"),
            (Self.order + #","\u0071ty":"100"}"#, "'qty' more than once"),
            (#"{"type":"tick","ts":1,"x":{"a":1,"a":2}}"#, "'a' more than once"),
            (Self.order + "} {}", "not valid JSON"),
            ("[1]", "is not a JSON object"), ("this line is not json", "is not a JSON object"),
        ]
        for (line, message) in cases {
            do {
                _ = try CommandDecoder().decode(line: line, engine: v.engine)
                Issue.record("\(line.debugDescription) was accepted")
            } catch {
                #expect(String(describing: error).contains(message), "\(error)")
            }
        }
    }

    @Test func strictJSONAcceptsWhatRFC8259Allows() throws {
        let obj = try StrictJSON.object(#" {"a":[1,-2.5e3,true,false,null,{"b":"\u00e9\ud83d\ude00\n"}],"c":{},"d":[]} "#)
        #expect(obj.count == 3)
        #expect(((obj["a"] as? [Any])?.last as? [String: Any])?["b"] as? String == "é😀\n")
        // The same key in two different objects is fine.
        #expect(try StrictJSON.object(#"{"a":{"x":1},"b":{"x":2}}"#).count == 2)
        for bad in ["", "{", #"{"a":1,}"#, #"{"a":01}"#, #"{'a':1}"#, "{\"a\":\"\u{1}\"}", #"{"a":"\ud800"}"#, #"{"a":1}x"#] {
            #expect(throws: StrictJSON.Failure.self, "\(bad.debugDescription)") { try StrictJSON.object(bad) }
        }
    }
}
