import Engine
import HarbourCore
import Ledger
import ReadModel
import Testing

/// Projection of the liquidation waterfall (RISK-4) and platform risk events (RISK-6).
/// Liquidations, payouts, ADL and the insurance top-up come from a real engine; alerts,
/// stress tests, metrics and ADL ranks are engine `Event` values rendered by the real
/// `EventEncoder` (the engine's periodic risk sweep publishes them).
@Suite struct RiskProjectionTests {
    func fund(_ s: Scenario) -> String {
        let book = s.engine.ledger.existingBook(.insuranceFund(asset: "USD"))
        return s.money(book.map { s.engine.ledger.balance($0) } ?? 0)
    }

    @Test(arguments: StoreKind.available) func liquidationWithInsurancePayoutAndTopUp(_ kind: StoreKind) async throws {
        let s = Scenario()
        let mm = s.open("mm", usd: "1000000")
        s.mark("50000")
        let long = s.open("long", usd: "1100")
        s.place(long, .buy, "0.2", at: "50000")
        s.place(mm, .sell, "0.2", at: "50000")
        s.run(.insuranceDeposit(asset: "USD", amount: s.usd("500")))
        let topUpSeq = s.sequence
        s.mark("45000")
        s.place(mm, .buy, "0.2", at: "43900")
        // Gap down to 44000: filled at 43900, loss beyond the 1098 cash is 122, paid by the fund.
        let ev = s.run(.markPrice(instrument: s.btc, price: s.px("44000")))
        let liq = try #require(ev.compactMap { if case .liquidation(let l) = $0 { return l } else { return nil } }.first)
        let crashSeq = s.sequence

        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        let activity = try await store.liquidationActivity(account: "long")
        #expect(activity.count == 2)
        guard case .insurancePayout(let payout) = activity.first, case .liquidation(let step) = activity.last else {
            Issue.record("expected payout then liquidation, newest first: \(activity)")
            return
        }
        #expect(step.seq == crashSeq && payout.seq == crashSeq && step.idx < payout.idx)
        #expect(step.symbol == "BTC-PERP" && step.size == "0.2" && step.markPrice == "44000" && step.stage == "full")
        #expect(step.equity == s.money(liq.equity) && step.maintenanceMargin == s.money(liq.maintenanceMargin))
        #expect(payout.amount == "122")
        #expect(try await store.liquidationActivity(account: "mm").isEmpty)
        // A symbol filter leaves the (symbol-less) payout out; a window before the crash is empty.
        #expect(try await store.liquidationActivity(account: "long", symbol: "BTC-PERP").count == 1)
        #expect(try await store.liquidationActivity(account: "long", symbol: "ETH-PERP").isEmpty)
        #expect(try await store.liquidationActivity(account: "long", toTs: s.ts - 1).isEmpty)

        // The fund from its postings: +500 top-up, −122 payout; equal to the engine's ledger.
        #expect(fund(s) == "378")
        #expect(try await store.insuranceFundBalance() == fund(s))
        let moves = try await store.insuranceFundHistory()
        #expect(moves.map(\.change) == ["-122", "500"])
        #expect(moves.map(\.balance) == ["378", "500"])
        #expect(moves.map(\.reason) == ["insurancePayout", "insuranceTopUp"])
        #expect(moves.last?.seq == topUpSeq)

        // Idempotent by sequence: applying everything again changes nothing.
        #expect(try await store.apply(batch: s.outcomes) == 0)
        #expect(try await store.insuranceFundHistory().count == 2)
        #expect(try await store.liquidationActivity(account: "long").count == 2)
    }

    @Test(arguments: StoreKind.available) func autoDeleveragingFillReachesBothSides(_ kind: StoreKind) async throws {
        let s = Scenario()
        let mm = s.open("mm", usd: "1000000")
        s.mark("50000")
        let short = s.open("short", usd: "2000")
        let short2 = s.open("short2", usd: "500000")
        let long = s.open("long", usd: "1100")
        s.place(long, .buy, "0.2", at: "50000")
        s.place(short, .sell, "0.2", at: "50000")
        s.place(mm, .buy, "0.2", at: "50000")
        s.place(short2, .sell, "0.2", at: "50000")
        s.mark("45000")
        // Empty fund, no bids: the whole 0.2 is closed against "short" at bankruptcy 44510.
        let ev = s.run(.markPrice(instrument: s.btc, price: s.px("44000")))
        #expect(ev.contains { if case .adl = $0 { return true } else { return false } })

        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        let mine = try await store.liquidationActivity(account: "long")
        guard case .adl(let fill) = mine.first, case .liquidation = mine.last else {
            Issue.record("expected the ADL fill after the liquidation step: \(mine)")
            return
        }
        #expect(mine.count == 2)
        #expect(fill.account == "long" && fill.counterparty == "short" && fill.symbol == "BTC-PERP")
        #expect(fill.qty == "0.2" && fill.price == "44510")
        // The counterparty sees the same fill; uninvolved accounts see nothing.
        #expect(try await store.liquidationActivity(account: "short") == [.adl(fill)])
        #expect(try await store.liquidationActivity(account: "short2").isEmpty)
        #expect(try await store.liquidationActivity(account: "mm").isEmpty)
        #expect(try await store.insuranceFundBalance() == "0")
    }

