import Foundation
import HarbourCore
import Testing
@testable import Engine

/// Random trading with risk-limit changes approved in the middle of it (PERP-1): after every
/// command the engine's invariants hold and the ledger sums to zero; no leverage setting is
/// ever above the contract's maximum in force; after every approval nobody is left below
/// maintenance at the mark (the approving command liquidated them); and the whole stream,
/// replayed into a fresh engine, reaches the same state hash, as does a snapshot restore.
@Suite struct RiskLimitPropertyTests {
    typealias V = FinancingVenue
    static let traders = (0..<6).map { "t\($0)" }
    static let tierTables = ["50000:0.004:50;250000:0.005:50;3000000:0.01:50;15000000:0.025:20",
                             "10000:0.01:40;100000:0.02:25;1000000:0.04:10",
                             "1000000:0.05:10;5000000:0.1:5",
                             "50000:0.002:100;250000:0.008:50"]

    /// One stream; returns the lines it ran and the final state hash.
    static func run(seed: UInt64, commands: Int) -> (lines: [(Int64, String, [String: Any])], hash: String) {
        var rng = SplitMix(state: seed)
        let v = V()
        var lines: [(Int64, String, [String: Any])] = []
        var ts = V.t0
        @discardableResult
        func send(_ type: String, _ fields: [String: Any]) -> [Event] {
            lines.append((ts, type, fields))
            return v.run(ts, type, fields)
        }
        for who in traders {
            send("openAccount", ["account": who])
            for (t, f) in professionalLines(who) { send(t, f) }
            send("deposit", ["account": who, "asset": "USD", "amount": Bool.random(using: &rng) ? "2000" : "200000"])
        }
        var mark: Int64 = 500_000
        send("markPrice", ["symbol": "BTC-PERP", "price": "50000"])
        var approvals = 0
        for n in 0..<commands {
            ts += Int64.random(in: 0...500, using: &rng)
            let who = traders.randomElement(using: &rng)!
            let roll = Int.random(in: 0..<100, using: &rng)
            var approved = false
            switch roll {
            case 0..<55:
                let price = mark + Int64.random(in: -100...100, using: &rng) * 10
                let qty = FixedDecimal.format(Int64.random(in: 1...400, using: &rng), scale: DecimalScale(3))
                send("placeOrder", ["account": who, "symbol": "BTC-PERP", "side": Bool.random(using: &rng) ? "buy" : "sell",
                                    "orderType": "limit", "timeInForce": Bool.random(using: &rng) ? "GTC" : "IOC",
                                    "price": FixedDecimal.format(price, scale: DecimalScale(1)), "qty": qty])
            case 55..<65:
                send("cancelAll", ["account": who])
            case 65..<80:
                mark = max(400_000, min(600_000, mark + Int64.random(in: -40...40, using: &rng) * 50))
                send("markPrice", ["symbol": "BTC-PERP", "price": FixedDecimal.format(mark, scale: DecimalScale(1))])
            case 80..<92:
                send("setLeverage", ["account": who, "symbol": "BTC-PERP", "leverage": Int.random(in: 1...60, using: &rng)])
            default:
                var fields: [String: Any] = ["requestId": "r\(n)", "by": "rita", "symbol": "BTC-PERP", "reason": "property"]
                if Bool.random(using: &rng) { fields["maxLeverage"] = Int.random(in: 3...60, using: &rng) }
                if Bool.random(using: &rng) { fields["tiers"] = tierTables.randomElement(using: &rng)! }
                if Int.random(in: 0..<3, using: &rng) == 0 { fields["positionLimit"] = String(Int.random(in: 1...500, using: &rng)) }
                if fields.count == 4 { fields["openInterestCap"] = String(Int.random(in: 0...5000, using: &rng)) }
                if V.rejection(send("proposeRiskParameters", fields)) == nil {
                    approved = V.rejection(send("approveRequest", ["requestId": "r\(n)", "by": "raj"])) == nil
                    if approved { approvals += 1 }
                }
            }
            #expect(v.engine.ledger.sum == 0, "seed \(seed) command \(n)")
            let spec = v.engine.spec(DelistingTests.btc)
            for who in traders {
                let id = v.engine.accountID(named: who)!
                #expect(v.engine.position(id, DelistingTests.btc).leverage <= spec.maxLeverage, "seed \(seed) command \(n): \(who)")
                if approved {
                    #expect(!v.engine.accountBelowMaintenance(id.index), "seed \(seed) command \(n): \(who) left below maintenance after approval")
                }
            }
        }
        #expect(approvals >= 3, "seed \(seed): only \(approvals) changes approved; the stream tests too little")
        let trades = v.all.filter { if case .trade = $0 { true } else { false } }.count
        let liquidations = v.all.filter { if case .liquidation = $0 { true } else { false } }.count
        let lowered = v.all.filter { if case .leverage = $0 { true } else { false } }.count
        print("risk-limit property seed \(seed): \(approvals) changes approved, \(trades) trades, \(liquidations) liquidation events, \(lowered) leverage events")
        #expect(trades >= 50, "seed \(seed): the stream traded too little to test anything")
        v.expectSnapshotRoundTrip()
        return (lines, v.engine.stateHash())
    }

    /// The onboarding replay lines of `FinancingVenue.professional` and `DelistingTests.trader`.
    static func professionalLines(_ who: String) -> [(String, [String: Any])] {
        [("recordEvidence", ["by": "maya", "account": who, "evidenceKind": "securities", "amount": "8000000.00", "currency": "HKD",
                             "asOf": V.t0, "source": "custodian statement"]),
         ("proposeClassification", ["requestId": "pi-" + who, "by": "maya", "account": who, "investorKind": "individual", "reason": "evidenced"]),
         ("approveRequest", ["requestId": "pi-" + who, "by": "chen"]),
         ("recordKnowledgeAssessment", ["by": "maya", "account": who, "method": "training", "reference": "course"]),
         ("acknowledgeDisclosure", ["account": who, "symbol": "BTC-PERP", "version": 1])]
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func limitsChangedUnderTradingKeepEveryInvariantAndReplayExactly(seed: UInt64) {
        let (lines, hash) = Self.run(seed: seed, commands: 1_500)
        let fresh = V()
        for (ts, type, fields) in lines { fresh.run(ts, type, fields) }
        #expect(fresh.engine.stateHash() == hash, "seed \(seed): replaying the stream reaches another state")
    }
}
