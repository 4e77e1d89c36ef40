import CommandInput
import Engine
import Foundation
@testable import ReadModel
import Testing

/// FIN-3 "a breach caused by market moves raises an alert at once": the engine's
/// `controlBreach` is a row of the risk alert history (`GET /v1/risk/alerts`, kind
/// `financingControl`), active until it clears, on every store the suite runs.
@Suite struct FinancingRiskAlertTests {
    /// Replay lines through the real engine, recorded as the venue publishes them.
    final class Driver {
        let s = Scenario()

        @discardableResult
        func run(_ ts: Int64, _ type: String, _ fields: [String: Any] = [:]) -> [Event] {
            let events = s.runLine(ts, type, fields)
            for e in events { if case let .rejected(r, _, _, _) = e { Issue.record("\(type) refused: \(r)") } }
            return events
        }

        func index(_ ts: Int64, _ price: String) {
            for source in ["binance", "okx"] { run(ts, "indexPrice", ["symbol": "BTC-PERP", "source": source, "price": price]) }
        }
    }

    /// alice pledges 120 BTC at 60,000 (7,200,000) and 100,000 shares at 50 (5,000,000): VA-MAJORS
    /// is 59.0 % of 12,200,000, under the 60 % limit (the pool is over its 10,000,000 minimum).
    /// BTC at 66,000: 7,920,000 of 12,920,000 = 61.3 %, over 60 % × 12,920,000 = 7,752,000 → raised;
    /// back at 60,000 → cleared.
    @Test(arguments: StoreKind.available) func aBreachByAPriceMoveIsActiveUntilItClears(_ kind: StoreKind) async throws {
        let d = Driver()
        let t0 = FinancingDay.t0
        d.run(t0, "openAccount", ["account": "alice"])
        d.run(t0, "recordEvidence", ["by": "maya", "account": "alice", "evidenceKind": "securities", "amount": "8000000.00", "currency": "HKD",
                                     "asOf": t0, "source": "custodian statement"])
        d.run(t0, "proposeClassification", ["requestId": "pi-alice", "by": "maya", "account": "alice", "investorKind": "individual", "reason": "evidenced"])
        d.run(t0, "approveRequest", ["requestId": "pi-alice", "by": "chen"])
        d.run(t0, "financingClient", ["account": "alice", "agreement": "SMA-alice", "annualRate": "0.075", "interestSettlement": "CAPITALISE",
                                      "by": "credit-1"])
        d.run(t0, "creditAssessment", ["account": "alice", "by": "credit-1", "netWorthFiat": "4000000", "netWorthNonFiat": "0",
                                       "liquidFiat": "4000000", "liquidNonFiat": "0", "annualIncome": "500000", "liabilities": "0",
                                       "asOf": t0, "limit": "1000000", "reviewDueAt": t0 + 500 * FinancingDay.day])
        d.run(t0, "brokerCapital", ["fiat": "50000000", "securities": "0", "virtualAssets": "0", "by": "finance-1"])
        d.index(t0 + 1000, "60000")
        d.run(t0 + 1000, "collateralPrice", ["asset": "0700.HK", "price": "50"])
        d.run(t0 + 1000, "deposit", ["account": "alice", "asset": "BTC", "amount": "120"])
        d.run(t0 + 1000, "deposit", ["account": "alice", "asset": "0700.HK", "amount": "100000"])
        d.run(t0 + 1000, "loanOpen", ["account": "alice"])
        d.run(t0 + 1000, "collateralPledge", ["account": "alice", "loan": 1, "asset": "BTC", "qty": "120"])
        d.run(t0 + 1000, "collateralPledge", ["account": "alice", "loan": 1, "asset": "0700.HK", "qty": "100000"])
        let calm = try await TestStore.make(kind)
        try await calm.apply(batch: d.s.outcomes)
        #expect(try await calm.base.riskAlerts(RiskAlertFilter(activeOnly: true)).isEmpty)

        d.index(t0 + 2000, "66000")
        let store = try await TestStore.make(kind)
        try await store.apply(batch: d.s.outcomes)
        let active = try await store.base.riskAlerts(RiskAlertFilter(activeOnly: true))
        try #require(active.count == 1, "\(active)")
        let raised = active[0]
        #expect(raised.kind == "financingControl" && raised.state == "raised")
        #expect(raised.code == "COLLATERAL_CONCENTRATION_EXCEEDED" && raised.subject == "VA-MAJORS")
        #expect(raised.value == "7920000" && raised.threshold == "7752000", "\(raised)")
        #expect(raised.message?.contains("7920000 USD of 12920000 USD pledged") == true, "\(raised.message ?? "")")
        #expect(try await store.base.riskAlerts(RiskAlertFilter(activeOnly: true, kind: "financingControl")).count == 1)
        #expect(try await store.base.riskAlerts(RiskAlertFilter(activeOnly: true, kind: "volatility")).isEmpty)

        d.index(t0 + 3000, "60000")
        let after = try await TestStore.make(kind)
        try await after.apply(batch: d.s.outcomes)
        #expect(try await after.base.riskAlerts(RiskAlertFilter(activeOnly: true)).isEmpty)
        let history = try await after.base.riskAlerts(RiskAlertFilter(kind: "financingControl"))
        #expect(history.map(\.state) == ["cleared", "raised"], "newest first: \(history)")
        #expect(history.first?.subject == "VA-MAJORS" && history.first?.code == "COLLATERAL_CONCENTRATION_EXCEEDED")
    }
}
