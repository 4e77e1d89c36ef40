import Foundation
import CommandInput
import Compliance
import HarbourCore
import Matching
import Testing
@testable import Engine

/// PI-1..3 and REG-4 in the engine, through replay lines (the builder every entry point
/// uses): classification thresholds, four-eyes, knowledge, disclosure versions, leverage
/// caps, expiry — and that reducing risk always works.
@Suite struct EligibilityTests {
    static let t0: Int64 = 1_767_225_600_000
    static let day: Int64 = 86_400_000

    /// A venue with a funded maker ("mm", onboarded) resting both sides of BTC and a funded,
    /// unclassified "carol".
    final class Venue {
        let engine = Engine()
        var ts = EligibilityTests.t0
        init() {
            send(#"{"type":"openAccount","account":"mm"}"#)
            engine.applyOnboarding(of: AccountID(0), at: ts)
            send(#"{"type":"openAccount","account":"carol"}"#)
            send(#"{"type":"deposit","account":"mm","asset":"USD","amount":"10000000"}"#)
            send(#"{"type":"deposit","account":"carol","asset":"USD","amount":"100000"}"#)
            send(#"{"type":"markPrice","symbol":"BTC-PERP","price":"50000"}"#)
            send(#"{"type":"placeOrder","account":"mm","symbol":"BTC-PERP","side":"sell","orderType":"limit","price":"50010","qty":"5"}"#)
            send(#"{"type":"placeOrder","account":"mm","symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49990","qty":"5"}"#)
        }

        /// Applies one replay line (without `ts`: the venue's clock is added) and returns its events.
        @discardableResult
        func send(_ line: String, advance: Int64 = 1) -> [Event] {
            ts += advance
            let full = "{\"ts\":\(ts)," + line.dropFirst()
            let (t, command) = try! CommandDecoder().decode(line: full, engine: engine)
            let events = engine.apply(command, timestamp: t)
            #expect(engine.ledger.sum == 0)
            #expect(engine.invariantViolations().isEmpty)
            return events
        }

        /// Sends a line that must be refused with `code`, changing nothing.
        func refused(_ line: String, _ code: RejectCode, sourceLocation: SourceLocation = #_sourceLocation) {
            let before = engine.stateHash()
            let events = send(line, advance: 0)
            #expect(events.rejection?.code == code, "\(line): \(events)", sourceLocation: sourceLocation)
            #expect(engine.stateHash() == before, "\(line) changed the state", sourceLocation: sourceLocation)
        }

        func evidence(_ account: String, _ kind: String, _ amount: String, asOf: Int64? = nil, currency: String = "HKD",
                      extra: String = "") -> [Event] {
            send(#"{"type":"recordEvidence","by":"maya","account":"\#(account)","evidenceKind":"\#(kind)","amount":"\#(amount)","currency":"\#(currency)","asOf":\#(asOf ?? ts),"source":"statement 1"\#(extra)}"#)
        }

        func propose(_ account: String, _ kind: String, id: String, extra: String = "") -> [Event] {
            send(#"{"type":"proposeClassification","requestId":"\#(id)","by":"maya","account":"\#(account)","investorKind":"\#(kind)","reason":"evidenced"\#(extra)}"#)
        }

        func approve(_ id: String, by: String = "chen") -> [Event] {
            send(#"{"type":"approveRequest","requestId":"\#(id)","by":"\#(by)"}"#)
        }

        func knowledge(_ account: String) -> [Event] {
            send(#"{"type":"recordKnowledgeAssessment","by":"maya","account":"\#(account)","method":"training","reference":"course 7"}"#)
        }

        func acknowledge(_ account: String, version: Int = 1) -> [Event] {
            send(#"{"type":"acknowledgeDisclosure","account":"\#(account)","symbol":"BTC-PERP","version":\#(version)}"#)
        }

        func buy(_ account: String, _ qty: String = "0.1", reduceOnly: Bool = false) -> [Event] {
            send(#"{"type":"placeOrder","account":"\#(account)","symbol":"BTC-PERP","side":"buy","orderType":"market","qty":"\#(qty)","reduceOnly":\#(reduceOnly)}"#)
        }

        func sell(_ account: String, _ qty: String = "0.1", reduceOnly: Bool = false) -> [Event] {
            send(#"{"type":"placeOrder","account":"\#(account)","symbol":"BTC-PERP","side":"sell","orderType":"market","qty":"\#(qty)","reduceOnly":\#(reduceOnly)}"#)
        }

        /// Makes carol an eligible individual PI.
        func onboardCarol() {
            #expect(evidence("carol", "securities", "8000000.00").rejection == nil)
            #expect(propose("carol", "individual", id: "pi-carol").rejection == nil)
            #expect(approve("pi-carol").rejection == nil)
            #expect(knowledge("carol").rejection == nil)
            #expect(acknowledge("carol").rejection == nil)
        }

        var carol: AccountID { engine.accountID(named: "carol")! }
    }

    @Test("a retail account cannot open a position; each missing step is named in order, then it trades")
    func retailIsRefusedUntilOnboarded() {
        let v = Venue()
        #expect(v.buy("carol").rejection?.code == .notProfessionalInvestor)
        #expect(v.engine.position(v.carol, InstrumentID(0)).size == 0)
        _ = v.evidence("carol", "securities", "8000000.00")
        #expect(v.buy("carol").rejection?.code == .notProfessionalInvestor, "evidence alone is not a classification")
        _ = v.propose("carol", "individual", id: "pi-carol")
        #expect(v.buy("carol").rejection?.code == .notProfessionalInvestor, "a proposal is not an approval")
        let approved = v.approve("pi-carol")
        #expect(approved.contains { if case .compliance(.classified) = $0 { true } else { false } })
        #expect(v.buy("carol").rejection?.code == .knowledgeAssessmentRequired)
        _ = v.knowledge("carol")
        let unacknowledged = v.buy("carol").rejection
        #expect(unacknowledged?.code == .disclosureNotAcknowledged)
        #expect(unacknowledged?.message.contains("version 1 of the BTC-PERP") == true)
        _ = v.acknowledge("carol")
        #expect(v.buy("carol").trades.count == 1)
        #expect(v.engine.position(v.carol, InstrumentID(0)).size == 100)
    }

    @Test("each PI kind is accepted at exactly its threshold and refused HK$0.01 below; corporations pass by either test")
    func thresholds() {
        let cases: [(kind: String, evidenceKind: String, at: String, below: String, owners: Bool)] = [
            ("individual", "securities", "8000000.00", "7999999.99", false),
            ("corporation", "cashAtCustodian", "8000000.00", "7999999.99", true),
            ("corporation", "totalAssets", "40000000.00", "39999999.99", true),
            ("partnership", "certificatesOfDeposit", "8000000.00", "7999999.99", true),
            ("partnership", "totalAssets", "40000000.00", "39999999.99", true),
            ("trustCorporation", "totalAssets", "40000000.00", "39999999.99", true),
        ]
        for (n, c) in cases.enumerated() {
            let v = Venue()
            let owners = c.owners ? #","beneficialOwners":"Ann Lee;Bo Chan""# : ""
            _ = v.evidence("carol", c.evidenceKind, c.below)
            v.refused(#"{"type":"proposeClassification","requestId":"below\#(n)","by":"maya","account":"carol","investorKind":"\#(c.kind)","reason":"r"\#(owners)}"#,
                      .invalidEvidence)
            let fresh = Venue()
            _ = fresh.evidence("carol", c.evidenceKind, c.at)
            #expect(fresh.propose("carol", c.kind, id: "at\(n)", extra: owners).rejection == nil, "\(c)")
            #expect(fresh.approve("at\(n)").rejection == nil, "\(c)")
            #expect(fresh.engine.complianceRecord(fresh.carol)?.classification?.kind.rawValue == c.kind)
        }
        // Virtual assets do not count by default; two items add up exactly.
        let v = Venue()
        _ = v.evidence("carol", "virtualAssets", "9000000.00")
        v.refused(#"{"type":"proposeClassification","requestId":"va","by":"maya","account":"carol","investorKind":"individual","reason":"r"}"#,
                  .invalidEvidence)
        _ = v.evidence("carol", "securities", "4000000.00")
        _ = v.evidence("carol", "cashAtCustodian", "4000000.00")
        #expect(v.propose("carol", "individual", id: "sum").rejection == nil)
        // Foreign-currency evidence is converted down at the recorded rate: 1,025,641.02 USD × 7.8 = 7,999,999.95 HKD.
        let usd = Venue()
        _ = usd.evidence("carol", "securities", "1025641.02", currency: "USD", extra: #","rate":"7.8""#)
        usd.refused(#"{"type":"proposeClassification","requestId":"usd","by":"maya","account":"carol","investorKind":"individual","reason":"r"}"#,
                    .invalidEvidence)
        usd.refused(#"{"type":"recordEvidence","by":"maya","account":"carol","evidenceKind":"securities","amount":"1.00","currency":"USD","asOf":1,"source":"s"}"#,
                    .invalidEvidence)
    }

    @Test("four-eyes: the maker cannot approve or reject its own request; a rejection changes nothing; ids are single-use")
    func fourEyes() {
        let v = Venue()
        _ = v.evidence("carol", "securities", "8000000.00")
        _ = v.propose("carol", "individual", id: "pi-carol")
        v.refused(#"{"type":"approveRequest","requestId":"pi-carol","by":"maya"}"#, .sameMakerAndChecker)
        v.refused(#"{"type":"rejectRequest","requestId":"pi-carol","by":"maya","reason":"mine"}"#, .sameMakerAndChecker)
        v.refused(#"{"type":"approveRequest","requestId":"nope","by":"chen"}"#, .unknownRequest)
        v.refused(#"{"type":"proposeClassification","requestId":"pi-carol","by":"maya","account":"carol","investorKind":"individual","reason":"again"}"#,
                  .duplicateRequestId)
        let rejected = v.send(#"{"type":"rejectRequest","requestId":"pi-carol","by":"chen","reason":"statement unsigned"}"#)
        #expect(rejected.contains { if case .compliance(.requestRejected) = $0 { true } else { false } })
        #expect(v.engine.complianceRecord(v.carol)?.classification == nil)
        v.refused(#"{"type":"approveRequest","requestId":"pi-carol","by":"chen"}"#, .unknownRequest)
        v.refused(#"{"type":"proposeClassification","requestId":"pi-carol","by":"maya","account":"carol","investorKind":"individual","reason":"again"}"#,
                  .duplicateRequestId)
        #expect(v.propose("carol", "individual", id: "pi-carol-2").rejection == nil)
        #expect(v.approve("pi-carol-2", by: "lee").rejection == nil)
        let c = v.engine.complianceRecord(v.carol)!.classification!
        #expect(c.proposedBy == "maya" && c.approvedBy == "lee")
        #expect(c.expiresAt == c.assessedAt + 365 * EligibilityTests.day)
    }

    @Test("an institutional PI needs no knowledge assessment but does acknowledge the disclosure")
    func institutional() {
        let v = Venue()
        v.refused(#"{"type":"proposeClassification","requestId":"inst","by":"maya","account":"carol","investorKind":"institutional","reason":"licensed"}"#,
                  .invalidEvidence)
        #expect(v.propose("carol", "institutional", id: "inst", extra: #","licence":"SFC ABC123""#).rejection == nil)
        _ = v.approve("inst")
        #expect(v.buy("carol").rejection?.code == .disclosureNotAcknowledged)
        _ = v.acknowledge("carol")
        #expect(v.buy("carol").trades.count == 1)
    }

    @Test("a new disclosure version blocks the next opening order until acknowledged; closing still works")
    func newDisclosureVersion() {
        let v = Venue()
        v.onboardCarol()
        #expect(v.buy("carol", "0.2").trades.count == 1)
        v.refused(#"{"type":"publishDisclosure","symbol":"BTC-PERP","version":1,"by":"maya"}"#, .disclosureVersionNotCurrent)
        #expect(v.send(#"{"type":"publishDisclosure","symbol":"BTC-PERP","version":2,"by":"maya"}"#).rejection == nil)
        #expect(v.buy("carol").rejection?.code == .disclosureNotAcknowledged)
        v.refused(#"{"type":"acknowledgeDisclosure","account":"carol","symbol":"BTC-PERP","version":1}"#, .disclosureVersionNotCurrent)
        // Reducing is never gated: a plain sell that cannot flip the position, and a reduce-only one.
        #expect(v.sell("carol", "0.1").trades.count == 1)
        #expect(v.sell("carol", "0.05", reduceOnly: true).trades.count == 1)
        #expect(v.sell("carol", "0.1").rejection?.code == .disclosureNotAcknowledged, "0.1 would flip 0.05 long to short")
        _ = v.acknowledge("carol", version: 2)
        #expect(v.buy("carol").trades.count == 1)
    }

    @Test("expiry: warned once 30 days before, lapsed at expiry; new risk refused, reduction, cancels and withdrawals allowed")
    func expiry() {
        let v = Venue()
        v.onboardCarol()
        #expect(v.buy("carol", "0.2").trades.count == 1)
        let resting = v.send(#"{"type":"placeOrder","account":"carol","symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"49000","qty":"0.1","clientOrderId":"low"}"#)
        #expect(resting.acceptedId != nil)
        let expires = v.engine.complianceRecord(v.carol)!.classification!.expiresAt
        let warning = v.send(#"{"type":"tick"}"#, advance: expires - 30 * EligibilityTests.day - v.ts)
        #expect(warning.contains { if case .compliance(.classificationExpiring(_, expires)) = $0 { true } else { false } })
        let again = v.send(#"{"type":"tick"}"#, advance: EligibilityTests.day)
        #expect(!again.contains { if case .compliance(.classificationExpiring) = $0 { true } else { false } }, "warned once")
        #expect(v.buy("carol").trades.count == 1, "still current during the warning window")
        let lapse = v.send(#"{"type":"tick"}"#, advance: expires - v.ts)
        #expect(lapse.contains { if case .compliance(.classificationLapsed) = $0 { true } else { false } })
        v.refused(#"{"type":"placeOrder","account":"carol","symbol":"BTC-PERP","side":"buy","orderType":"market","qty":"0.1"}"#,
                  .classificationExpired)
        v.refused(#"{"type":"amendOrder","account":"carol","symbol":"BTC-PERP","clientOrderId":"low","qty":"0.5"}"#, .classificationExpired)
        #expect(v.send(#"{"type":"cancelOrder","account":"carol","symbol":"BTC-PERP","clientOrderId":"low"}"#).rejection == nil)
        #expect(v.sell("carol", "0.3", reduceOnly: true).trades.count == 1)
        #expect(v.engine.position(v.carol, InstrumentID(0)).size == 0)
        #expect(v.send(#"{"type":"withdraw","account":"carol","asset":"USD","amount":"1000"}"#).rejection == nil)
        // Renewal: a new approval starts a new year.
        _ = v.evidence("carol", "securities", "8000000.00")
        _ = v.propose("carol", "individual", id: "renew")
        _ = v.approve("renew")
        #expect(v.buy("carol").trades.count == 1)
    }

    @Test("a leverage cap set by four-eyes refuses higher leverage and orders at a higher current leverage")
    func leverageCap() {
        let v = Venue()
        v.onboardCarol()
        _ = v.send(#"{"type":"proposeLeverageCap","requestId":"cap1","by":"maya","account":"carol","symbol":"BTC-PERP","leverage":"5","reason":"suitability"}"#)
        v.refused(#"{"type":"approveRequest","requestId":"cap1","by":"maya"}"#, .sameMakerAndChecker)
        _ = v.approve("cap1")
        // Default leverage (10x) is above the cap: opening is refused until it is lowered.
        #expect(v.buy("carol").rejection?.code == .leverageAboveClientCap)
        v.refused(#"{"type":"setLeverage","account":"carol","symbol":"BTC-PERP","leverage":"6"}"#, .leverageAboveClientCap)
        #expect(v.send(#"{"type":"setLeverage","account":"carol","symbol":"BTC-PERP","leverage":"5"}"#).rejection == nil)
        #expect(v.buy("carol").trades.count == 1)
        v.refused(#"{"type":"proposeLeverageCap","requestId":"cap2","by":"maya","account":"carol","symbol":"BTC-PERP","leverage":"51","reason":"x"}"#,
                  .leverageOutOfRange)
    }

    @Test("conditional orders are checked when placed and again when they trigger")
    func conditionalOrdersAreGatedAtTrigger() {
        let v = Venue()
        v.onboardCarol()
        let stop = v.send(#"{"type":"placeOrder","account":"carol","symbol":"BTC-PERP","side":"buy","orderType":"stopMarket","stopPrice":"50500","qty":"0.1","clientOrderId":"stop1"}"#)
        #expect(stop.acceptedId != nil)
        _ = v.send(#"{"type":"publishDisclosure","symbol":"BTC-PERP","version":2,"by":"maya"}"#)
        let fired = v.send(#"{"type":"markPrice","symbol":"BTC-PERP","price":"50600"}"#)
        #expect(fired.contains { if case .triggered = $0 { true } else { false } })
        #expect(fired.rejection?.code == .disclosureNotAcknowledged)
        #expect(v.engine.position(v.carol, InstrumentID(0)).size == 0)
    }

    @Test("compliance state survives a snapshot and is in the state hash")
    func snapshotRoundTrip() throws {
        let v = Venue()
        v.onboardCarol()
        _ = v.send(#"{"type":"proposeLeverageCap","requestId":"cap1","by":"maya","account":"carol","symbol":"BTC-PERP","leverage":"5","reason":"pending"}"#)
        _ = v.evidence("carol", "totalAssets", "1.00", extra: #","holding":"whollyOwnedCorporation""#)
        let bytes = v.engine.snapshot()
        let restored = try Engine(snapshot: bytes, config: .standard)
        #expect(restored.stateHash() == v.engine.stateHash())
        #expect(restored.snapshot() == bytes)
        #expect(restored.pendingRequests.map(\.id) == ["cap1"])
        #expect(restored.complianceRecord(v.carol) == v.engine.complianceRecord(v.carol))
        let before = v.engine.stateHash()
        _ = v.approve("cap1")
        #expect(v.engine.stateHash() != before)
    }

    @Test("journal codec and replay encoder carry every compliance command exactly")
    func codecRoundTrip() throws {
        let v = Venue()
        v.onboardCarol()
        let lines = [
            #"{"type":"recordEvidence","by":"maya","account":"carol","evidenceKind":"securities","amount":"1025641.02","currency":"USD","asOf":1767225600000,"holding":"jointWithSpouseOrChildren","source":"s","rate":"7.8"}"#,
            #"{"type":"proposeClassification","requestId":"c1","by":"maya","account":"carol","investorKind":"corporation","licence":"L","beneficialOwners":"Ann;Bo","reason":"r"}"#,
            #"{"type":"proposeOwnerNotionalCap","requestId":"c2","by":"maya","account":"carol","amount":"250000","reason":"r"}"#,
            #"{"type":"proposeMarketMaker","requestId":"c3","by":"maya","account":"carol","symbol":"BTC-PERP","maxSpreadBps":20,"minSize":"0.5","minPresenceBps":5000,"reason":"r"}"#,
            #"{"type":"rejectRequest","requestId":"c1","by":"chen","reason":"no"}"#,
            #"{"type":"recordKnowledgeAssessment","by":"maya","account":"carol","method":"quiz","score":13,"met":true}"#,
            #"{"type":"publishDisclosure","symbol":"ETH-PERP","version":3,"by":"maya"}"#,
        ]
        for line in lines {
            let full = "{\"ts\":\(v.ts)," + line.dropFirst()
            let (ts, command) = try CommandDecoder().decode(line: full, engine: v.engine)
            if case .invalid(let r, _) = command { Issue.record("\(line): \(r)"); continue }
            #expect(try CommandCodec.decode(CommandCodec.encode(command)) == command)
            let encoded = CommandEncoder().encode(command, timestamp: ts, engine: v.engine)
            #expect(try CommandDecoder().decode(line: encoded, engine: v.engine).command == command, "\(encoded)")
        }
        // A failed quiz (13 of 20, pass mark 14) is a failed knowledge assessment.
        _ = v.send(lines[5])
        #expect(v.engine.complianceRecord(v.carol)?.knowledge?.passed == false)
        #expect(v.buy("carol").rejection?.code == .knowledgeAssessmentRequired)
    }
}

/// docs/REPLAY.md's onboarding lines are the contract others update their files with:
/// inserted after `openAccount`, they make the account eligible.
@Suite struct ReplayOnboardingDocTests {
    @Test("the documented shortest onboarding sequence makes a fresh account an eligible professional investor")
    func documentedSequenceWorks() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/REPLAY.md"), encoding: .utf8)
        let begin = try #require(doc.range(of: "<!-- onboarding:begin -->")), end = try #require(doc.range(of: "<!-- onboarding:end -->"))
        let lines = doc[begin.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix("{") }.map(String.init)
        #expect(lines.count == 6)
        let engine = Engine()
        let ts: Int64 = 1_767_225_600_000
        var all = [#"{"type":"openAccount","ts":1767225600000,"account":"alice"}"#] + lines
        all += [#"{"type":"openAccount","ts":1767225600000,"account":"bob"}"#,
                #"{"type":"deposit","ts":1767225600000,"account":"alice","asset":"USD","amount":"100000"}"#,
                #"{"type":"markPrice","ts":1767225600000,"symbol":"BTC-PERP","price":"50000"}"#]
        for line in all {
            let (t, command) = try CommandDecoder().decode(line: line, engine: engine)
            #expect(engine.apply(command, timestamp: t).rejection == nil, "\(line)")
        }
        let alice = engine.accountID(named: "alice")!, bob = engine.accountID(named: "bob")!
        #expect(engine.eligibility(alice, InstrumentID(0)) == nil)
        #expect(engine.eligibility(alice, InstrumentID(1)) == nil)
        #expect(engine.eligibility(bob, InstrumentID(0))?.code == .notProfessionalInvestor)
        let order = engine.apply(.placeOrder(PlaceOrder(account: alice, instrument: InstrumentID(0), side: .buy, price: 490_000,
                                                        quantity: 10)), timestamp: ts + 1)
        #expect(order.acceptedId != nil)
    }
}

/// PERP-6 product governance: a proposed contract is not tradable, cannot be enabled until
/// a checker other than the maker approves it, and its lifecycle is recorded step by step.
@Suite struct ProductGovernanceTests {
    static func engine() -> Engine {
        var config = VenueConfig.standard
        config.proposedInstruments = ["ETH-PERP"]
        return Engine(config: config)
    }

    func send(_ engine: Engine, _ line: String, _ ts: Int64 = 1_767_225_600_000) -> [Event] {
        let (t, command) = try! CommandDecoder().decode(line: "{\"ts\":\(ts)," + line.dropFirst(), engine: engine)
        return engine.apply(command, timestamp: t)
    }

    @Test("a proposed contract is disabled; enabling it before approval is refused; maker cannot approve; then it trades")
    func proposedApprovedEnabled() {
        let engine = Self.engine()
        let eth = engine.instrumentID(symbol: "ETH-PERP")!, btc = engine.instrumentID(symbol: "BTC-PERP")!
        #expect(engine.statuses[Int(eth.index)] == .disabled && engine.productLifecycle(eth).stage == .proposed)
        #expect(engine.productLifecycle(btc).stage == .enabled && engine.productLifecycle(btc).history.count == 3)
        let before = engine.stateHash()
        #expect(send(engine, #"{"type":"setInstrumentStatus","symbol":"ETH-PERP","status":"enabled"}"#).rejection?.code == .productNotApproved)
        #expect(send(engine, #"{"type":"setInstrumentStatus","symbol":"ETH-PERP","status":"cancelOnly"}"#).rejection?.code == .productNotApproved)
        #expect(engine.stateHash() == before)
        #expect(send(engine, #"{"type":"proposeProductApproval","requestId":"eth-listing","by":"maya","symbol":"ETH-PERP","reason":"spot ETH listed; risk review done"}"#).rejection == nil)
        #expect(send(engine, #"{"type":"approveRequest","requestId":"eth-listing","by":"maya"}"#).rejection?.code == .sameMakerAndChecker)
        let approved = send(engine, #"{"type":"approveRequest","requestId":"eth-listing","by":"chen"}"#)
        #expect(approved.contains { if case .compliance(.productStage(eth, .approved, "chen")) = $0 { true } else { false } })
        #expect(send(engine, #"{"type":"proposeProductApproval","requestId":"again","by":"maya","symbol":"ETH-PERP","reason":"x"}"#).rejection?.code == .productNotApproved)
        let enabled = send(engine, #"{"type":"setInstrumentStatus","symbol":"ETH-PERP","status":"enabled"}"#)
        #expect(enabled.contains { if case .compliance(.productStage(eth, .enabled, _)) = $0 { true } else { false } })
        #expect(engine.statuses[Int(eth.index)] == .enabled)
        #expect(engine.productLifecycle(eth).history.map(\.stage) == [.proposed, .approved, .enabled])
        #expect(engine.productLifecycle(eth).history[1].by == "chen")
        // The lifecycle survives a snapshot.
        let restored = try! Engine(snapshot: engine.snapshot(), config: engine.config)
        #expect(restored.productLifecycle(eth) == engine.productLifecycle(eth) && restored.stateHash() == engine.stateHash())
        // A halt is always possible and is not a lifecycle step; cancel-only is.
        #expect(send(engine, #"{"type":"setInstrumentStatus","symbol":"ETH-PERP","status":"disabled"}"#).rejection == nil)
        #expect(engine.productLifecycle(eth).stage == .enabled)
        #expect(send(engine, #"{"type":"setInstrumentStatus","symbol":"ETH-PERP","status":"cancelOnly"}"#).rejection == nil)
        #expect(engine.productLifecycle(eth).stage == .cancelOnly)
    }

    @Test("a configuration file can list a contract as proposed; an unknown lifecycle is refused")
    func configurationFile() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/venue.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        let proposed = text.replacingOccurrences(of: #""symbol": "ETH-PERP","#, with: #""symbol": "ETH-PERP", "lifecycle": "proposed","#)
        #expect(proposed != text)
        #expect(try VenueConfig.parse(Data(proposed.utf8)).proposedInstruments == ["ETH-PERP"])
        let bad = text.replacingOccurrences(of: #""symbol": "ETH-PERP","#, with: #""symbol": "ETH-PERP", "lifecycle": "live","#)
        #expect(throws: VenueConfig.ConfigError.self) { try VenueConfig.parse(Data(bad.utf8)) }
    }
}

/// REG-4: a large withdrawal needs a maker and a different checker; free funds only.
@Suite struct LargeWithdrawalTests {
    @Test("a withdrawal at the threshold is refused FOUR_EYES_REQUIRED; proposed and approved by another person it is paid, checked again at approval")
    func fourEyesWithdrawal() {
        let v = EligibilityTests.Venue()
        _ = v.send(#"{"type":"deposit","account":"carol","asset":"USD","amount":"2000000"}"#)
        v.refused(#"{"type":"withdraw","account":"carol","asset":"USD","amount":"1000000"}"#, .fourEyesRequired)
        #expect(v.send(#"{"type":"withdraw","account":"carol","asset":"USD","amount":"999999.999999"}"#).rejection == nil)
        let cash = v.engine.cash(v.carol)
        v.refused(#"{"type":"proposeWithdrawal","requestId":"w1","by":"olivia","account":"carol","asset":"USD","amount":"5000000","reason":"client instruction"}"#,
                  .insufficientBalance)
        #expect(v.send(#"{"type":"proposeWithdrawal","requestId":"w2","by":"olivia","account":"carol","asset":"USD","amount":"1000000","reason":"client instruction"}"#).rejection == nil)
        #expect(v.engine.cash(v.carol) == cash, "a proposal moves nothing")
        v.refused(#"{"type":"approveRequest","requestId":"w2","by":"olivia"}"#, .sameMakerAndChecker)
        let paid = v.send(#"{"type":"approveRequest","requestId":"w2","by":"raj"}"#)
        #expect(paid.contains { if case .compliance(.withdrawalPaid(_, "USD", 1_000_000_000_000)) = $0 { true } else { false } })
        #expect(v.engine.cash(v.carol) == cash - 1_000_000_000_000)
        // Checked again at approval: funds paid out meanwhile leave the request pending, refused.
        _ = v.send(#"{"type":"deposit","account":"carol","asset":"USD","amount":"1500000"}"#)
        #expect(v.send(#"{"type":"proposeWithdrawal","requestId":"w3","by":"olivia","account":"carol","asset":"USD","amount":"1000000","reason":"again"}"#).rejection == nil)
        #expect(v.send(#"{"type":"proposeWithdrawal","requestId":"w4","by":"olivia","account":"carol","asset":"USD","amount":"1000000","reason":"more"}"#).rejection == nil)
        #expect(v.send(#"{"type":"approveRequest","requestId":"w4","by":"raj"}"#).rejection == nil)
        v.refused(#"{"type":"approveRequest","requestId":"w3","by":"raj"}"#, .insufficientBalance)
        #expect(v.engine.pendingRequests.map(\.id) == ["w3"])
    }

    @Test("a BTC withdrawal of 15 BTC or more needs four-eyes; 14.99999999 goes at once; the proposal is checked against free units")
    func fourEyesAssetWithdrawal() {
        let v = EligibilityTests.Venue()
        _ = v.send(#"{"type":"deposit","account":"carol","asset":"BTC","amount":"22"}"#)
        v.refused(#"{"type":"withdraw","account":"carol","asset":"BTC","amount":"15"}"#, .fourEyesRequired)
        #expect(v.send(#"{"type":"withdraw","account":"carol","asset":"BTC","amount":"14.99999999"}"#).rejection == nil)
        #expect(v.engine.balance(v.carol, asset: "BTC") == 700_000_001)
        v.refused(#"{"type":"proposeWithdrawal","requestId":"b1","by":"olivia","account":"carol","asset":"BTC","amount":"15","reason":"custody transfer"}"#,
                  .insufficientBalance)
        v.refused(#"{"type":"proposeWithdrawal","requestId":"b1","by":"olivia","account":"carol","asset":"BTC","amount":"15.000000001","reason":"x"}"#,
                  .invalidAmount)
        _ = v.send(#"{"type":"deposit","account":"carol","asset":"BTC","amount":"10"}"#)
        #expect(v.send(#"{"type":"proposeWithdrawal","requestId":"b2","by":"olivia","account":"carol","asset":"BTC","amount":"15","reason":"custody transfer"}"#).rejection == nil)
        #expect(v.engine.balance(v.carol, asset: "BTC") == 1_700_000_001, "a proposal moves nothing")
        v.refused(#"{"type":"approveRequest","requestId":"b2","by":"olivia"}"#, .sameMakerAndChecker)
        let paid = v.send(#"{"type":"approveRequest","requestId":"b2","by":"raj"}"#)
        #expect(paid.contains { if case .compliance(.withdrawalPaid(_, "BTC", 1_500_000_000)) = $0 { true } else { false } })
        #expect(v.engine.balance(v.carol, asset: "BTC") == 200_000_001)
        #expect(v.engine.invariantViolations().isEmpty)
    }
}

/// The engine answers Compliance's refusals with `RejectCode`s of the same spelling (the
/// codes are written twice because HarbourCore cannot depend on Compliance): every rule and
/// every record error must have its code, or the engine would fall back to another one.
@Suite struct ComplianceCodeTests {
    @Test("every eligibility rule and compliance error code is a RejectCode")
    func codesAgree() {
        for rule in EligibilityRefusal.Rule.allCases { #expect(RejectCode(rawValue: rule.rawValue) != nil, "\(rule)") }
        let errors: [ComplianceError] = [.invalidCurrency(""), .invalidAmount(""), .conversionRateMismatch(""), .invalidEvidence(""),
                                         .invalidPolicy(""), .invalidAssessment(""), .sameMakerAndChecker(""), .requestNotPending("")]
        for error in errors { #expect(RejectCode(rawValue: error.code) != nil, "\(error.code)") }
    }
}
