import Foundation
import HarbourCore
import Testing
@testable import Engine

/// PERP-1 / REG-4 live risk-limit changes: proposed by one risk officer, approved by a
/// different one, applied by the approving command as the contract's next version (in the
/// snapshot and the state hash); leverage above a new maximum is lowered, every holder is
/// re-checked against the new maintenance margin in the same command; unsound figures are
/// refused naming the figure and change nothing.
@Suite struct RiskLimitChangeTests {
    typealias V = FinancingVenue
    static let t = V.t0 + 10_000
    static let btc = InstrumentID(0)

    /// alice long 0.5 BTC-PERP at 50,000 on 50x with `deposit` USD; bob short; carol bids 49,000.
    static func venue(aliceDeposit: String = "100000") -> V {
        let v = V()
        for who in ["alice", "bob", "carol"] {
            DelistingTests.trader(v, who)
        }
        if aliceDeposit != "100000" {
            v.run(V.t0, "withdraw", ["account": "alice", "asset": "USD", "amount": String(100_000 - Int(aliceDeposit)!)])
        }
        v.run(t, "setLeverage", ["account": "alice", "symbol": "BTC-PERP", "leverage": 50])
        v.run(t, "markPrice", ["symbol": "BTC-PERP", "price": "50000"])
        #expect(V.rejection(DelistingTests.order(v, "alice", "buy", "50000", "0.5")) == nil)
        #expect(V.rejection(DelistingTests.order(v, "bob", "sell", "50000", "0.5", tif: "IOC")) == nil)
        #expect(V.rejection(DelistingTests.order(v, "carol", "buy", "49000", "2")) == nil)
        return v
    }

    @discardableResult
    static func propose(_ v: V, _ id: String, by: String = "rita", _ fields: [String: Any]) -> [Event] {
        var f = fields
        f["requestId"] = id; f["by"] = by; f["symbol"] = f["symbol"] ?? "BTC-PERP"; f["reason"] = "risk committee 2026-12"
        return v.run(t, "proposeRiskParameters", f)
    }

    static func findings(_ events: [Event]) -> [String] {
        events.compactMap { if case let .compliance(.requestProposed(_, _, _, _, f)) = $0 { f } else { nil } }.first ?? []
    }

    @Test func aMakerAndADifferentCheckerPutTheNextVersionInForce() throws {
        let v = Self.venue()
        let alice = try #require(v.engine.accountID(named: "alice"))
        let proposed = Self.propose(v, "lev-20", ["maxLeverage": 20])
        #expect(V.rejection(proposed) == nil)
        let found = Self.findings(proposed)
        #expect(found.contains("maxLeverage 50x → 20x"), "\(found)")
        #expect(found.contains("1 leverage setting(s) above 20x are lowered to 20x at approval"), "\(found)")
        #expect(found.contains { $0.hasPrefix("tiers ") }, "the tier leverage follows the new maximum: \(found)")
        // Nothing changes before approval, and the maker cannot approve.
        #expect(v.engine.spec(Self.btc).maxLeverage == 50 && v.engine.riskLimitVersion(Self.btc) == 0)
        #expect(V.rejection(v.run(Self.t, "approveRequest", ["requestId": "lev-20", "by": "rita"]))?.code == .sameMakerAndChecker)
        let before = v.engine.stateHash()

        let approved = v.run(Self.t, "approveRequest", ["requestId": "lev-20", "by": "raj"])
        #expect(V.rejection(approved) == nil)
        let set = try #require(approved.compactMap { if case let .compliance(.riskLimitsSet(x)) = $0 { x } else { nil } }.first)
        #expect(set.version == 1 && set.proposedBy == "rita" && set.approvedBy == "raj" && set.limits.maxLeverage == 20)
        #expect(v.engine.spec(Self.btc).maxLeverage == 20 && v.engine.riskLimitVersion(Self.btc) == 1)
        #expect(v.engine.spec(Self.btc).tiers.allSatisfy { $0.maxLeverage <= 20 })
        // alice's 50x setting is lowered, on her stream.
        #expect(approved.contains { if case .leverage(alice, Self.btc, 20) = $0 { true } else { false } })
        #expect(v.engine.position(alice, Self.btc).leverage == 20)
        #expect(V.rejection(v.run(Self.t, "setLeverage", ["account": "alice", "symbol": "BTC-PERP", "leverage": 25]))?.code == .leverageOutOfRange)
        // ETH-PERP is untouched; the live configuration carries the new limits.
        #expect(v.engine.spec(InstrumentID(1)).maxLeverage == 25 && v.engine.liveConfig.instruments[0].maxLeverage == 20)
        #expect(v.engine.config.instruments[0].maxLeverage == 50, "the configuration stays as loaded; versions apply on top")
        #expect(v.engine.stateHash() != before)
        v.expectSnapshotRoundTrip()
        let restored = try Engine(snapshot: v.engine.snapshot(), config: v.engine.config)
        #expect(restored.spec(Self.btc) == v.engine.spec(Self.btc) && restored.riskLimitVersions == v.engine.riskLimitVersions)
    }

