import CommandInput
import Foundation
import HarbourCore
import Ledger
import Matching
import Testing
@testable import Engine

extension Array where Element == Event {
    var alerts: [RiskAlert] { compactMap { if case .riskAlert(let a) = $0 { return a } else { return nil } } }
    var stressTests: [StressTestResult] { compactMap { if case .stressTest(let s) = $0 { return s } else { return nil } } }
    var metrics: [RiskMetrics] { compactMap { if case .riskMetrics(let m) = $0 { return m } else { return nil } } }
    var adlRanks: [(account: AccountID, rank: Int)] {
        compactMap { if case let .adlRank(a, _, r) = $0 { return (a, r) } else { return nil } }
    }
}

/// RISK-6: EWMA volatility with margin add-ons, open-interest and concentration alerts,
/// insurance-fund stress coverage; RISK-4: ADL ranks published; the fund top-up.
/// BTC-PERP: price raw = price × 10, size raw = size × 1000, 1 raw product unit = 100 raw USD.
/// The test clock starts at 1_767_225_600_000, a multiple of the 60 s sweep interval.
@Suite struct RiskMonitorTests {
    static let t0: Int64 = 1_767_225_600_000

    /// Runs `command` at exactly `t` (the venue's clock is moved to just before it).
    @discardableResult
    func at(_ v: TestVenue, _ t: Int64, _ command: Command = .tick) -> [Event] {
        v.ts = t - 1
        return v.run(command)
    }

    /// mm (1,000,000 USD) and a 0.2 BTC long at 50000 with 1098 USD cash left after its fee.
    func longVenue(_ config: VenueConfig = .standard) -> (TestVenue, mm: AccountID, long: AccountID) {
        let v = TestVenue(config: config)
        let mm = v.open("mm", usd: "1000000")
        v.mark("50000")
        let l = v.open("long", usd: "1100")
        v.place(l, .buy, "0.2", at: "50000")
        #expect(v.place(mm, .sell, "0.2", at: "50000").trades.count == 1)
        #expect(v.cash(l) == v.usd("1098"))
        return (v, mm, l)
    }

