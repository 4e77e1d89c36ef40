import Engine
import Foundation
import Gateway
import HarbourCore
import HummingbirdTesting
import HummingbirdWSTesting
import Testing

/// RISK-4 / RISK-6 on the API: the insurance fund (public; topped up by operators), a
/// client's own liquidations and ADL rank, the risk team's alerts and stress tests, and
/// the `risk` WebSocket channel.
@Suite("Risk routes", .timeLimit(.minutes(1))) struct RiskRoutesTests {
    static let btc = InstrumentID(0)

    @Test("the risk team tops up the insurance fund; clients, market makers, operations and the supervisor may not; bad amounts change nothing; the fund is public")
    func insuranceTopUp() async throws {
        try await TestVenue.withLive { v, client in
            let empty = try await v.send(client, .get, "/v1/insurance-fund")
            #expect(empty.status == 200, "\(empty.text)")
            #expect(empty.object["balance"] as? String == "0" && empty.object["asset"] as? String == "USD")
            let path = "/v1/admin/insurance-fund/deposits"
            let good = #"{"asset":"USD","amount":"2500.5"}"#
            typealias A = AuthAndValidationTests
            try await A.refused(v, 403, "FORBIDDEN_ROLE") { try await v.send(client, .post, path, key: v.alice, body: good) }
            try await A.refused(v, 403, "INFORMATION_BARRIER") { try await v.send(client, .post, path, key: v.mm, body: good) }
            try await A.refused(v, 403, "FORBIDDEN_ROLE") { try await v.send(client, .post, path, key: v.op, body: good) }
            try await A.refused(v, 403, "FORBIDDEN_ROLE") { try await v.send(client, .post, path, key: v.compliance, body: good) }
            try await A.refused(v, 403, "FORBIDDEN_ROLE") { try await v.send(client, .post, path, key: v.supervisor, body: good) }
            try await A.refused(v, 401, "MISSING_AUTH") { try await v.send(client, .post, path, body: good) }
            try await A.refused(v, 400, "INVALID_FIELD") {
                try await v.send(client, .post, path, key: v.risk, body: #"{"asset":"USD","amount":2500.5}"#)
            }
            try await A.refused(v, 400, "MISSING_FIELD") { try await v.send(client, .post, path, key: v.risk, body: #"{"asset":"USD"}"#) }
            try await A.refused(v, 400, "UNKNOWN_FIELD") {
                try await v.send(client, .post, path, key: v.risk, body: #"{"asset":"USD","amount":"1","account":"alice"}"#)
            }
            try await A.refused(v, 400, "INVALID_FIELD") {
                try await v.send(client, .post, path, key: v.risk, body: #"{"asset":"USD","amount":"lots"}"#)
            }
            try await A.refused(v, 422, "INVALID_AMOUNT") {
                try await v.send(client, .post, path, key: v.risk, body: #"{"asset":"USD","amount":"1.0000001"}"#)
            }
            try await A.refused(v, 422, "INVALID_AMOUNT") { try await v.send(client, .post, path, key: v.risk, body: #"{"asset":"USD","amount":"0"}"#) }
            try await A.refused(v, 422, "INVALID_AMOUNT") { try await v.send(client, .post, path, key: v.risk, body: #"{"asset":"USD","amount":"-5"}"#) }
            try await A.refused(v, 422, "UNKNOWN_ASSET") { try await v.send(client, .post, path, key: v.risk, body: #"{"asset":"BTC","amount":"5"}"#) }
            #expect(try await v.send(client, .get, "/v1/insurance-fund").object["balance"] as? String == "0")

            let topUp = try await v.send(client, .post, path, key: v.risk, body: good)
            #expect(topUp.status == 200, "\(topUp.text)")
            let events = topUp.object["events"] as? [[String: Any]] ?? []
            #expect(events.contains { $0["type"] as? String == "insuranceFund" && $0["balance"] as? String == "2500.5" })
            #expect(events.contains { $0["type"] as? String == "posting" && $0["reason"] as? String == "insuranceTopUp" })
            let fund = try await v.send(client, .get, "/v1/insurance-fund")
            #expect(fund.object["balance"] as? String == "2500.5")
            #expect(fund.object["sequence"] as? Int == topUp.object["sequence"] as? Int)
            // Client money did not move: the top-up comes from outside the venue.
            let bal = try await v.send(client, .get, "/v1/balances", key: v.alice)
            #expect(bal.object["cash"] as? String == "1000000")
        }
    }

    /// Opens "lev" unless it exists, funds it (1100 USD), long 0.2 BTC at 50000 bought from mm, a 500 USD fund, then
    /// a gap down to 44000 with mm bidding 43900: liquidated, the fund pays 122.
    /// Returns lev's key and the sequence of the crash.
    static func forceLiquidation(_ v: TestVenue, _ client: any TestClientProtocol) async throws -> (ApiKey, UInt64) {
        if try await v.host.read({ $0.accountID(named: "lev") }) == nil {
            let open = try await v.send(client, .post, "/v1/admin/accounts", key: v.op, body: #"{"account":"lev"}"#)
            #expect(open.status == 200, "\(open.text)")
        }
        let lev0 = try await v.host.read { $0.accountID(named: "lev")! }
        if try await v.host.read({ $0.complianceRecord(lev0)?.classification == nil }) { try await v.host.onboardIndividual("lev") }
        let dep = try await v.send(client, .post, "/v1/admin/deposits", key: v.op, body: #"{"account":"lev","asset":"USD","amount":"1100"}"#)
        #expect(dep.status == 200, "\(dep.text)")
        let lev = try v.keys.create(role: .client, account: "lev", permissions: [.read, .trade])
        let bid = try await v.send(client, .post, "/v1/orders", key: lev, body: limitOrder("buy", price: "50000", qty: "0.2"))
        #expect(bid.status == 200, "\(bid.text)")
        let fill = try await v.send(client, .post, "/v1/orders", key: v.mm, body: limitOrder("sell", price: "50000", qty: "0.2"))
        #expect(fill.object["status"] as? String == "filled", "\(fill.text)")
        let fund = try await v.send(client, .post, "/v1/admin/insurance-fund/deposits", key: v.risk, body: #"{"asset":"USD","amount":"500"}"#)
        #expect(fund.status == 200, "\(fund.text)")
        _ = try await v.host.submit(.markPrice(instrument: btc, price: 450_000))
        let support = try await v.send(client, .post, "/v1/orders", key: v.mm, body: limitOrder("buy", price: "43900", qty: "0.2"))
        #expect(support.status == 200, "\(support.text)")
        let crash = try await v.host.submit(.markPrice(instrument: btc, price: 440_000))
        #expect(crash.events.contains { if case .liquidation = $0 { return true } else { return false } })
        return (lev, crash.sequence)
    }

    @Test("after a forced liquidation the client reads its own steps and payout; others see nothing of it; the fund paid")
    func liquidationsAfterACrash() async throws {
        try await TestVenue.withLiveReadModel { v, client, feed in
            let (lev, crash) = try await Self.forceLiquidation(v, client)
            try await feed.catchUp(through: crash)
            let mine = try await v.send(client, .get, "/v1/liquidations", key: lev)
            #expect(mine.status == 200, "\(mine.text)")
            #expect(mine.array.map { $0["type"] as? String } == ["insurancePayout", "liquidation"])
            let payout = mine.array[0], step = mine.array[1]
            #expect(payout["amount"] as? String == "122")
            #expect(step["symbol"] as? String == "BTC-PERP" && step["size"] as? String == "0.2")
            #expect(step["markPrice"] as? String == "44000" && step["stage"] as? String == "full")
            #expect(step["equity"] is String && step["maintenanceMargin"] is String)
            #expect(step["sequence"] as? Int == Int(crash) && payout["sequence"] as? Int == Int(crash))
            // Filters and paging use the history parameters.
            let bySymbol = try await v.send(client, .get, "/v1/liquidations?symbol=BTC-PERP&limit=5", key: lev)
            #expect(bySymbol.array.map { $0["type"] as? String } == ["liquidation"])
            #expect(try await v.send(client, .get, "/v1/liquidations?limit=1", key: lev).array.count == 1)
            // Nobody else's liquidation is anyone's business.
            #expect(try await v.send(client, .get, "/v1/liquidations", key: v.alice).array.isEmpty)
            #expect(try await v.send(client, .get, "/v1/liquidations", key: v.mm).array.isEmpty)
            let asOperator = try await v.send(client, .get, "/v1/liquidations", key: v.op)
            #expect(asOperator.status == 403 && asOperator.code == "FORBIDDEN_ROLE")
            #expect(try await v.send(client, .get, "/v1/liquidations?account=lev", key: v.alice).code == "UNKNOWN_PARAMETER")
            // The fund: 500 top-up − 122 payout, from the engine's ledger.
            #expect(try await v.send(client, .get, "/v1/insurance-fund").object["balance"] as? String == "378")
            #expect(try feed.store.insuranceFundBalance() == "378")
            let positions = try await v.send(client, .get, "/v1/positions", key: lev)
            #expect(positions.array.allSatisfy { $0["size"] as? String == "0" })
        }
    }

    @Test("a position shows its published ADL rank from the read model, null when none is published")
    func adlRankOnPositions() async throws {
        try await TestVenue.withLiveReadModel { v, client, feed in
            _ = try await v.send(client, .post, "/v1/orders", key: v.bob, body: limitOrder("sell", price: "50000", qty: "0.1"))
            let take = try await v.send(client, .post, "/v1/orders", key: v.alice, body: limitOrder("buy", price: "50000", qty: "0.1"))
            #expect(take.object["status"] as? String == "filled")
            let last = try await v.lastSequence()
            try await feed.catchUp(through: last)
            let alice = try await v.host.read { $0.accountID(named: "alice")! }
            try feed.inject([try await v.encode(.adlRank(account: alice, instrument: Self.btc, rank: 4), seq: last + 1)], after: last)
            let mine = try await v.send(client, .get, "/v1/positions", key: v.alice)
            let btc = try #require(mine.array.first { $0["symbol"] as? String == "BTC-PERP" })
            #expect(btc["adlRank"] as? Int == 4)
            let bobs = try await v.send(client, .get, "/v1/positions?symbol=BTC-PERP", key: v.bob)
            #expect(bobs.array.first?["adlRank"] is NSNull)
        }
    }

    /// Three alerts (volatility raised then cleared, concentration raised on alice, an
    /// insurance-coverage scenario) and two stress results, as the risk sweep publishes them.
    static func publishRiskSweep(_ v: TestVenue, _ feed: ReadModelFeed) async throws {
        func rate(_ t: String) -> Rate { try! Rate(t) }
        let alice = try await v.host.read { $0.accountID(named: "alice")! }
        let vol = RiskAlert(raised: true, instrument: btc, account: nil, threshold: rate("0.02"), value: rate("0.03"),
                            evidence: .volatility(volatility: rate("0.03"), addOn: rate("0.01"), samples: 12))
        let volCleared = RiskAlert(raised: false, instrument: btc, account: nil, threshold: rate("0.02"), value: rate("0.01"),
                                   evidence: .volatility(volatility: rate("0.01"), addOn: rate("0"), samples: 13))
        let conc = RiskAlert(raised: true, instrument: btc, account: alice, threshold: rate("0.2"), value: rate("0.5"),
                             evidence: .concentration(position: 100, openInterest: 200))
        let cover = RiskAlert(raised: true, instrument: nil, account: nil, threshold: rate("1"), value: rate("3"),
                              evidence: .insuranceCoverage(shock: rate("-0.5"), shortfall: 3_000_000_000, insuranceFund: 1_000_000_000,
                                                           accountsInShortfall: 2))
        let events: [Event] = [
            .riskAlert(vol), .riskAlert(conc), .riskAlert(cover), .riskAlert(volCleared),
            .stressTest(StressTestResult(shock: rate("-0.3"), shortfall: 0, insuranceFund: 1_000_000_000, accountsInShortfall: 0)),
            .stressTest(StressTestResult(shock: rate("-0.5"), shortfall: 3_000_000_000, insuranceFund: 1_000_000_000, accountsInShortfall: 2)),
            .riskMetrics(RiskMetrics(instrument: btc, volatility: rate("0.01"), marginAddOn: rate("0"), openInterest: 100, samples: 13)),
        ]
        let last = try await v.lastSequence()
        try await feed.catchUp(through: last)
        var lines: [String] = []
        for e in events { lines.append(try await v.encode(e, seq: last + 1)) }
        try feed.inject(lines, after: last)
    }

    @Test("risk alerts and stress tests are for risk and supervisor keys; clients, operations and compliance are refused, market makers at the barrier; filters work")
    func riskTeamReads() async throws {
        try await TestVenue.withLiveReadModel { v, client, feed in
            try await Self.publishRiskSweep(v, feed)
            typealias A = AuthAndValidationTests
            for key in [v.alice, v.op, v.compliance] {
                try await A.refused(v, 403, "FORBIDDEN_ROLE") { try await v.send(client, .get, "/v1/risk/alerts", key: key) }
                try await A.refused(v, 403, "FORBIDDEN_ROLE") { try await v.send(client, .get, "/v1/risk/stress", key: key) }
            }
            try await A.refused(v, 403, "INFORMATION_BARRIER") { try await v.send(client, .get, "/v1/risk/alerts", key: v.mm) }
            try await A.refused(v, 403, "INFORMATION_BARRIER") { try await v.send(client, .get, "/v1/risk/stress", key: v.mm) }
            try await A.refused(v, 401, "MISSING_AUTH") { try await v.send(client, .get, "/v1/risk/alerts") }

            let all = try await v.send(client, .get, "/v1/risk/alerts", key: v.supervisor)
            #expect(all.status == 200, "\(all.text)")
            #expect(all.array.map { $0["state"] as? String } == ["cleared", "raised", "raised", "raised"])
            let active = try await v.send(client, .get, "/v1/risk/alerts?active=true", key: v.risk)
            #expect(active.array.map { $0["kind"] as? String } == ["insuranceCoverage", "concentration"])
            let cover = active.array[0], conc = active.array[1]
            #expect(cover["scenario"] as? String == "-0.5" && cover["shortfall"] as? String == "3000")
            #expect(cover["insuranceFund"] as? String == "1000" && cover["accountsInShortfall"] as? Int == 2)
            #expect(cover["symbol"] == nil && cover["account"] == nil)
            #expect(conc["account"] as? String == "alice" && conc["symbol"] as? String == "BTC-PERP")
            #expect(conc["position"] as? String == "0.1" && conc["openInterest"] as? String == "0.2")
            #expect(conc["threshold"] as? String == "0.2" && conc["value"] as? String == "0.5")
            let vol = try await v.send(client, .get, "/v1/risk/alerts?kind=volatility&symbol=BTC-PERP&limit=1", key: v.supervisor)
            #expect(vol.array.count == 1 && vol.array.first?["state"] as? String == "cleared")
            #expect(vol.array.first?["volatility"] as? String == "0.01" && vol.array.first?["samples"] as? Int == 13)
            #expect(try await v.send(client, .get, "/v1/risk/alerts?active=true&kind=volatility", key: v.risk).array.isEmpty)
            try await A.refused(v, 400, "INVALID_PARAMETER") { try await v.send(client, .get, "/v1/risk/alerts?kind=weather", key: v.risk) }
            try await A.refused(v, 400, "INVALID_PARAMETER") { try await v.send(client, .get, "/v1/risk/alerts?active=yes", key: v.risk) }
            try await A.refused(v, 404, "UNKNOWN_SYMBOL") { try await v.send(client, .get, "/v1/risk/alerts?symbol=DOGE-PERP", key: v.risk) }

            let stress = try await v.send(client, .get, "/v1/risk/stress", key: v.supervisor)
            #expect(stress.status == 200, "\(stress.text)")
            #expect(stress.array.map { $0["scenario"] as? String } == ["-0.3", "-0.5"])
            #expect(stress.array[1]["uncovered"] as? String == "2000" && stress.array[1]["insuranceFund"] as? String == "1000")

            // Risk metrics are public.
            let metrics = try await v.send(client, .get, "/v1/risk/metrics")
            #expect(metrics.status == 200, "\(metrics.text)")
            #expect(metrics.array.first?["symbol"] as? String == "BTC-PERP" && metrics.array.first?["openInterest"] as? String == "0.1")
            #expect(metrics.array.first?["volatility"] as? String == "0.01")
            #expect(try await v.send(client, .get, "/v1/risk/metrics?symbol=ETH-PERP").array.isEmpty)
        }
    }

    @Test("a FIN-3 financing control breach is an alert of kind financingControl in the history: active until cleared, with its code, subject and figures")
    func financingBreachesAreInTheAlertHistory() async throws {
        try await TestVenue.withLiveReadModel { v, client, feed in
            let last = try await v.lastSequence()
            try await feed.catchUp(through: last)
            let raised = Event.financing(.controlBreach(code: "COLLATERAL_CONCENTRATION_EXCEEDED", subject: "VA-MAJORS",
                                                        message: "is 7920000 USD of 12920000 USD pledged", raised: true,
                                                        value: 7_920_000_000_000, limit: 7_752_000_000_000))
            try feed.inject([try await v.encode(raised, seq: last + 1)], after: last)
            let active = try await v.send(client, .get, "/v1/risk/alerts?active=true&kind=financingControl", key: v.risk)
            #expect(active.status == 200, "\(active.text)")
            try #require(active.array.count == 1, "\(active.text)")
            let alert = active.array[0]
            #expect(alert["kind"] as? String == "financingControl" && alert["state"] as? String == "raised")
            #expect(alert["code"] as? String == "COLLATERAL_CONCENTRATION_EXCEEDED" && alert["subject"] as? String == "VA-MAJORS")
            #expect(alert["value"] as? String == "7920000" && alert["threshold"] as? String == "7752000")
            #expect((alert["message"] as? String)?.contains("12920000 USD pledged") == true)
            let cleared = Event.financing(.controlBreach(code: "COLLATERAL_CONCENTRATION_EXCEEDED", subject: "VA-MAJORS",
                                                         message: "is 7920000 USD of 12920000 USD pledged", raised: false,
                                                         value: 7_920_000_000_000, limit: 7_752_000_000_000))
            try await feed.catchUp(through: last + 1)
            try feed.inject([try await v.encode(cleared, seq: last + 2)], after: last + 1)
            #expect(try await v.send(client, .get, "/v1/risk/alerts?active=true", key: v.risk).array.isEmpty)
            let history = try await v.send(client, .get, "/v1/risk/alerts?kind=financingControl", key: v.supervisor)
            #expect(history.array.map { $0["state"] as? String } == ["cleared", "raised"], "\(history.text)")
        }
    }

    @Test("without a read model the risk team's routes say so instead of answering 'no alerts'")
    func riskReadsNeedTheReadModel() async throws {
        try await TestVenue.withLive { v, client in
            let r = try await v.send(client, .get, "/v1/risk/alerts", key: v.supervisor)
            #expect(r.status == 503 && r.code == "NOT_READY")
            #expect(try await v.send(client, .get, "/v1/risk/stress", key: v.risk).status == 503)
        }
    }

    @Test("a liquidation reaches the client's private stream; a client may not follow the risk channel")
    func liquidationOnThePrivateStream() async throws {
        try await TestVenue.withLive { v, client in
            _ = try await v.send(client, .post, "/v1/admin/accounts", key: v.op, body: #"{"account":"lev"}"#)
            let lev = try v.keys.create(role: .client, account: "lev", permissions: [.read])
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var inbox = Inbox(inbound)
                try await outbound.write(.text(#"{"op":"subscribe","channels":["risk"]}"#))
                let refusal1 = try await inbox.next({ $0["op"] as? String == "error" })
                #expect(refusal1["code"] as? String == "MISSING_AUTH")
                try await outbound.write(.text(wsAuth(lev, v.clock)))
                _ = try await inbox.next({ $0["op"] as? String == "auth" })
                try await outbound.write(.text(#"{"op":"subscribe","channels":["risk"]}"#))
                let refusal2 = try await inbox.next({ $0["op"] as? String == "error" })
                #expect(refusal2["code"] as? String == "FORBIDDEN_ROLE")
                try await outbound.write(.text(#"{"op":"subscribe","channels":["private"]}"#))
                _ = try await inbox.next({ $0["op"] as? String == "subscribed" })
                _ = try await Self.forceLiquidation(v, client)
                let step = try await inbox.next({ ($0["data"] as? [String: Any])?["type"] as? String == "liquidation" })
                #expect((step["data"] as? [String: Any])?["markPrice"] as? String == "44000")
                #expect((step["data"] as? [String: Any])?["account"] as? String == "lev")
                let paid = try await inbox.next({ ($0["data"] as? [String: Any])?["type"] as? String == "insurancePayout" })
                #expect((paid["data"] as? [String: Any])?["amount"] as? String == "122")
                // Only its own: the fund's top-up and mm's side are not on lev's stream.
                #expect(!inbox.all.joined().contains("insuranceFund") && !inbox.all.joined().contains("\"mm\""))
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test("the risk team follows liquidations and fund top-ups on the risk channel; a supervisor has no private stream")
    func liquidationOnTheRiskChannel() async throws {
        try await TestVenue.withLive { v, client in
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var inbox = Inbox(inbound)
                try await outbound.write(.text(wsAuth(v.supervisor, v.clock)))
                let ok = try await inbox.next({ $0["op"] as? String == "auth" })
                #expect(ok["success"] as? Bool == true && ok["role"] as? String == "supervisor")
                try await outbound.write(.text(#"{"op":"subscribe","channels":["private"]}"#))
                let refusal3 = try await inbox.next({ $0["op"] as? String == "error" })
                #expect(refusal3["code"] as? String == "FORBIDDEN_ROLE")
                try await outbound.write(.text(#"{"op":"order","id":1,"symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"50000","qty":"0.1"}"#))
                let refusal4 = try await inbox.next({ $0["op"] as? String == "error" })
                #expect(refusal4["code"] as? String == "FORBIDDEN_ROLE")
                try await outbound.write(.text(#"{"op":"subscribe","channels":["risk"]}"#))
                _ = try await inbox.next({ $0["op"] as? String == "subscribed" })
                let (_, crash) = try await Self.forceLiquidation(v, client)
                let seen = try await inbox.next({ ($0["data"] as? [String: Any])?["type"] as? String == "liquidation" })
                #expect(seen["channel"] as? String == "risk" && seen["sequence"] as? Int == Int(crash))
                #expect((seen["data"] as? [String: Any])?["account"] as? String == "lev")
                let payout = try await inbox.next({ ($0["data"] as? [String: Any])?["type"] as? String == "insurancePayout" })
                #expect((payout["data"] as? [String: Any])?["amount"] as? String == "122")
                let topUp = try await inbox.next({ ($0["data"] as? [String: Any])?["type"] as? String == "insuranceFund" })
                #expect((topUp["data"] as? [String: Any])?["balance"] as? String == "500")
                try await outbound.close(.normalClosure, reason: nil)
            }
            let metrics = try await v.send(client, .get, "/metrics")
            #expect(metrics.text.contains("harbour_liquidations_total 1"), "\(metrics.text)")
        }
    }
}
