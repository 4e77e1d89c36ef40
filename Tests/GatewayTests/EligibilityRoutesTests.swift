import CommandInput
import Engine
import Foundation
import HarbourCore
import HummingbirdTesting
import Testing
@testable import Gateway

/// PI-3 on every entry point with the same code, and onboarding over the compliance API
/// with four-eyes (PI-1, PI-2, REG-4).
@Suite("Eligibility on every entry point", .timeLimit(.minutes(2))) struct EligibilityRoutesTests {
    /// Opens "eve" (funded, never classified) and returns a trading key for her.
    static func retail(_ v: TestVenue) async throws -> ApiKey {
        _ = try await v.host.submit(.openAccount(name: "eve", group: nil, feeTier: nil))
        let id = try await v.host.read { $0.accountID(named: "eve")! }
        _ = try await v.host.submit(.deposit(account: id, asset: "USD", amount: 100_000 * 1_000_000))
        return try v.keys.create(role: .client, account: "eve", permissions: [.read, .trade])
    }

    @Test("a retail client is refused NOT_PROFESSIONAL_INVESTOR over REST, WebSocket, /fapi and replay, and nothing changes")
    func sameCodeEverywhere() async throws {
        try await TestVenue.withLive { v, client in
            let eve = try await Self.retail(v)
            let before = try await v.stateHash()
            let rest = try await v.send(client, .post, "/v1/orders", key: eve, body: limitOrder("buy", price: "50000", qty: "0.1"))
            #expect(rest.status == 403 && rest.code == "NOT_PROFESSIONAL_INVESTOR", "\(rest.text)")
            #expect((rest.object["message"] as? String)?.contains("/v1/account/eligibility") == true)
            // A reduce-only order is not refused for eligibility (it is refused for having nothing to reduce).
            let reduce = try await v.send(client, .post, "/v1/orders", key: eve,
                                          body: #"{"symbol":"BTC-PERP","side":"sell","orderType":"market","qty":"0.1","reduceOnly":true}"#)
            #expect(reduce.code != "NOT_PROFESSIONAL_INVESTOR", "\(reduce.text)")
            let fapi = try await v.binance(client, .post, "/fapi/v1/order", key: eve,
                                           BinanceCompatTests.order("BUY", "LIMIT", qty: "0.1", price: "50000"))
            #expect(fapi.status == 403 && fapi.binanceCode == -4087, "\(fapi.text)")
            #expect(fapi.object["harbourCode"] as? String == "NOT_PROFESSIONAL_INVESTOR")
            try await client.ws("/v1/ws") { inbound, outbound, _ in
                var inbox = Inbox(inbound)
                try await outbound.write(.text(wsAuth(eve, v.clock)))
                _ = try await inbox.next({ $0["op"] as? String == "auth" })
                try await outbound.write(.text(WebSocketOrderAuthorizationTests.wsOrder(5)))
                let reply = try await inbox.next({ $0["id"] as? Int == 5 })
                #expect(reply["code"] as? String == "NOT_PROFESSIONAL_INVESTOR", "\(reply)")
                try await outbound.close(.normalClosure, reason: nil)
            }
            let line = #"{"type":"placeOrder","ts":1,"account":"eve","symbol":"BTC-PERP","side":"buy","orderType":"limit","price":"50000","qty":"0.1"}"#
            let replayed = try await v.host.read { engine -> RejectCode? in
                let copy = try! Engine(snapshot: engine.snapshot(), config: engine.config)
                let (_, command) = try! CommandDecoder().decode(line: line, engine: copy)
                for case let .rejected(r, _, _, _) in copy.apply(command, timestamp: copy.lastTimestamp) { return r.code }
                return nil
            }
            #expect(replayed == .notProfessionalInvestor)
            #expect(try await v.stateHash() == before, "refusals changed the venue")
        }
    }

    @Test("onboarding over the compliance API: evidence, maker's proposal, a different checker, assessment, acknowledgement, then trading")
    func onboardingOverHTTP() async throws {
        try await TestVenue.withLive { v, client in
            let eve = try await Self.retail(v)
            let checker = try v.keys.create(role: .compliance, account: nil, staff: "chen", permissions: [.read, .trade])
            let asOf = v.clock.nowMillis()
            let eligibility = try await v.send(client, .get, "/v1/account/eligibility", key: eve)
            let btcRow = (eligibility.object["products"] as? [[String: Any]])?.first
            #expect(btcRow?["eligible"] as? Bool == false && btcRow?["code"] as? String == "NOT_PROFESSIONAL_INVESTOR")
            #expect((btcRow?["steps"] as? [String])?.count == 3)
            let short = try await v.send(client, .post, "/v1/compliance/evidence", key: v.compliance,
                                         body: #"{"account":"eve","evidenceKind":"securities","amount":"7999999.99","currency":"HKD","asOf":\#(asOf),"source":"custody statement"}"#)
            #expect(short.status == 200, "\(short.text)")
            let refused = try await v.send(client, .post, "/v1/compliance/classifications", key: v.compliance,
                                           body: #"{"requestId":"pi-eve","account":"eve","investorKind":"individual","reason":"statement"}"#)
            #expect(refused.status == 422 && refused.code == "INVALID_EVIDENCE", "\(refused.text)")
            #expect((refused.object["message"] as? String)?.contains("HKD 7999999.99 < HKD 8000000.00") == true)
            _ = try await v.send(client, .post, "/v1/compliance/evidence", key: v.compliance,
                                 body: #"{"account":"eve","evidenceKind":"cashAtCustodian","amount":"0.01","currency":"HKD","asOf":\#(asOf),"source":"cash"}"#)
            let proposed = try await v.send(client, .post, "/v1/compliance/classifications", key: v.compliance,
                                            body: #"{"requestId":"pi-eve","account":"eve","investorKind":"individual","reason":"statement"}"#)
            #expect(proposed.status == 200, "\(proposed.text)")
            let pending = try await v.send(client, .get, "/v1/compliance/requests", key: v.supervisor)
            #expect(pending.array.map { $0["requestId"] as? String } == ["pi-eve"])
            let own = try await v.send(client, .post, "/v1/compliance/requests/pi-eve/approve", key: v.compliance)
            #expect(own.status == 422 && own.code == "SAME_MAKER_AND_CHECKER", "\(own.text)")
            let clientTry = try await v.send(client, .post, "/v1/compliance/requests/pi-eve/approve", key: eve)
            #expect(clientTry.status == 403)
            let approved = try await v.send(client, .post, "/v1/compliance/requests/pi-eve/approve", key: checker)
            #expect(approved.status == 200, "\(approved.text)")
            let knowledge = try await v.send(client, .post, "/v1/compliance/knowledge-assessments", key: v.compliance,
                                             body: #"{"account":"eve","method":"quiz","score":14}"#)
            #expect(knowledge.status == 200, "\(knowledge.text)")
            let stillRefused = try await v.send(client, .post, "/v1/orders", key: eve, body: limitOrder("buy", price: "49000", qty: "0.1"))
            #expect(stillRefused.code == "DISCLOSURE_NOT_ACKNOWLEDGED", "\(stillRefused.text)")
            let stale = try await v.send(client, .post, "/v1/disclosures/BTC-PERP/acknowledge", key: eve, body: #"{"version":2}"#)
            #expect(stale.status == 422 && stale.code == "DISCLOSURE_VERSION_NOT_CURRENT", "\(stale.text)")
            let ack = try await v.send(client, .post, "/v1/disclosures/BTC-PERP/acknowledge", key: eve, body: #"{"version":1}"#)
            #expect(ack.status == 200, "\(ack.text)")
            let order = try await v.send(client, .post, "/v1/orders", key: eve, body: limitOrder("buy", price: "49000", qty: "0.1"))
            #expect(order.status == 200, "\(order.text)")
            let after = try await v.send(client, .get, "/v1/account/eligibility", key: eve)
            let row = (after.object["products"] as? [[String: Any]])?.first
            #expect(row?["eligible"] as? Bool == true && row?["code"] == nil)
            let record = try await v.send(client, .get, "/v1/compliance/clients/eve", key: v.supervisor)
            let classification = record.object["classification"] as? [String: Any]
            #expect(classification?["proposedBy"] as? String == "maya" && classification?["approvedBy"] as? String == "chen")
            // Operations cannot decide compliance requests (REG-4 roles).
            #expect(try await v.send(client, .post, "/v1/compliance/evidence", key: v.op, body: "{}").status == 403)
            #expect(try await v.send(client, .get, "/v1/compliance/clients/eve", key: eve).status == 403)
        }
    }

    @Test("each staff role lists the four-eyes requests it decides; compliance and the supervisor see them all")
    func requestListByRole() async throws {
        try await TestVenue.withLive { v, client in
            let withdrawal = try await v.send(client, .post, "/v1/admin/withdrawal-requests", key: v.op,
                                              body: #"{"requestId":"wd-1","account":"alice","asset":"USD","amount":"1000000","reason":"client instruction"}"#)
            #expect(withdrawal.status == 200, "\(withdrawal.text)")
            let cap = try await v.send(client, .post, "/v1/compliance/leverage-caps", key: v.compliance,
                                       body: #"{"requestId":"lc-1","account":"bob","symbol":"BTC-PERP","leverage":5,"reason":"review"}"#)
            #expect(cap.status == 200, "\(cap.text)")
            func listed(_ key: ApiKey) async throws -> [String: [String]] {
                let reply = try await v.send(client, .get, "/v1/compliance/requests", key: key)
                #expect(reply.status == 200, "\(key.role): \(reply.text)")
                return Dictionary(uniqueKeysWithValues: reply.array.map { ($0["requestId"] as? String ?? "", $0["deciders"] as? [String] ?? []) })
            }
            #expect(try await listed(v.op) == ["wd-1": ["operations", "risk"]])
            #expect(try await listed(v.risk) == ["wd-1": ["operations", "risk"]])
            let all: [String: [String]] = ["wd-1": ["operations", "risk"], "lc-1": ["compliance"]]
            #expect(try await listed(v.compliance) == all)
            #expect(try await listed(v.supervisor) == all)
            // The risk officer (not the maker) decides the withdrawal it was shown.
            let approved = try await v.send(client, .post, "/v1/compliance/requests/wd-1/approve", key: v.risk)
            #expect(approved.status == 200, "\(approved.text)")
            #expect(try await listed(v.op).isEmpty)
        }
    }
}
