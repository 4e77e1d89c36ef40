import Engine
import HarbourCore
import Testing
@testable import CommandInput

/// Every row of the validation table is checked by refusals (issue 13 item 2): each
/// pattern and name list with values that break it, each field with a value of the wrong
/// JSON type. A refusal is a `rejected` event with the row's code and changes nothing.
@Suite struct FieldRefusalTests {
    static let timestamp: Int64 = 1_000

    /// A venue with alice funded, a BTC mark and one resting order (id 1, client id "rest1").
    static func venue() -> Engine {
        let engine = Engine()
        let setup = [
            #"{"type":"openAccount","ts":1000,"account":"alice"}"#,
            #"{"type":"deposit","ts":1000,"account":"alice","asset":"USD","amount":"100000"}"#,
            #"{"type":"markPrice","ts":1000,"symbol":"BTC-PERP","price":"50000"}"#,
            #"{"type":"placeOrder","ts":1000,"account":"alice","symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.01","clientOrderId":"rest1"}"#,
        ]
        for line in setup {
            let (ts, command) = try! CommandDecoder().decode(line: line, engine: engine)
            let events = engine.apply(command, timestamp: ts)
            if case .openAccount = command { engine.applyOnboarding(of: AccountID(0), at: ts) }
            precondition(!events.contains { if case .rejected = $0 { true } else { false } }, "\(line): \(events)")
        }
        return engine
    }