    @Test(arguments: StoreKind.available) func alertsKeepEveryRaiseAndClearAndTheActiveSet(_ kind: StoreKind) async throws {
        let s = Scenario()
        let alice = s.open("alice")
        func rate(_ t: String) -> Rate { try! Rate(t) }
        let volatility = RiskAlert(raised: true, instrument: s.btc, account: nil, threshold: rate("0.02"), value: rate("0.035"),
                                   evidence: .volatility(volatility: rate("0.035"), addOn: rate("0.01"), samples: 30))
        let concentration = RiskAlert(raised: true, instrument: s.btc, account: alice, threshold: rate("0.2"), value: rate("0.25"),
                                      evidence: .concentration(position: s.qty("2.5"), openInterest: s.qty("10")))
        let coverage = RiskAlert(raised: true, instrument: nil, account: nil, threshold: rate("1"), value: rate("2"),
                                 evidence: .insuranceCoverage(shock: rate("-0.3"), shortfall: s.usd("1000"), insuranceFund: s.usd("500"),
                                                              accountsInShortfall: 3))
        let openInterest = RiskAlert(raised: true, instrument: s.eth, account: nil, threshold: rate("0.9"), value: rate("0.95"),
                                     evidence: .openInterest(openInterest: s.qty("95", s.eth), cap: s.qty("100", s.eth)))
        func cleared(_ a: RiskAlert, value: String) -> RiskAlert {
            RiskAlert(raised: false, instrument: a.instrument, account: a.account, threshold: a.threshold, value: rate(value),
                      evidence: a.evidence)
        }
        s.publish([.riskAlert(volatility), .riskAlert(concentration), .riskAlert(coverage)])
        let first = s.sequence
        s.publish([.riskAlert(cleared(volatility, value: "0.015")), .riskAlert(openInterest)])
        let second = s.sequence

        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        let all = try await store.riskAlerts()
        #expect(all.map(\.kind) == ["openInterest", "volatility", "insuranceCoverage", "concentration", "volatility"])
        #expect(all.map(\.state) == ["raised", "cleared", "raised", "raised", "raised"])
        #expect(all[1].seq == second && all[1].value == "0.015" && all[1].symbol == "BTC-PERP")

        let active = try await store.riskAlerts(RiskAlertFilter(activeOnly: true))
        #expect(active.map(\.kind) == ["openInterest", "insuranceCoverage", "concentration"])
        let c = try #require(active.last)
        #expect(c.seq == first && c.account == "alice" && c.symbol == "BTC-PERP")
        #expect(c.threshold == "0.2" && c.value == "0.25" && c.position == "2.5" && c.openInterest == "10")
        #expect(c.volatility == nil && c.scenario == nil)
        let ic = active[1]
        #expect(ic.symbol == nil && ic.account == nil && ic.scenario == "-0.3" && ic.shortfall == "1000")
        #expect(ic.insuranceFund == "500" && ic.accountsInShortfall == 3)
        let oi = active[0]
        #expect(oi.symbol == "ETH-PERP" && oi.openInterest == "95" && oi.cap == "100")
        #expect(all[4].volatility == "0.035" && all[4].marginAddOn == "0.01" && all[4].samples == 30)

        // Filters: kind, symbol, limit; and a raise after a clear makes the alert active again.
        #expect(try await store.riskAlerts(RiskAlertFilter(activeOnly: true, kind: "volatility")).isEmpty)
        #expect(try await store.riskAlerts(RiskAlertFilter(kind: "volatility")).map(\.state) == ["cleared", "raised"])
        #expect(try await store.riskAlerts(RiskAlertFilter(activeOnly: true, symbol: "ETH-PERP")).map(\.kind) == ["openInterest"])
        #expect(try await store.riskAlerts(RiskAlertFilter(limit: 2)).count == 2)
        s.publish([.riskAlert(volatility)])
        try await store.apply(batch: s.outcomes)
        let again = try await store.riskAlerts(RiskAlertFilter(activeOnly: true, kind: "volatility"))
        #expect(again.map(\.seq) == [s.sequence])
        // Volatility is active again beside the three others.
        #expect(try await store.riskAlerts(RiskAlertFilter(activeOnly: true)).count == 4)
    }