    @Test func volatilityRaisesTheMarginAddOnAndTheAlert() {
        let (v, _, l) = longVenue()
        // A fund that covers the stress shortfalls (3902 at −50%), so only volatility alerts.
        v.run(.insuranceDeposit(asset: "USD", amount: v.usd("10000")))
        #expect(v.engine.liquidationTrigger(l, v.btc) == v.px("44688.7"))
        // First sweep at t0 + 60 s samples the mark 50000 (first price: no return yet).
        let first = at(v, Self.t0 + 60_000, .markPrice(instrument: v.btc, price: v.px("51000")))
        #expect(first.metrics.map(\.samples) == [0])
        #expect(first.alerts.isEmpty)
        // Second sweep samples 51000: r = 0.02, variance = 0.06 × 0.02² = 0.000024,
        // volatility = ⌈√0.000024⌉ = 0.00489898 ≥ 0.0025 → add-on 0.5%.
        let second = at(v, Self.t0 + 120_000)
        #expect(second.alerts == [RiskAlert(raised: true, instrument: v.btc, account: nil, threshold: Rate(raw: 250_000),
                                           value: Rate(raw: 489_898),
                                           evidence: .volatility(volatility: Rate(raw: 489_898), addOn: Rate(raw: 500_000), samples: 1))])
        #expect(v.engine.marginAddOn(v.btc) == Rate(raw: 500_000))
        let json = second.first { if case .riskAlert = $0 { return true } else { return false } }
            .map { EventEncoder().encode($0, seq: 9, engine: v.engine) }
        #expect(json == #"{"type":"riskAlert","seq":9,"kind":"volatility","state":"raised","symbol":"BTC-PERP","threshold":"0.0025","value":"0.00489898","volatility":"0.00489898","marginAddOn":"0.005","samples":1}"#)
        // Maintenance 0.4% + 0.5%: equity 0.2P − 8902 < 0.0018P ⇔ P < 44914.23…: trigger 44914.2.
        #expect(v.engine.liquidationTrigger(l, v.btc) == v.px("44914.2"))
        // Initial margin at mark 51000, leverage 10: 10200 / 10 + 10200 × 0.5% = 1071.
        #expect(v.engine.marginSummary(l).initialRequired == Int128(v.usd("1071")))
        // With no further moves λ = 0.94 decays the variance below 0.0025² after 22 sweeps.
        var cleared: [RiskAlert] = []
        var sweeps = 0
        for k in 3...40 where cleared.isEmpty {
            cleared = at(v, Self.t0 + Int64(k) * 60_000).alerts
            sweeps += 1
        }
        #expect(sweeps == 22)
        #expect(cleared.count == 1 && cleared.first?.raised == false && cleared.first?.kind == .volatility)
        #expect(v.engine.marginAddOn(v.btc) == .zero)
        #expect(v.engine.liquidationTrigger(l, v.btc) == v.px("44688.7"))
        #expect(v.engine.activeAlerts.isEmpty)
    }

    @Test func anAddOnLiquidatesAnAccountThatNoLongerCoversMaintenance() {
        let (v, mm, l) = longVenue()
        // The first sweep samples 50000; at 44800 the account still covers 0.4% (trigger 44688.7).
        at(v, Self.t0 + 60_000, .markPrice(instrument: v.btc, price: v.px("44800")))
        v.place(mm, .buy, "0.2", at: "44700")
        #expect(v.size(l) == v.qty("0.2"))
        // Second sweep: r = (44800 − 50000)/50000 = −10.4%, variance 0.06 × 0.104² → volatility
        // 0.0254747 ≥ 1% → add-on 2%: maintenance 2.4% puts the trigger at 45604.5 > 44800.
        let ev = at(v, Self.t0 + 120_000)
        #expect(ev.alerts.first?.value == Rate(raw: 2_547_470))
        #expect(v.engine.marginAddOn(v.btc) == Rate(raw: 2_000_000))
        #expect(ev.liquidations.count == 1 && ev.liquidations.first?.account == l)
        #expect(v.size(l) == 0)
    }

    @Test func concentrationAndOpenInterestAlerts() throws {
        var text = VenueConfig.standardJSON
        text = text.replacingOccurrences(
            of: #""symbol": "BTC-PERP", "underlying": "BTC","#,
            with: #""symbol": "BTC-PERP", "underlying": "BTC", "risk": { "openInterestCap": "1", "openInterestAlert": "0.8", "concentrationAlert": "0.5", "concentrationMinOpenInterest": "0.5" },"#)
        let config = try VenueConfig.parse(Data(text.utf8))
        #expect(config.risk.instruments[0].openInterestCap == 1_000)
        let v = TestVenue(config: config)
        let mm = v.open("mm", usd: "1000000")
        v.mark("50000")
        let a = v.open("a", usd: "100000"), b = v.open("b", usd: "100000")
        v.place(a, .buy, "0.3", at: "50000"); v.place(mm, .sell, "0.3", at: "50000")
        // Open interest 0.3 < 0.5: too small to judge concentration; 30% of the cap.
        let s1 = at(v, Self.t0 + 60_000)
        #expect(s1.alerts.isEmpty)
        #expect(s1.metrics.first?.openInterest == v.qty("0.3"))
        v.place(b, .buy, "0.6", at: "50000"); v.place(mm, .sell, "0.6", at: "50000")
        // Open interest 0.9 = 90% of the cap; b holds 0.6/0.9 = 66.67%, mm 100% (short), a 33%.
        let s2 = at(v, Self.t0 + 120_000)
        // Published in sweep order: open interest, then concentration by account.
        #expect(s2.alerts == [
            RiskAlert(raised: true, instrument: v.btc, account: nil, threshold: Rate(raw: 80_000_000), value: Rate(raw: 90_000_000),
                      evidence: .openInterest(openInterest: v.qty("0.9"), cap: v.qty("1"))),
            RiskAlert(raised: true, instrument: v.btc, account: mm, threshold: Rate(raw: 50_000_000), value: Rate(raw: 100_000_000),
                      evidence: .concentration(position: v.qty("0.9"), openInterest: v.qty("0.9"))),
            RiskAlert(raised: true, instrument: v.btc, account: b, threshold: Rate(raw: 50_000_000), value: Rate(raw: 66_666_666),
                      evidence: .concentration(position: v.qty("0.6"), openInterest: v.qty("0.9"))),
        ])
        #expect(v.engine.activeAlerts == s2.alerts.sorted { $0.key < $1.key })
        // Nothing changed: nothing published again.
        #expect(at(v, Self.t0 + 180_000).alerts.isEmpty)
        // b closes: open interest 0.3 (30% of the cap, below the concentration minimum).
        v.place(mm, .buy, "0.6", at: "50000"); v.place(b, .sell, "0.6", at: "50000")
        let s4 = at(v, Self.t0 + 240_000)
        #expect(s4.alerts.count == 3 && s4.alerts.allSatisfy { !$0.raised })
        #expect(v.engine.activeAlerts.isEmpty)
    }

    @Test func openInterestAlertClearsOnlyBelowNinetyPercentOfItsThreshold() throws {
        let text = VenueConfig.standardJSON.replacingOccurrences(
            of: #""symbol": "BTC-PERP", "underlying": "BTC","#,
            with: #""symbol": "BTC-PERP", "underlying": "BTC", "risk": { "openInterestCap": "1", "openInterestAlert": "0.8" },"#)
        let v = TestVenue(config: try VenueConfig.parse(Data(text.utf8)))
        let mm = v.open("mm", usd: "1000000")
        v.run(.insuranceDeposit(asset: "USD", amount: v.usd("1000000")))
        v.mark("50000")
        let a = v.open("a", usd: "100000")
        v.place(a, .buy, "0.9", at: "50000"); v.place(mm, .sell, "0.9", at: "50000")
        #expect(at(v, Self.t0 + 60_000).alerts.map(\.raised) == [true])
        // 75%: below the 80% threshold but above 72% (90% of it): stays raised, nothing published.
        v.place(a, .sell, "0.15", at: "50000"); v.place(mm, .buy, "0.15", at: "50000")
        #expect(at(v, Self.t0 + 120_000).alerts.isEmpty)
        #expect(v.engine.activeAlerts.count == 1)
        // 70%: cleared, with the measure that cleared it.
        v.place(a, .sell, "0.05", at: "50000"); v.place(mm, .buy, "0.05", at: "50000")
        let cleared = at(v, Self.t0 + 180_000).alerts
        #expect(cleared.count == 1 && cleared.first?.raised == false && cleared.first?.value == Rate(raw: 70_000_000))
        #expect(v.engine.activeAlerts.isEmpty)
    }

    @Test func stressScenariosMeasureTheInsuranceFundsCoverage() {
        let (v, _, l) = longVenue()
        _ = l
        let s = at(v, Self.t0 + 60_000)
        // −50%: 1098 + 0.2 × (25000 − 50000) = −3902; −30%: 1098 − 3000 = −1902. mm is short
        // with 1,000,000 and the long gains on the up moves: no other shortfall.
        #expect(s.stressTests.map(\.shock.raw) == [-50_000_000, -30_000_000, 30_000_000, 50_000_000])
        #expect(s.stressTests.map(\.shortfall) == [v.usd("3902"), v.usd("1902"), 0, 0])
        #expect(s.stressTests.map(\.accountsInShortfall) == [1, 1, 0, 0])
        // The fund is empty: both down scenarios alert (ratio published as 1,000,000).
        let coverage = s.alerts.filter { $0.kind == .insuranceCoverage }
        #expect(coverage.count == 2 && coverage.allSatisfy { $0.raised && $0.value == Rate(raw: 100_000_000_000_000) })
        let json = s.first { if case .stressTest = $0 { return true } else { return false } }
            .map { EventEncoder().encode($0, seq: 4, engine: v.engine) }
        #expect(json == #"{"type":"stressTest","seq":4,"scenario":"-0.5","shortfall":"3902","insuranceFund":"0","uncovered":"3902","accountsInShortfall":1}"#)
        // A top-up of 4000: −50% needs 3902/4000 = 97.55% ≥ 80% (stays raised), −30% 47.55% (cleared).
        let top = v.run(.insuranceDeposit(asset: "USD", amount: v.usd("4000")))
        #expect(top.contains(.insuranceFund(balance: v.usd("4000"))))
        let s2 = at(v, Self.t0 + 120_000)
        #expect(s2.alerts.count == 1)
        #expect(s2.alerts.first?.raised == false)
        #expect(s2.alerts.first?.evidence == .insuranceCoverage(shock: Rate(raw: -30_000_000), shortfall: v.usd("1902"),
                                                                 insuranceFund: v.usd("4000"), accountsInShortfall: 1))
        #expect(v.engine.activeAlerts.map(\.key.scenario) == [-50_000_000])
        #expect(s2.stressTests.first?.uncovered == 0)
    }

    @Test func insuranceTopUpIsValidatedAndBooked() throws {
        let v = TestVenue()
        let hash = v.engine.stateHash()
        #expect(v.run(.insuranceDeposit(asset: "USD", amount: 0)).rejection?.code == .invalidAmount)
        #expect(v.run(.insuranceDeposit(asset: "BTC", amount: 5)).rejection?.code == .unknownAsset)
        #expect(v.run(.insuranceDeposit(asset: "USD", amount: Engine.maxBalance + 1)).rejection?.code == .invalidAmount)
        #expect(v.engine.stateHash() == hash)
        let ev = v.run(.insuranceDeposit(asset: "USD", amount: v.usd("250.5")))
        #expect(ev.contains { if case let .posting(p) = $0 { return p.reason == .insuranceTopUp && p.amount == v.usd("250.5") } else { return false } })
        #expect(v.engine.ledger.balance(v.engine.insuranceBook) == v.usd("250.5"))
        // Journal and replay-format round trips.
        let c = Command.insuranceDeposit(asset: "USD", amount: v.usd("250.5"))
        let bytes = CommandCodec.encode(c)
        #expect(try bytes.withUnsafeBytes { try CommandCodec.decode($0) } == c)
        let line = CommandEncoder().encode(c, timestamp: 7, engine: v.engine)
        #expect(line == #"{"type":"insuranceDeposit","ts":7,"asset":"USD","amount":"250.5"}"#)
        let decoded = try? CommandDecoder().decode(line: line, engine: v.engine)
        #expect(decoded?.command == c)
    }

    @Test func adlRanksArePublishedWhenTheyChange() {
        let (v, mm, l) = longVenue()
        let l2 = v.open("long2", usd: "100000")
        v.place(l2, .buy, "0.2", at: "50000"); v.place(mm, .sell, "0.2", at: "50000")
        v.mark("52000")
        // Both longs in profit 400; `long` backs it with far less equity: first in line.
        let s = at(v, Self.t0 + 60_000)
        let ranks = Dictionary(uniqueKeysWithValues: s.adlRanks.map { ($0.account, $0.rank) })
        #expect(ranks == [l: 5, l2: 3, mm: 5])
        #expect(v.engine.publishedAdlRank(l2, v.btc) == 3)
        #expect(at(v, Self.t0 + 120_000).adlRanks.isEmpty)
        let json = s.first { if case .adlRank = $0 { return true } else { return false } }
            .map { EventEncoder().encode($0, seq: 3, engine: v.engine) }
        #expect(json?.hasPrefix(#"{"type":"adlRank","seq":3,"account":""#) == true)
    }

    @Test func riskStateSurvivesASnapshot() throws {
        let (v, _, _) = longVenue()
        at(v, Self.t0 + 60_000, .markPrice(instrument: v.btc, price: v.px("51000")))
        at(v, Self.t0 + 120_000)
        #expect(!v.engine.activeAlerts.isEmpty && v.engine.marginAddOn(v.btc).raw > 0)
        let restored = try Engine(snapshot: v.engine.snapshot(), config: .standard)
        #expect(restored.stateHash() == v.engine.stateHash())
        #expect(restored.activeAlerts == v.engine.activeAlerts)
        #expect(restored.marginAddOn(v.btc) == v.engine.marginAddOn(v.btc))
        #expect(restored.nextRiskSweepAtMs == Self.t0 + 180_000)
        for k: Int64 in 3...6 {
            let t = Self.t0 + k * 60_000
            #expect(restored.apply(.tick, timestamp: t) == v.engine.apply(.tick, timestamp: t))
        }
        #expect(restored.stateHash() == v.engine.stateHash())
        // Another risk configuration cannot restore it.
        var other = VenueConfig.standard
        other.risk.sweepIntervalMs = 30_000
        #expect(throws: Engine.SnapshotError.self) { _ = try Engine(snapshot: v.engine.snapshot(), config: other) }
    }

    @Test func riskConfigurationIsReadAndCheckedByName() throws {
        func parse(_ replace: String, with new: String) throws -> VenueConfig {
            try VenueConfig.parse(Data(VenueConfig.standardJSON.replacingOccurrences(of: replace, with: new).utf8))
        }
        let anchor = #""clientOrderIdMemory": 1000,"#
        let c = try parse(anchor, with: anchor + #" "risk": { "sweepIntervalMs": 30000, "ewmaLambda": "0.97", "stressScenarios": ["-0.4"], "liquidationFeeRate": "0.01" },"#)
        #expect(c.risk.sweepIntervalMs == 30_000 && c.risk.ewmaLambda == Rate(raw: 97_000_000))
        #expect(c.risk.stressShocks == [Rate(raw: -40_000_000)] && c.liquidationFeeRate == Rate(raw: 1_000_000))
        for bad in [#""ewmaLambda": "1""#, #""stressScenarios": ["-1"]"#, #""liquidationFeeRate": "0.5""#, #""sweepIntervalMs": 10"#] {
            #expect(throws: VenueConfig.ConfigError.self) { try parse(anchor, with: anchor + " \"risk\": { \(bad) },") }
        }
        let btc = #""symbol": "BTC-PERP", "underlying": "BTC","#
        let tooBig = #" "risk": { "volatilityAddOns": [{ "volatility": "0.01", "addOn": "0.95" }] },"#
        #expect {
            try parse(btc, with: btc + tooBig)
        } throws: { ($0 as? VenueConfig.ConfigError)?.description.contains("BTC-PERP risk: add-on too large") == true }
        let steps = #" "risk": { "volatilityAddOns": [{ "volatility": "0.01", "addOn": "0.02" }, { "volatility": "0.005", "addOn": "0.03" }] },"#
        #expect(throws: VenueConfig.ConfigError.self) { try parse(btc, with: btc + steps) }
    }
}
