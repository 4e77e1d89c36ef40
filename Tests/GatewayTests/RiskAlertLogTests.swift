import Engine
import Financing
import Foundation
import HarbourCore
import Logging
import Synchronization
import Testing
@testable import Gateway
@testable import Sequencer

/// A log handler that keeps what it is given.
struct CapturingLogHandler: LogHandler {
    final class Lines: Sendable {
        let entries = Mutex<[(Logger.Level, String, Logger.Metadata)]>([])
    }
    let lines: Lines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        lines.entries.withLock { $0.append((level, message.description, metadata ?? [:])) }
    }
}

/// RISK-6: "each an alert … logged". The gateway's hub sees every committed outcome; a
/// `riskAlert` in it becomes one structured log line and a message on the `risk` channel.
@Suite("Risk alert log") struct RiskAlertLogTests {
    @Test("every committed riskAlert is logged with kind, state, symbol, account, threshold and value; other events are not")
    func alertsAreLogged() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let lines = CapturingLogHandler.Lines()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
        let metrics = GatewayMetrics()
        let hub = MarketDataHub(host: venue.host, metrics: metrics, logger: logger)
        let alice = try await venue.host.read { $0.accountID(named: "alice")! }
        let btc = InstrumentID(0)
        let raised = RiskAlert(raised: true, instrument: btc, account: alice, threshold: try Rate("0.2"), value: try Rate("0.35"),
                               evidence: .concentration(position: 700, openInterest: 2000))
        let cleared = RiskAlert(raised: false, instrument: nil, account: nil, threshold: try Rate("1"), value: try Rate("0.5"),
                                evidence: .insuranceCoverage(shock: try Rate("-0.3"), shortfall: 5_000_000, insuranceFund: 10_000_000,
                                                             accountsInShortfall: 1))
        let events: [Event] = [.riskAlert(raised), .mark(instrument: btc, price: 500_000), .riskAlert(cleared)]
        let json = try await venue.host.read { engine in events.map { EventEncoder().encode($0, seq: 77, engine: engine) } }
        let outcome = CommandOutcome(sequence: 77, timestamp: 1, command: .tick, commandLine: #"{"type":"tick","ts":1}"#,
                                     events: events, json: json)
        let messages = hub.observeRisk(outcome)

        let logged = lines.entries.withLock { $0 }
        #expect(logged.count == 2)
        let (level, message, m) = try #require(logged.first)
        #expect(level == .warning && message == "risk alert raised")
        #expect(m["kind"] == "concentration" && m["state"] == "raised" && m["symbol"] == "BTC-PERP" && m["account"] == "alice")
        #expect(m["threshold"] == "0.2" && m["value"] == "0.35" && m["position"] == "0.7" && m["openInterest"] == "2")
        #expect(m["sequence"]?.description == "77")
        let (level2, message2, m2) = logged[1]
        #expect(level2 == .notice && message2 == "risk alert cleared")
        #expect(m2["kind"] == "insuranceCoverage" && m2["state"] == "cleared" && m2["symbol"] == "-" && m2["account"] == "-")
        #expect(m2["scenario"] == "-0.3" && m2["shortfall"] == "5" && m2["accountsInShortfall"] == "1")
        // Both alerts go to the risk channel; the mark does not.
        #expect(messages.count == 2 && messages.allSatisfy { $0.hasPrefix(#"{"channel":"risk","sequence":77"#) })
        var text: [UInt8] = []
        metrics.registry.emit(into: &text)
        #expect(String(decoding: text, as: UTF8.self).contains("harbour_risk_alerts_raised_total 1"))
        #expect(RiskAlertLog.metadata(eventLine: json[1], sequence: 77) == nil)
    }

    @Test("a financing control breach (FIN-3) is a risk alert: logged as financingControl with its code and figures, counted, on the risk channel")
    func financingBreachesAreRiskAlerts() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let lines = CapturingLogHandler.Lines()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
        let metrics = GatewayMetrics()
        let hub = MarketDataHub(host: venue.host, metrics: metrics, logger: logger)
        let events: [Event] = [
            .financing(.controlBreach(code: "COLLATERAL_CONCENTRATION_EXCEEDED", subject: "VA-MAJORS", message: "is 66000 of 106000 pledged", raised: true, value: 66_000_000_000, limit: 63_600_000_000)),
            .financing(.controlBreach(code: "COLLATERAL_CONCENTRATION_EXCEEDED", subject: "VA-MAJORS", message: "is 60000 of 100000 pledged", raised: false, value: 60_000_000_000, limit: 60_000_000_000)),
            .financing(.collateralPriced(asset: "0700.HK", price: 50_000_000)),
            .financing(.controlUtilisation(ControlUtilisation(control: .lendingCapacity, subject: "book", value: 2_400_000_000_000,
                                                              limit: 5_000_000_000_000))),
        ]
        let json = try await venue.host.read { engine in events.map { EventEncoder().encode($0, seq: 9, engine: engine) } }
        let outcome = CommandOutcome(sequence: 9, timestamp: 1, command: .tick, commandLine: #"{"type":"tick","ts":1}"#, events: events, json: json)
        let messages = hub.observeRisk(outcome)
        let logged = lines.entries.withLock { $0 }
        #expect(logged.map(\.1) == ["risk alert raised", "risk alert cleared"])
        let m = try #require(logged.first?.2)
        #expect(m["kind"] == "financingControl" && m["state"] == "raised" && m["code"] == "COLLATERAL_CONCENTRATION_EXCEEDED")
        #expect(m["subject"] == "VA-MAJORS" && m["message"] == "is 66000 of 106000 pledged" && m["sequence"]?.description == "9")
        // The figure over the limit and the limit, as the other alerts' value and threshold.
        #expect(m["value"] == "66000" && m["threshold"] == "63600", "\(m)")
        // The breaches and the daily utilisation go to the risk channel (the utilisation is not
        // an alert: not logged, not counted); a securities price does not.
        #expect(messages.count == 3)
        #expect(messages.last?.contains(#""type":"financingControl""#) == true && messages.last?.contains(#""utilisation":"0.48""#) == true)
        var text: [UInt8] = []
        metrics.registry.emit(into: &text)
        #expect(String(decoding: text, as: UTF8.self).contains("harbour_risk_alerts_raised_total 1"))
    }
}