    @Test(arguments: StoreKind.available) func stressTestsMetricsAndRanksKeepLatestAndHistory(_ kind: StoreKind) async throws {
        let s = Scenario()
        let alice = s.open("alice")
        let bob = s.open("bob")
        func rate(_ t: String) -> Rate { try! Rate(t) }
        func stress(_ shock: String, _ shortfall: String, _ fund: String, _ n: Int) -> Event {
            .stressTest(StressTestResult(shock: rate(shock), shortfall: s.usd(shortfall), insuranceFund: s.usd(fund), accountsInShortfall: n))
        }
        func metrics(_ i: InstrumentID, _ vol: String, _ addOn: String, _ oi: String, _ samples: Int64) -> Event {
            .riskMetrics(RiskMetrics(instrument: i, volatility: rate(vol), marginAddOn: rate(addOn), openInterest: s.qty(oi, i), samples: samples))
        }
        s.publish([stress("-0.3", "100", "500", 1), stress("-0.5", "900", "500", 4), metrics(s.btc, "0.01", "0", "12.5", 10),
                   metrics(s.eth, "0.02", "0", "40", 10), .adlRank(account: alice, instrument: s.btc, rank: 2),
                   .adlRank(account: bob, instrument: s.btc, rank: 5)])
        s.publish([stress("-0.3", "0", "600", 0), stress("-0.5", "700.25", "600", 2), metrics(s.btc, "0.03", "0.005", "13", 11),
                   .adlRank(account: alice, instrument: s.btc, rank: 4), .adlRank(account: alice, instrument: s.eth, rank: 1)])
        let last = s.sequence

        let store = try await TestStore.make(kind)
        try await store.apply(batch: s.outcomes)
        let latest = try await store.latestStressTests()
        #expect(latest.map(\.scenario) == ["-0.3", "-0.5"])
        #expect(latest.allSatisfy { $0.seq == last })
        #expect(latest[1].shortfall == "700.25" && latest[1].insuranceFund == "600" && latest[1].uncovered == "100.25")
        #expect(latest[1].accountsInShortfall == 2 && latest[0].uncovered == "0")
        #expect(try await store.stressTestHistory(scenario: "-0.5").map(\.shortfall) == ["700.25", "900"])
        #expect(try await store.stressTestHistory().count == 4)

        let m = try await store.latestRiskMetrics()
        #expect(m.map(\.symbol) == ["BTC-PERP", "ETH-PERP"])
        #expect(m[0].volatility == "0.03" && m[0].marginAddOn == "0.005" && m[0].openInterest == "13" && m[0].samples == 11)
        #expect(m[0].seq == last && m[1].seq == last - 1 && m[1].openInterest == "40")
        #expect(try await store.riskMetricsHistory(symbol: "BTC-PERP").map(\.openInterest) == ["13", "12.5"])

        let ranks = try await store.adlRanks(account: "alice")
        #expect(ranks.map(\.symbol) == ["BTC-PERP", "ETH-PERP"] && ranks.map(\.rank) == [4, 1])
        #expect(ranks[0].updatedSeq == last)
        #expect(try await store.adlRanks(account: "bob").map(\.rank) == [5])
        #expect(try await store.adlRanks(account: "carol").isEmpty)
    }

    @Test(arguments: StoreKind.available) func aRiskEventMissingAFieldFailsTheOutcomeAndWritesNothing(_ kind: StoreKind) async throws {
        let store = try await TestStore.make(kind)
        let line = #"{"type":"riskAlert","seq":1,"kind":"volatility","symbol":"BTC-PERP","threshold":"0.02","value":"0.03"}"#
        await #expect(throws: ReadModelError.missingField(sequence: 1, type: "riskAlert", field: "state")) {
            try await store.apply(sequence: 1, timestamp: 1, commandLine: nil, eventLines: [line])
        }
        #expect(try await store.lastSequence == 0)
        #expect(try await store.riskAlerts().isEmpty)
    }
}