    /// A valid command of each type, as JSON fragments, carrying every field it takes.
    static let bases: [CommandType: [(String, String)]] = [
        .openAccount: [("account", #""carol""#), ("group", #""g1""#), ("feeTier", #""default""#)],
        .deposit: [("account", #""alice""#), ("asset", #""USD""#), ("amount", #""10""#)],
        .setLeverage: [("account", #""alice""#), ("symbol", #""BTC-PERP""#), ("leverage", #""5""#)],
        .setMarginMode: [("account", #""alice""#), ("symbol", #""BTC-PERP""#), ("marginMode", #""isolated""#)],
        .placeOrder: [("account", #""alice""#), ("symbol", #""BTC-PERP""#), ("side", #""buy""#), ("orderType", #""stopLimit""#),
                      ("timeInForce", #""GTC""#), ("qty", #""0.01""#), ("price", #""49000""#), ("stopPrice", #""49500""#),
                      ("trigger", #""mark""#), ("stp", #""expireTaker""#), ("reduceOnly", "false"), ("clientOrderId", #""x1""#)],
        .amendOrder: [("account", #""alice""#), ("symbol", #""BTC-PERP""#), ("orderId", #""1""#), ("price", #""48000""#), ("qty", #""0.02""#)],
        .setInstrumentStatus: [("symbol", #""BTC-PERP""#), ("status", #""cancelOnly""#)],
        .indexPrice: [("symbol", #""BTC-PERP""#), ("source", #""binance""#), ("price", #""50000""#)],
        .recordEvidence: [("by", #""maya""#), ("account", #""alice""#), ("evidenceKind", #""securities""#), ("amount", #""8000000.00""#),
                          ("currency", #""USD""#), ("asOf", "900"), ("holding", #""sole""#), ("source", #""statement""#), ("rate", #""7.8""#)],
        .proposeClassification: [("requestId", #""r1""#), ("by", #""maya""#), ("account", #""alice""#), ("investorKind", #""corporation""#),
                                 ("licence", #""L1""#), ("beneficialOwners", #""Ann Lee;Bo Chan""#), ("reason", #""evidenced""#)],
        .proposeMarketMaker: [("requestId", #""m1""#), ("by", #""maya""#), ("account", #""alice""#), ("symbol", #""BTC-PERP""#),
                              ("maxSpreadBps", "20"), ("minSize", #""0.01""#), ("minPresenceBps", "5000"), ("reason", #""affiliate""#)],
        .recordKnowledgeAssessment: [("by", #""maya""#), ("account", #""alice""#), ("method", #""quiz""#), ("reference", #""r""#),
                                     ("score", "15"), ("met", "true")],
        .acknowledgeDisclosure: [("account", #""alice""#), ("symbol", #""BTC-PERP""#), ("version", "1")],
        .financingClient: [("account", #""alice""#), ("agreement", #""SMA-1""#), ("relatedGroup", #""family""#), ("annualRate", #""0.075""#),
                           ("interestSettlement", #""PAY""#), ("securitiesMarginLoans", #""1000""#), ("by", #""credit-1""#)],
        .creditAssessment: [("account", #""alice""#), ("by", #""credit-1""#), ("netWorthFiat", #""4000000""#), ("netWorthNonFiat", #""0""#),
                            ("liquidFiat", #""4000000""#), ("liquidNonFiat", #""0""#), ("annualIncome", #""500000""#), ("liabilities", #""0""#),
                            ("asOf", "900"), ("limit", #""1000000""#), ("reviewDueAt", "2000000")],
        .collateralPledge: [("account", #""alice""#), ("loan", "1"), ("asset", #""BTC""#), ("qty", #""0.5""#)],
        .brokerCapital: [("fiat", #""50000000""#), ("securities", #""0""#), ("virtualAssets", #""0""#), ("by", #""finance-1""#)],
        .forcedSaleFill: [("instruction", "1"), ("asset", #""0700.HK""#), ("qty", #""10""#), ("proceeds", #""400""#)],
        .proposeHaircut: [("requestId", #""h1""#), ("by", #""raj""#), ("asset", #""BTC""#), ("haircut", #""0.7""#), ("reason", #""volatility""#)],
        .proposeFinancingLimits: [("requestId", #""l1""#), ("by", #""raj""#), ("clientShareOfCapital", #""0.25""#), ("clientShareOfLoanBook", #""0.4""#),
                                  ("loanBookShareMinimumBook", #""10000000""#), ("collateralGroupShare", #""0.6""#),
                                  ("collateralShareMinimumPool", #""10000000""#), ("lendingMultiple", "5"), ("reason", #""committee""#)],
        .proposeRiskParameters: [("requestId", #""p1""#), ("by", #""raj""#), ("symbol", #""BTC-PERP""#), ("maxLeverage", "40"),
                                 ("positionLimit", #""80""#), ("openInterestCap", #""800""#), ("tiers", #""50000:0.004:40;250000:0.005:40""#),
                                 ("reason", #""committee""#)],
    ]

    /// Values of the right JSON type that break a row's pattern or names, with the code.
    static func patternBreakers(_ rule: FieldRule) -> [String] {
        switch rule.kind {
        case .decimal: return [#"".5""#, #""5.""#, #""+5""#, #""1e3""#, #"" 1""#, #""""#, #""1,5""#, #""0x10""#, #""--1""#]
        case .patterned: return [#""""#, #""a b""#, #""\u00e9""#, "\"" + String(repeating: "x", count: 37) + "\"", #""a\u0000b""#, #""a\"b""#]
        case .integer: return rule.name == "leverage" ? [#""0""#, #""-1""#, #""+5""#, #""5.0""#, #""ten""#, #""""#, "0"]
            : [#""1.5""#, #""one""#, #""+1""#, #"" 1""#]
        case .enumeration(let names):
            return [#""""#, "\"" + names[0].uppercased() + "\"", "\" " + names[0] + "\"", #""nope""#, "\"" + names[0] + "x\""]
                .filter { !names.contains(String($0.dropFirst().dropLast())) }
        case .text, .bool: return []
        }
    }

    /// A value of the wrong JSON type for the row, and the code it is refused with.
    static func wrongType(_ rule: FieldRule) -> (json: String, code: RejectCode) {
        switch rule.kind {
        case .decimal: return ("1.5", .invalidNumber)
        case .bool: return (#""true""#, .malformedCommand)
        case .integer: return ("true", .malformedCommand)
        case .text, .enumeration, .patterned: return ("7", .malformedCommand)
        }
    }

    /// The command type whose base carries `field`.
    static func base(for field: String) -> CommandType? {
        CommandType.allCases.first { type in bases[type]?.contains { $0.0 == field } ?? false }
    }

    static func line(_ type: CommandType, _ field: String, _ json: String) -> String {
        let pairs = bases[type]!.map { name, value in "\"\(name)\":\(name == field ? json : value)" }
        return "{\"type\":\"\(type.rawValue)\",\"ts\":\(timestamp)," + pairs.joined(separator: ",") + "}"
    }

    /// Decodes and applies `line`: expects one rejection with `code` and no state change.
    static func expectRefused(_ engine: Engine, _ line: String, _ code: RejectCode, sourceLocation: SourceLocation = #_sourceLocation) {
        let before = engine.stateHash()
        guard let (ts, command) = try? CommandDecoder().decode(line: line, engine: engine) else {
            Issue.record("malformed, not refused: \(line)", sourceLocation: sourceLocation)
            return
        }
        guard case .invalid(let rejection, _) = command else {
            Issue.record("built, not refused: \(line) → \(command)", sourceLocation: sourceLocation)
            return
        }
        #expect(rejection.code == code, "\(line): \(rejection)", sourceLocation: sourceLocation)
        let events = engine.apply(command, timestamp: ts)
        guard events.count == 1, case .rejected(let r, _, _, _) = events[0] else {
            Issue.record("\(line): \(events)", sourceLocation: sourceLocation)
            return
        }
        #expect(r.code == code, sourceLocation: sourceLocation)
        #expect(engine.stateHash() == before, "\(line) changed the state", sourceLocation: sourceLocation)
    }

    @Test("every base command is valid, so each refusal below is the one field's doing")
    func basesAreValid() throws {
        let engine = Self.venue()
        for type in Self.bases.keys {
            let (_, command) = try CommandDecoder().decode(line: Self.line(type, "", ""), engine: engine)
            if case .invalid(let r, _) = command { Issue.record("\(type): \(r)") }
        }
    }

    @Test("every row's pattern or names: values that break it are refused with the row's code, changing nothing")
    func everyPatternIsRefused() {
        let engine = Self.venue()
        var checked = 0
        for rule in CommandFieldTable.rules {
            let breakers = Self.patternBreakers(rule)
            if rule.pattern != nil || rule.allowed != nil {
                #expect(!breakers.isEmpty, "row '\(rule.name)' has a pattern or names but no refusal case")
            }
            guard let type = Self.base(for: rule.name) else {
                Issue.record("row '\(rule.name)' is carried by no base command")
                continue
            }
            for bad in breakers {
                Self.expectRefused(engine, Self.line(type, rule.name, bad), rule.code)
                checked += 1
            }
        }
        #expect(checked >= 60)
    }

    @Test("every row refuses a value of the wrong JSON type (a JSON number is never a decimal)")
    func everyTypeIsRefused() {
        let engine = Self.venue()
        for rule in CommandFieldTable.rules {
            guard let type = Self.base(for: rule.name) else {
                Issue.record("row '\(rule.name)' is carried by no base command")
                continue
            }
            let (json, code) = Self.wrongType(rule)
            Self.expectRefused(engine, Self.line(type, rule.name, json), code)
        }
    }

    @Test("the codes the API and the replay format publish are the table's")
    func publishedCodes() {
        let expected: [String: RejectCode] = [
            "side": .malformedCommand, "orderType": .invalidOrderType, "timeInForce": .invalidTimeInForce,
            "trigger": .malformedCommand, "stp": .malformedCommand, "marginMode": .malformedCommand, "status": .malformedCommand,
            "clientOrderId": .invalidClientOrderId, "price": .invalidNumber, "qty": .invalidNumber, "stopPrice": .invalidNumber,
            "amount": .invalidNumber, "leverage": .leverageOutOfRange, "orderId": .malformedCommand,
        ]
        for (name, code) in expected { #expect(CommandFieldTable.rule(name).code == code, "\(name)") }
        #expect(CommandFieldTable.rule("price").pattern == FixedDecimal.pattern)
        #expect(CommandFieldTable.rule("clientOrderId").pattern == ClientOrderIdFormat.pattern)
        #expect(CommandFieldTable.rule("timeInForce").allowed == ["GTC", "IOC", "FOK", "postOnly"])
    }

    @Test("every field a command takes has a row, and every row is taken by some command")
    func shapesAndRowsAgree() {
        let taken = Set(CommandType.allCases.flatMap { CommandFieldTable.fields(of: $0).map(\.name) })
        #expect(taken == Set(CommandFieldTable.rules.map(\.name)))
    }
}