    @Test func tighterTiersLiquidateWhoeverIsNowBelowMaintenanceInTheApprovingCommand() throws {
        // alice: 0.5 BTC (25,000 notional) on 1,000 USD: maintenance at 0.4% is 100, at 5% 1,250.
        let v = Self.venue(aliceDeposit: "1000")
        let alice = try #require(v.engine.accountID(named: "alice"))
        let proposed = Self.propose(v, "tiers-5pc", ["maxLeverage": 10, "tiers": "1000000:0.05:10;5000000:0.1:5"])
        #expect(V.rejection(proposed) == nil)
        #expect(Self.findings(proposed).contains {
            $0 == "WARNING: 1 account(s) would be below maintenance margin at the current marks and would be liquidated at approval"
        }, "\(Self.findings(proposed))")
        #expect(v.engine.position(alice, Self.btc).size == 500, "the proposal measures, it does not act")
        let approved = v.run(Self.t, "approveRequest", ["requestId": "tiers-5pc", "by": "raj"])
        #expect(V.rejection(approved) == nil)
        #expect(approved.contains { if case .liquidation = $0 { true } else { false } })
        #expect(v.engine.position(alice, Self.btc).size < 500)
        let tiers = v.engine.spec(Self.btc).tiers
        #expect(tiers.map(\.maintenanceRate.raw) == [5_000_000, 10_000_000] && tiers.map(\.maxLeverage) == [10, 5])
        // Deduction keeps maintenance continuous: 1,000,000 × (10% − 5%) = 50,000 USD.
        #expect(tiers[1].deduction == 50_000 * 1_000_000)
        v.expectSnapshotRoundTrip()
    }

    @Test func fieldsLeftOutKeepTheValueInForceAtApproval() throws {
        let v = Self.venue()
        #expect(V.rejection(Self.propose(v, "limit", ["positionLimit": "50"])) == nil)
        #expect(V.rejection(Self.propose(v, "oi-cap", ["openInterestCap": "400"])) == nil)
        #expect(V.rejection(v.run(Self.t, "approveRequest", ["requestId": "limit", "by": "raj"])) == nil)
        #expect(V.rejection(v.run(Self.t, "approveRequest", ["requestId": "oi-cap", "by": "raj"])) == nil)
        let limits = v.engine.riskLimits(Self.btc)
        #expect(limits.positionLimit == 50_000 && limits.openInterestCap == 400_000 && limits.maxLeverage == 50)
        #expect(v.engine.riskLimitVersions.map(\.version) == [1, 2])
        // The lower position limit binds new risk: 49.6 more on top of 0.5 is above 50.
        let refused = DelistingTests.order(v, "alice", "buy", "50000", "49.6")
        #expect(V.rejection(refused)?.code == .positionLimitExceeded)
        v.expectSnapshotRoundTrip()
    }

    @Test func unsoundLimitsAreRefusedNamingTheFigureAndChangeNothing() throws {
        let v = Self.venue()
        let before = v.engine.stateHash()
        let cases: [([String: Any], RejectCode, String)] = [
            (["tiers": "250000:0.005:50;50000:0.004:50"], .invalidRiskLimits, "tier 2: notional caps must ascend"),
            (["tiers": "50000:0.03:50"], .invalidRiskLimits, "rate × leverage must stay below 1"),
            (["tiers": "50000:0.004:50;250000:0.003:50"], .invalidRiskLimits, "maintenance rates must not fall"),
            (["maxLeverage": 0], .invalidRiskLimits, "maxLeverage must be 1 to 125"),
            (["maxLeverage": 500], .invalidRiskLimits, "maxLeverage must be 1 to 125"),
            (["positionLimit": "0"], .invalidRiskLimits, "positionLimit must be a positive multiple of the lot"),
            (["positionLimit": "1.0005"], .quantityOffLot, "positionLimit"),
            (["tiers": "50000:0.004"], .invalidRiskLimits, "notionalCap:maintenanceRate:maxLeverage"),
            ([:], .invalidRiskLimits, "at least one of maxLeverage, positionLimit, openInterestCap, tiers"),
            (["symbol": "BTC-USD", "maxLeverage": 5], .notPerpetual, "spot market"),
        ]
        for (n, (fields, code, text)) in cases.enumerated() {
            let refused = try #require(V.rejection(Self.propose(v, "bad-\(n)", fields)), "\(fields)")
            #expect(refused.code == code && refused.message.contains(text), "\(fields): \(refused.code) \(refused.message)")
        }
        #expect(v.engine.pendingRequests.isEmpty && v.engine.riskLimitVersion(Self.btc) == 0)
        // Refused commands (at the time of the last one) leave the state exactly as it was.
        #expect(v.engine.spec(Self.btc) == v.engine.config.instruments[0])
        #expect(v.engine.stateHash() == before)
    }

    @Test func theCommandRoundTripsThroughTheJournalAndReplayEncodings() throws {
        let v = Self.venue()
        let change = RiskLimitChange(maxLeverage: 40, positionLimit: 80_000, openInterestCap: nil,
                                     tiers: [.init(notionalCap: 50_000_000_000, maintenanceRate: 400_000, maxLeverage: 40),
                                             .init(notionalCap: 250_000_000_000, maintenanceRate: 500_000, maxLeverage: 40)])
        let command = Command.compliance(.propose(requestId: "rt-1", by: "rita", reason: "review", change: .riskLimits(instrument: Self.btc, change: change)))
        #expect(try CommandCodec.decode(CommandCodec.encode(command)) == command)
        let line = CommandEncoder().encode(command, timestamp: Self.t, engine: v.engine)
        #expect(line.contains(#""type":"proposeRiskParameters""#) && line.contains(#""tiers":"50000:0.004:40;250000:0.005:40""#), "\(line)")
        #expect(!line.contains("openInterestCap"), "a field left out stays out")
        let (_, decoded) = try v.decoder.decode(line: line, engine: v.engine)
        #expect(decoded == command)
        // Pending, the request is in the snapshot; restored, it approves the same way.
        v.engine.apply(command, timestamp: Self.t)
        let restored = try Engine(snapshot: v.engine.snapshot(), config: v.engine.config)
        #expect(restored.stateHash() == v.engine.stateHash())
        let approve = Command.compliance(.approve(requestId: "rt-1", by: "raj"))
        v.engine.apply(approve, timestamp: Self.t)
        restored.apply(approve, timestamp: Self.t)
        #expect(restored.stateHash() == v.engine.stateHash() && restored.spec(Self.btc).maxLeverage == 40)
    }
}
