import Engine
import Foundation
import HarbourCore
import Testing
@testable import Gateway

/// Margin financing over /v1 (FIN-1..6) on a live gateway: compliance records the margin
/// client and its credit, operations the capital; the client pledges, draws, reads its
/// loan with margin ratio; refusals name the control; the private view shows only the
/// caller's own loan events; staff read the loan book and the stress test.
@Suite("REST margin financing") struct RestFinancingTests {
    @Test("a margin client is set up by staff, pledges BTC, draws within the controls and reads its loan (FIN-1..5)")
    func marginLoanOverREST() async throws {
        try await TestVenue.withLive { v, client in
            let alice = try await v.host.read { $0.accountID(named: "alice")! }
            _ = try await v.host.submit(.deposit(account: alice, asset: "BTC", amount: 100_000_000))
            for source in ["binance", "okx"] { _ = try await v.host.submit(.indexPrice(instrument: InstrumentID(0), source: source, price: 600_000)) }

            // Before staff act: not a margin client.
            let early = try await v.send(client, .post, "/v1/loans", key: v.alice)
            #expect(early.status == 422 && early.code == "UNKNOWN_CLIENT", "\(early.text)")
            // A client key cannot record itself as a margin client.
            let selfService = try await v.send(client, .post, "/v1/financing/clients", key: v.alice,
                                               body: #"{"account":"alice","agreement":"SMA-1","annualRate":"0.075"}"#)
            #expect(selfService.status == 403, "\(selfService.text)")
            let set = try await v.send(client, .post, "/v1/financing/clients", key: v.compliance,
                                       body: #"{"account":"alice","agreement":"SMA-1","annualRate":"0.075","interestSettlement":"CAPITALISE"}"#)
            #expect(set.status == 200, "\(set.text)")
            let credit = #"{"account":"alice","netWorthFiat":"4000000","netWorthNonFiat":"0","liquidFiat":"4000000","liquidNonFiat":"0","annualIncome":"500000","liabilities":"0","asOf":1,"limit":"%@","reviewDueAt":"99999999999999"}"#
            let above = try await v.send(client, .post, "/v1/financing/credit-assessments", key: v.compliance,
                                         body: String(format: credit, "2000000.000001"))
            #expect(above.status == 422 && above.code == "CREDIT_LIMIT_ABOVE_RULE", "\(above.text)")
            #expect(try await v.send(client, .post, "/v1/financing/credit-assessments", key: v.compliance,
                                     body: String(format: credit, "1000000")).status == 200)
            #expect(try await v.send(client, .post, "/v1/financing/capital", key: v.op,
                                     body: #"{"fiat":"50000000","securities":"0","virtualAssets":"0"}"#).status == 200)

            let opened = try await v.send(client, .post, "/v1/loans", key: v.alice)
            #expect(opened.status == 200, "\(opened.text)")
            let openedEvents = opened.object["events"] as? [[String: Any]] ?? []
            #expect(openedEvents.contains { $0["type"] as? String == "loanOpened" && $0["loan"] as? Int == 1 })
            #expect(try await v.send(client, .post, "/v1/loans/1/pledge", key: v.alice, body: #"{"asset":"BTC","qty":"1"}"#).status == 200)
            // bob cannot draw on alice's loan.
            let foreign = try await v.send(client, .post, "/v1/loans/1/drawdown", key: v.bob, body: #"{"amount":"1"}"#)
            #expect(foreign.code == "UNKNOWN_LOAN" || foreign.code == "UNKNOWN_CLIENT", "\(foreign.text)")
            let tooMuch = try await v.send(client, .post, "/v1/loans/1/drawdown", key: v.alice, body: #"{"amount":"20000.000001"}"#)
            #expect(tooMuch.status == 422 && tooMuch.code == "INSUFFICIENT_MARGIN", "\(tooMuch.text)")
            let bad = try await v.send(client, .post, "/v1/loans/1/drawdown", key: v.alice, body: #"{"amount":20000}"#)
            #expect(bad.status == 400 && bad.code == "INVALID_FIELD", "\(bad.text)")
            let drawn = try await v.send(client, .post, "/v1/loans/1/drawdown", key: v.alice, body: #"{"amount":"20000"}"#)
            #expect(drawn.status == 200, "\(drawn.text)")

            let loans = try await v.send(client, .get, "/v1/loans", key: v.alice)
            let loan = (loans.object["loans"] as? [[String: Any]])?.first
            #expect(loan?["owed"] as? String == "20000")
            #expect(loan?["marginValue"] as? String == "24000")
            #expect(loan?["marginRatio"] as? String == "1.2")
            #expect(loan?["zone"] as? String == "healthy")
            let balances = try await v.send(client, .get, "/v1/balances", key: v.alice)
            #expect(balances.object["cash"] as? String == "1020000")
            // bob sees no loan; staff see the book; risk the stress test.
            let bobLoans = try await v.send(client, .get, "/v1/loans", key: v.bob)
            #expect((bobLoans.object["loans"] as? [Any])?.isEmpty == true)
            let book = try await v.send(client, .get, "/v1/financing/loans", key: v.supervisor)
            #expect(book.object["loanBook"] as? String == "20000" && book.object["loans"] as? Int == 1, "\(book.text)")
            let stress = try await v.send(client, .get, "/v1/financing/stress", key: v.risk)
            let va60 = stress.array.first { $0["scenario"] as? String == "VA -60%" }
            // BTC at 24,000 → margin value 9,600 → shortfall 10,400.
            #expect(va60?["marginShortfall"] as? String == "10400", "\(stress.text)")
            #expect(try await v.send(client, .get, "/v1/financing/stress", key: v.alice).status == 403)
        }
    }

    @Test("once a financing disclosure is published, a drawdown needs it acknowledged over REST, and the eligibility view says how (PI-2, FIN)")
    func financingDisclosureGate() async throws {
        try await TestVenue.withLive { v, client in
            let alice = try await v.host.read { $0.accountID(named: "alice")! }
            _ = try await v.host.submit(.deposit(account: alice, asset: "BTC", amount: 100_000_000))
            for source in ["binance", "okx"] { _ = try await v.host.submit(.indexPrice(instrument: InstrumentID(0), source: source, price: 600_000)) }
            #expect(try await v.send(client, .post, "/v1/financing/clients", key: v.compliance,
                                     body: #"{"account":"alice","agreement":"SMA-1","annualRate":"0.075","interestSettlement":"CAPITALISE"}"#).status == 200)
            #expect(try await v.send(client, .post, "/v1/financing/credit-assessments", key: v.compliance,
                                     body: #"{"account":"alice","netWorthFiat":"4000000","netWorthNonFiat":"0","liquidFiat":"4000000","liquidNonFiat":"0","annualIncome":"500000","liabilities":"0","asOf":1,"limit":"1000000","reviewDueAt":"99999999999999"}"#).status == 200)
            #expect(try await v.send(client, .post, "/v1/financing/capital", key: v.op,
                                     body: #"{"fiat":"50000000","securities":"0","virtualAssets":"0"}"#).status == 200)
            #expect(try await v.send(client, .post, "/v1/loans", key: v.alice).status == 200)
            #expect(try await v.send(client, .post, "/v1/loans/1/pledge", key: v.alice, body: #"{"asset":"BTC","qty":"1"}"#).status == 200)
            _ = try await v.host.submit(.compliance(.publishFinancingDisclosure(version: 1, by: "disclosure-library")))

            let refused = try await v.send(client, .post, "/v1/loans/1/drawdown", key: v.alice, body: #"{"amount":"1000"}"#)
            #expect(refused.status == 403 && refused.code == "DISCLOSURE_NOT_ACKNOWLEDGED", "\(refused.text)")
            let eligibility = try await v.send(client, .get, "/v1/account/eligibility", key: v.alice)
            let row = eligibility.object["financingDisclosure"] as? [String: Any]
            #expect(row?["disclosureVersion"] as? Int == 1 && row?["acknowledgedVersion"] is NSNull, "\(eligibility.text)")
            #expect((row?["steps"] as? [String])?.first?.contains("POST /v1/disclosures/MARGIN-FINANCING/acknowledge") == true)

            let stale = try await v.send(client, .post, "/v1/disclosures/MARGIN-FINANCING/acknowledge", key: v.alice, body: #"{"version":2}"#)
            #expect(stale.status == 422 && stale.code == "DISCLOSURE_VERSION_NOT_CURRENT", "\(stale.text)")
            let ack = try await v.send(client, .post, "/v1/disclosures/MARGIN-FINANCING/acknowledge", key: v.alice, body: #"{"version":1}"#)
            #expect(ack.status == 200, "\(ack.text)")
            let events = ack.object["events"] as? [[String: Any]] ?? []
            #expect(events.contains { $0["type"] as? String == "disclosureAcknowledged" && $0["symbol"] as? String == "MARGIN-FINANCING" }, "\(ack.text)")
            let after = try await v.send(client, .get, "/v1/account/eligibility", key: v.alice)
            #expect((after.object["financingDisclosure"] as? [String: Any])?["acknowledgedVersion"] as? Int == 1)
            #expect(try await v.send(client, .post, "/v1/loans/1/drawdown", key: v.alice, body: #"{"amount":"1000"}"#).status == 200)
        }
    }
}
