import Foundation
import HarbourCore
import Testing
@testable import Engine

/// PERP-6 delisting: only from cancel-only, by a maker and a different checker; at
/// approval every order is cancelled, every position closed at the mark with no fee
/// (exact realised PnL, ledger and positions pool at zero), and the contract never trades
/// or re-enables again.
@Suite struct DelistingTests {
    typealias V = FinancingVenue
    static let t = V.t0 + 10_000
    static let btc = InstrumentID(0)

    static func trader(_ v: V, _ who: String) {
        v.run(V.t0, "openAccount", ["account": who])
        v.professional(who)
        v.run(V.t0, "recordKnowledgeAssessment", ["by": "maya", "account": who, "method": "training", "reference": "course"])
        for symbol in ["BTC-PERP", "ETH-PERP"] { v.run(V.t0, "acknowledgeDisclosure", ["account": who, "symbol": symbol, "version": 1]) }
        v.run(V.t0, "deposit", ["account": who, "asset": "USD", "amount": "100000"])
    }

    static func order(_ v: V, _ who: String, _ side: String, _ price: String, _ qty: String, tif: String = "GTC", at ts: Int64 = t) -> [Event] {
        v.run(ts, "placeOrder", ["account": who, "symbol": "BTC-PERP", "side": side, "orderType": "limit", "timeInForce": tif,
                                 "price": price, "qty": qty])
    }

    /// alice long 0.5 and bob short 0.5 at 50,000 (alice pays the maker fee, bob the taker
    /// fee); carol rests a buy; the mark then moves to 52,000.
    static func venue() -> V {
        let v = V()
        for who in ["alice", "bob", "carol"] { trader(v, who) }
        v.run(t, "markPrice", ["symbol": "BTC-PERP", "price": "50000"])
        #expect(V.rejection(order(v, "alice", "buy", "50000", "0.5")) == nil)
        #expect(V.rejection(order(v, "bob", "sell", "50000", "0.5", tif: "IOC")) == nil)
        #expect(V.rejection(order(v, "carol", "buy", "49000", "0.1")) == nil)
        v.run(t, "markPrice", ["symbol": "BTC-PERP", "price": "52000"])
        return v
    }

    static func propose(_ v: V, by: String = "maya") -> [Event] {
        v.run(t, "proposeDelisting", ["requestId": "delist-btc", "by": by, "symbol": "BTC-PERP", "reason": "reference market closed"])
    }

    @Test func aLiveContractIsNotDelistedUntilItIsCancelOnly() throws {
        let v = Self.venue()
        let refused = try #require(V.rejection(Self.propose(v)))
        #expect(refused.code == .productNotApproved)
        #expect(refused.message.contains("only a cancel-only contract is delisted"))
        #expect(v.engine.productLifecycle(Self.btc).stage == .enabled)
    }

    @Test func approvalSettlesEveryPositionAtTheMarkAndEndsTheContract() throws {
        let v = Self.venue()
        let alice = try #require(v.engine.accountID(named: "alice")), bob = try #require(v.engine.accountID(named: "bob"))
        v.run(Self.t, "setInstrumentStatus", ["symbol": "BTC-PERP", "status": "cancelOnly"])
        let proposed = Self.propose(v)
        #expect(V.rejection(proposed) == nil)
        let findings = proposed.compactMap { if case let .compliance(.requestProposed(_, _, _, _, f)) = $0 { f } else { nil } }.first
        #expect(findings?.first?.contains("2 open position(s) settled at the mark (now 52000)") == true, "\(String(describing: findings))")
        // Four-eyes: the maker cannot approve.
        #expect(V.rejection(v.run(Self.t, "approveRequest", ["requestId": "delist-btc", "by": "maya"]))?.code == .sameMakerAndChecker)

        let aliceCash = v.engine.cash(alice), bobCash = v.engine.cash(bob)
        let approved = v.run(Self.t, "approveRequest", ["requestId": "delist-btc", "by": "chen"])
        #expect(V.rejection(approved) == nil)
        let settlements = approved.compactMap { if case let .compliance(.finalSettlement(a, _, size, price)) = $0 { (a, size, price) } else { nil } }
        #expect(settlements.count == 2)
        #expect(settlements.allSatisfy { $0.2 == v.engine.marks[0] && $0.2 == 520_000 }, "price at the mark, 52,000 at one decimal")
        #expect(Set(settlements.map { $0.1 }) == [500, -500], "signed sizes as they were (0.5 at three decimals)")
        // 0.5 × (52,000 − 50,000) = 1,000 USD to alice, from bob; no fee.
        #expect(v.engine.cash(alice) - aliceCash == 1_000_000_000)
        #expect(v.engine.cash(bob) - bobCash == -1_000_000_000)
        #expect(v.engine.position(alice, Self.btc).size == 0 && v.engine.position(bob, Self.btc).size == 0)
        // carol's resting buy was cancelled as DELISTED.
        #expect(approved.contains { if case let .canceled(end) = $0 { end.reason == "DELISTED" } else { false } })
        #expect(v.engine.productLifecycle(Self.btc).stage == .delisted)
        #expect(approved.contains { if case .compliance(.productStage(_, .delisted, "chen")) = $0 { true } else { false } })

        // Nothing trades or re-enables again; the other contract is untouched.
        #expect(V.rejection(Self.order(v, "carol", "buy", "52000", "0.1")) != nil)
        #expect(V.rejection(v.run(Self.t, "setInstrumentStatus", ["symbol": "BTC-PERP", "status": "enabled"]))?.code == .productNotApproved)
        #expect(v.engine.productLifecycle(InstrumentID(1)).stage == .enabled)
        v.expectSnapshotRoundTrip()
    }

    @Test func theProposalIsCheckedAgainAtApproval() throws {
        let v = Self.venue()
        v.run(Self.t, "setInstrumentStatus", ["symbol": "BTC-PERP", "status": "cancelOnly"])
        #expect(V.rejection(Self.propose(v)) == nil)
        v.run(Self.t, "setInstrumentStatus", ["symbol": "BTC-PERP", "status": "enabled"])
        let refused = try #require(V.rejection(v.run(Self.t, "approveRequest", ["requestId": "delist-btc", "by": "chen"])))
        #expect(refused.code == .productNotApproved && refused.message.contains("(at approval; the request stays pending)"))
        #expect(v.engine.position(try #require(v.engine.accountID(named: "alice")), Self.btc).size == 500)
    }
}
