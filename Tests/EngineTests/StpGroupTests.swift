import Foundation
import HarbourCore
import Testing
@testable import Engine

/// PERP-3: the accounts of one beneficial owner, and an affiliated market maker with the
/// platform's house accounts, form one self-trade-prevention group — set by the approvals
/// that establish the relation, moving resting orders with their accounts, never split.
@Suite struct StpGroupTests {
    typealias V = FinancingVenue
    static let t = V.t0 + 10_000

    /// A corporation classified by maker maya and checker chen with `owners`, knowledge and
    /// both contracts' disclosures, and 100,000 USD.
    static func corporate(_ v: V, _ who: String, owners: String) -> [Event] {
        v.run(t, "recordEvidence", ["by": "maya", "account": who, "evidenceKind": "securities", "amount": "8000000.00", "currency": "HKD",
                                   "asOf": t, "source": "custodian statement"])
        v.run(t, "proposeClassification", ["requestId": "pi-" + who, "by": "maya", "account": who, "investorKind": "corporation",
                                           "beneficialOwners": owners, "reason": "evidenced"])
        let approved = v.run(t, "approveRequest", ["requestId": "pi-" + who, "by": "chen"])
        eligible(v, who)
        return approved
    }

    static func eligible(_ v: V, _ who: String) {
        v.run(t, "recordKnowledgeAssessment", ["by": "maya", "account": who, "method": "training", "reference": "course"])
        for symbol in ["BTC-PERP", "ETH-PERP"] { v.run(t, "acknowledgeDisclosure", ["account": who, "symbol": symbol, "version": 1]) }
        v.run(t, "deposit", ["account": who, "asset": "USD", "amount": "100000"])
    }

    static func order(_ v: V, _ who: String, _ side: String, _ price: String, tif: String = "GTC") -> [Event] {
        v.run(t, "placeOrder", ["account": who, "symbol": "BTC-PERP", "side": side, "orderType": "limit", "timeInForce": tif,
                                    "price": price, "qty": "0.1"])
    }

    static func trades(_ events: [Event]) -> Int { events.filter { if case .trade = $0 { true } else { false } }.count }

    static func merged(_ events: [Event]) -> (UInt32, [AccountID], String)? {
        for e in events { if case let .compliance(.stpGroupMerged(g, a, r)) = e { return (g, a, r) } }
        return nil
    }

    static func venue() -> V {
        let v = V()
        for who in ["owner-b", "owner-a", "stranger"] { v.run(V.t0, "openAccount", ["account": who]) }
        v.index(V.t0 + 1000, "60000")
        v.run(V.t0 + 1000, "markPrice", ["symbol": "BTC-PERP", "price": "60000"])
        return v
    }

    @Test func accountsSharingABeneficialOwnerNeverTradeWithEachOther() throws {
        let v = Self.venue()
        let b = try #require(v.engine.accountID(named: "owner-b")), a = try #require(v.engine.accountID(named: "owner-a"))
        #expect(v.engine.group(of: a) != v.engine.group(of: b))
        // owner-a, alone with its owner, keeps its group and rests a sell.
        #expect(Self.merged(Self.corporate(v, "owner-a", owners: "Ann Lee")) == nil)
        #expect(V.rejection(Self.order(v, "owner-a", "sell", "60000")) == nil)
        // owner-b names Ann Lee too: the two groups merge into owner-b's (the lower id), and
        // owner-a's resting sell moves with its account.
        let approval = Self.corporate(v, "owner-b", owners: "Bo Chan;Ann Lee")
        let (group, moved, reason) = try #require(Self.merged(approval))
        #expect(group == v.engine.group(of: b) && moved == [a] && reason == "beneficial owner")
        #expect(v.engine.group(of: a) == v.engine.group(of: b))
        let line = try #require(approval.map { EventEncoder().encode($0, seq: 1, engine: v.engine) }.first { $0.contains("\"stpGroup\"") })
        #expect(line.contains(#""accounts":["owner-a"]"#) && line.contains(#""reason":"beneficial owner""#), "\(line)")

        // owner-b's crossing buy does not trade with owner-a's sell (expire-taker by default) …
        let blocked = Self.order(v, "owner-b", "buy", "60000", tif: "IOC")
        #expect(Self.trades(blocked) == 0)
        #expect(v.engine.position(b, InstrumentID(0)).size == 0)
        // … while an unrelated PI's does.
        _ = Self.corporate(v, "stranger", owners: "Cy Wong")
        #expect(Self.trades(Self.order(v, "stranger", "buy", "60000", tif: "IOC")) == 1)
        #expect(v.engine.group(of: try #require(v.engine.accountID(named: "stranger"))) != v.engine.group(of: b))
        v.expectSnapshotRoundTrip()
    }

    @Test func anAffiliatedMarketMakerJoinsTheHouseGroup() throws {
        let v = Self.venue()
        v.run(Self.t, "openAccount", ["account": "mm"])
        v.run(Self.t, "openAccount", ["account": "house-desk", "group": "house"])
        let mm = try #require(v.engine.accountID(named: "mm")), house = try #require(v.engine.accountID(named: "house-desk"))
        for who in ["mm", "house-desk"] {
            v.run(Self.t, "proposeClassification", ["requestId": "pi-" + who, "by": "maya", "account": who, "investorKind": "institutional",
                                                    "licence": "SFC-" + who, "reason": "licensed"])
            v.run(Self.t, "approveRequest", ["requestId": "pi-" + who, "by": "chen"])
            for symbol in ["BTC-PERP", "ETH-PERP"] { v.run(Self.t, "acknowledgeDisclosure", ["account": who, "symbol": symbol, "version": 1]) }
            v.run(Self.t, "deposit", ["account": who, "asset": "USD", "amount": "100000"])
        }
        #expect(v.engine.group(of: mm) != v.engine.group(of: house))
        #expect(V.rejection(Self.order(v, "mm", "sell", "60000")) == nil)
        v.run(Self.t, "proposeMarketMaker", ["requestId": "mm-1", "by": "maya", "account": "mm", "symbol": "BTC-PERP", "maxSpreadBps": 20,
                                             "minSize": "0.5", "minPresenceBps": 5000, "reason": "affiliate"])
        let approval = v.run(Self.t, "approveRequest", ["requestId": "mm-1", "by": "chen"])
        let (_, moved, reason) = try #require(Self.merged(approval))
        #expect(reason == "affiliated market maker")
        #expect(v.engine.group(of: mm) == v.engine.group(of: house))
        #expect(moved.contains(mm) || moved.contains(house))
        #expect(Self.trades(Self.order(v, "house-desk", "buy", "60000", tif: "IOC")) == 0, "the house never trades with its market maker")
        // A house account opened later is in the same group.
        v.run(Self.t, "openAccount", ["account": "house-2", "group": "house"])
        #expect(v.engine.group(of: try #require(v.engine.accountID(named: "house-2"))) == v.engine.group(of: mm))
        v.expectSnapshotRoundTrip()
    }
}
