import Engine
import Foundation
@testable import ReadModel
import Testing

/// The REG-3 margin-financing report on the `FinancingDay` week, against figures worked out
/// by hand, on every store the suite runs (SQLite; PostgreSQL when HARBOUR_TEST_POSTGRES_URL
/// is set) — so both stores give the same figures.
@Suite struct MarginFinancingReportTests {
    /// Thu 1 Jan to Mon 5 Jan 2026, Hong Kong business days: the whole week.
    let week = BusinessDay(from: "2026-01-01", to: "2026-01-05")!

    static func dec(_ s: String?) -> DecimalText? { s.flatMap(DecimalText.init) }

    static func store(_ kind: StoreKind, _ d: FinancingDay) async throws -> any ReadModelStorage {
        let store = try await TestStore.make(kind)
        try await store.apply(batch: d.s.outcomes)
        return store.base
    }

    @Test func theReportIsPublishedByName() {
        #expect(RegulatoryReports.names.contains("margin-financing"))
    }

    /// Hand figures (USD, 6 decimals; BTC, 8):
    /// - interest: 20,000 × 0.075 / 365 a day for 1–4 Jan, charged as ⌈Σ⌉ = ⌈16.438356164…⌉ = 16.438357.
    /// - at the deadline, owed 20,016.438357 at BTC 49,000; selling q BTC restores the call level
    ///   when 19,600 × (1 − q) ≥ 20,016.438357 − 49,000 q, i.e. q ≥ 416.438357 / 29,400: the
    ///   instruction is 0.01416457 BTC (one satoshi fewer leaves 19,322.374624 < 19,322.374917).
    /// - the spot sale grosses that up for the 0.05 % taker fee, ⌈1,416,457 / 0.9995⌉ = 1,417,166 sat,
    ///   and rounds up to the 0.00001 BTC lot: 0.01418 BTC filled at 49,000 = 694.82, less the fee
    ///   0.34741: proceeds 694.47259.
    /// - the proceeds pay the accrued 16.438357 first and 678.034233 of principal:
    ///   principal 20,000 − 678.034233 = 19,321.965767, nothing accrued left.
    @Test(arguments: StoreKind.available) func theLoanBookWeekMatchesTheHandFigures(_ kind: StoreKind) async throws {
        let d = FinancingDay()
        #expect(d.noticeKinds == ["EARLY_WARNING", "MARGIN_CALL", "FORCED_SALE", "FORCED_SALE_FILLED", "CALL_MET"])
        let store = try await Self.store(kind, d)
        let t = try #require(try await store.report("margin-financing", day: week))
        #expect(t.columns == ["loan", "account", "openingPrincipal", "drawn", "repaid", "capitalisedInterest", "principal",
                              "interestAccrued", "accruedInterest", "owed", "collateral", "marginValue", "marginRatioPercent", "lastNotice",
                              "earlyWarnings", "marginCalls", "callsMet", "forcedSales", "forcedSaleOrders", "forcedSaleQty",
                              "forcedSaleProceeds", "forcedSaleFills", "unsecuredShortfalls"])
        try #require(t.rows.count == 1, "\(t.rows)")
        let row = Dictionary(uniqueKeysWithValues: zip(t.columns, t.rows[0]))
        #expect(row["loan"] == "1" && row["account"] == "alice")
        #expect(Self.dec(row["openingPrincipal"]) == .zero && Self.dec(row["drawn"]) == DecimalText("20000"))
        #expect(Self.dec(row["interestAccrued"]) == DecimalText("16.438357"), "\(row)")
        #expect(Self.dec(row["repaid"]) == DecimalText("678.034233"), "\(row)")
        #expect(Self.dec(row["capitalisedInterest"]) == .zero)
        #expect(Self.dec(row["principal"]) == DecimalText("19321.965767"), "\(row)")
        #expect(Self.dec(row["accruedInterest"]) == .zero && Self.dec(row["owed"]) == DecimalText("19321.965767"))
        #expect(row["earlyWarnings"] == "1" && row["marginCalls"] == "1" && row["callsMet"] == "1")
        #expect(row["forcedSales"] == "1" && row["forcedSaleOrders"] == "1" && row["forcedSaleFills"] == "1" && row["unsecuredShortfalls"] == "0")
        #expect(row["forcedSaleQty"] == "BTC 0.01418", "\(row)")
        // 1 BTC pledged, 0.01418 sold: 0.98582 left.
        #expect(row["collateral"] == "BTC 0.98582", "\(row)")
        #expect(Self.dec(row["forcedSaleProceeds"]) == DecimalText("694.47259"), "\(row)")
        // The call is met: the last notice, on the margin value left, 0.98582 BTC × 49,000 × 0.4 = 19,322.072
        // against 19,321.965767 owed: 100.00 % (rounded down).
        #expect(row["lastNotice"] == "CALL_MET" && Self.dec(row["marginValue"]) == DecimalText("19322.072"), "\(row)")
        #expect(row["marginRatioPercent"] == "100", "\(row)")

        #expect(t.figure("loans") == "1" && t.figure("loansOutstanding") == "1")
        #expect(Self.dec(t.figure("principal")) == DecimalText("19321.965767") && Self.dec(t.figure("interestAccrued")) == DecimalText("16.438357"))
        #expect(t.figure("marginCalls") == "1" && t.figure("earlyWarnings") == "1" && t.figure("forcedSaleOrders") == "1")
        #expect(Self.dec(t.figure("forcedSaleProceeds")) == DecimalText("694.47259") && t.figure("unexplainedLoans") == "0")
        #expect(t.figure("controlBreachesRaised") == "0" && t.figure("controlBreachesOpen") == "0")

        // The chart: notices and calls per hour of the week; 08:00–09:00 HKT on 1 Jan holds the warning and the call.
        let chart = try #require(t.charts.first)
        #expect(chart.series.map(\.name) == ["notices", "margin calls"])
        #expect(chart.series[0].points.count == 5 * 24)
        #expect(chart.series[0].points[8].value == "2" && chart.series[1].points[8].value == "1")
        #expect(chart.series[1].points.map { Int($0.value)! }.reduce(0, +) == 1)
        #expect(chart.series[0].points.map { Int($0.value)! }.reduce(0, +) == 5)
        #expect(ReportFormat.html.render(t).contains("<polyline"))
    }

    /// Day by day: on 1 Jan the loan is drawn and called with nothing yet accrued; on 5 Jan it
    /// opens at 20,000 and the sale repays part of it.
    @Test(arguments: StoreKind.available) func eachDayStandsOnTheLastOne(_ kind: StoreKind) async throws {
        let store = try await Self.store(kind, FinancingDay())
        let first = try #require(try await store.report("margin-financing", day: BusinessDay("2026-01-01")!))
        let one = Dictionary(uniqueKeysWithValues: zip(first.columns, first.rows[0]))
        #expect(Self.dec(one["principal"]) == DecimalText("20000") && Self.dec(one["interestAccrued"]) == .zero)
        #expect(one["marginCalls"] == "1" && one["lastNotice"] == "MARGIN_CALL" && one["marginRatioPercent"] == "98")
        let last = try #require(try await store.report("margin-financing", day: BusinessDay("2026-01-05")!))
        let five = Dictionary(uniqueKeysWithValues: zip(last.columns, last.rows[0]))
        #expect(Self.dec(five["openingPrincipal"]) == DecimalText("20000") && Self.dec(five["drawn"]) == .zero)
        // 4 Jan's interest: ⌈16.438356…⌉ − ⌈12.328767…⌉ = 16.438357 − 12.328768 = 4.109589.
        #expect(Self.dec(five["interestAccrued"]) == DecimalText("4.109589"), "\(five)")
        #expect(Self.dec(five["principal"]) == DecimalText("19321.965767") && five["marginCalls"] == "0" && five["callsMet"] == "1")
        // Before the loan there is no row; CSV and JSON carry the same figures.
        #expect(try await store.report("margin-financing", day: BusinessDay("2025-12-31")!)?.rows.isEmpty == true)
        let csv = ReportFormat.csv.render(last)
        #expect(csv.hasPrefix("loan,account,openingPrincipal,drawn,repaid,"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ReportFormat.json.render(last).utf8)) as? [String: Any])
        #expect(json["report"] as? String == "margin-financing" && (json["rows"] as? [[String: String]])?.first?["account"] == "alice")
    }

    /// January after the sale (Hong Kong days 6 Jan – 1 Feb): the principal 19,321.965767 earns
    /// interest 5–31 Jan, capitalised on 1 Feb. The loan's charges are ⌈Σ exact⌉ from the start:
    /// ⌈20,000 × 0.075 × 4 / 365 + 19,321.965767 × 0.075 × 27 / 365⌉ = 123.635564, less the
    /// 16.438357 of 1–4 Jan = 107.197207 capitalised: principal 19,429.162974. The capital cut
    /// raises one FIN-3 breach and the restore clears it; the stress test's figures are the
    /// engine's own events.
    @Test(arguments: StoreKind.available) func januaryCapitalisesInterestAndListsTheBreachAndTheStressTest(_ kind: StoreKind) async throws {
        let d = FinancingDay()
        d.continueToFebruary()
        let store = try await Self.store(kind, d)
        let t = try #require(try await store.report("margin-financing", day: BusinessDay(from: "2026-01-06", to: "2026-02-01")!))
        try #require(t.rows.count == 1)
        let row = Dictionary(uniqueKeysWithValues: zip(t.columns, t.rows[0]))
        #expect(Self.dec(row["openingPrincipal"]) == DecimalText("19321.965767"), "\(row)")
        #expect(Self.dec(row["interestAccrued"]) == DecimalText("107.197207"), "\(row)")
        #expect(Self.dec(row["capitalisedInterest"]) == DecimalText("107.197207"), "\(row)")
        #expect(Self.dec(row["principal"]) == DecimalText("19429.162974"), "\(row)")
        #expect(Self.dec(row["accruedInterest"]) == .zero, "\(row)")
        #expect(Self.dec(row["drawn"]) == .zero && Self.dec(row["repaid"]) == .zero && t.figure("unexplainedLoans") == "0")

        let breaches = d.financingEvents.compactMap { e -> (String, String, Bool)? in
            if case let .controlBreach(code, subject, _, raised, _, _) = e { return (code, subject, raised) } else { return nil }
        }
        try #require(breaches.count == 2 && breaches[0].2 && !breaches[1].2, "\(breaches)")
        #expect(t.figure("controlBreachesRaised") == "1" && t.figure("controlBreachesCleared") == "1" && t.figure("controlBreachesOpen") == "0")
        #expect(t.figure("breach.1")?.hasPrefix("\(breaches[0].0) \(breaches[0].1) raised: ") == true, "\(t.summary)")
        #expect(t.figure("breach.2")?.hasPrefix("\(breaches[1].0) \(breaches[1].1) cleared: ") == true)

        let stress = d.s.history.last!.events.compactMap { e -> (String, Int64, Int64)? in
            if case let .financing(.stressTested(scenario, clients, _, shortfall, _, _, _, _)) = e { return (scenario, clients, shortfall) }
            return nil
        }
        try #require(!stress.isEmpty, "a stress test at the first command of February")
        for (scenario, clients, shortfall) in stress {
            #expect(t.figure("stress.\(scenario).clients") == String(clients), "\(t.summary)")
            #expect(Self.dec(t.figure("stress.\(scenario).marginShortfall")) == DecimalText(mantissa: Int128(shortfall), scale: 6))
        }
        #expect(!t.notes.contains("No loan-book stress test ran in the window."))
        // Until the breach is cleared (21 Jan) it is open at the end of a window.
        let cut = try #require(try await store.report("margin-financing", day: BusinessDay("2026-01-20")!))
        #expect(cut.figure("controlBreachesRaised") == "1" && cut.figure("controlBreachesOpen") == "1", "\(cut.summary)")
        #expect(cut.figure("openBreach.1") == "\(breaches[0].0) \(breaches[0].1)")
    }

    /// The controls section (FIN-3 utilisation) over 6 Jan – 1 Feb: the engine's daily reports at
    /// 20 Jan, 21 Jan and 1 Feb 00:00 UTC. On 21 Jan the capital stands at 60,000 (cut the day
    /// before), and alice owes 19,321.965767 + ⌈(20,000 × 4 + 19,321.965767 × 16) × 0.075 / 365⌉
    /// − 16.438357 = 19,385.490038: 6.461831 % of 5 × 60,000 (rounded up) and 129.236601 % of 25 %
    /// of it — the peaks. On 1 Feb (capital 50,000,000, principal 19,429.162974 after
    /// capitalisation) the last figures are 0.007772 % and 0.155434 %.
    @Test(arguments: StoreKind.available) func theControlsSectionShowsTheLastFigureAndThePeak(_ kind: StoreKind) async throws {
        let d = FinancingDay()
        d.continueToFebruary()
        let store = try await Self.store(kind, d)
        let t = try #require(try await store.report("margin-financing", day: BusinessDay(from: "2026-01-06", to: "2026-02-01")!))
        let alice = "client:\(d.s.engine.accountID(named: "alice")!.index)"
        #expect(t.figure("controlReports") == "3", "\(t.summary)")
        #expect(t.figure("control.lendingCapacity.book.value") == "19429.162974", "\(t.summary)")
        #expect(t.figure("control.lendingCapacity.book.limit") == "250000000")
        #expect(t.figure("control.lendingCapacity.book.utilisationPercent") == "0.007772")
        #expect(t.figure("control.lendingCapacity.book.peakUtilisationPercent") == "6.461831")
        #expect(t.figure("control.lendingCapacity.book.applies") == "true")
        #expect(t.figure("control.clientShareOfCapital.\(alice).limit") == "12500000")
        #expect(t.figure("control.clientShareOfCapital.\(alice).utilisationPercent") == "0.155434")
        #expect(t.figure("control.clientShareOfCapital.\(alice).peakUtilisationPercent") == "129.236601")
        // Credit: 19,429.162974 of alice's 1,000,000 limit; the book share is below its 10,000,000 minimum book.
        #expect(t.figure("control.creditLimit.\(alice).utilisationPercent") == "1.942917")
        #expect(t.figure("control.clientShareOfLoanBook.\(alice).applies") == "false")
        #expect(t.figure("control.collateralGroupShare.VA-MAJORS.utilisationPercent") == "166.666667")
        // One day alone: the 21 Jan report is both the last and the peak.
        let day = try #require(try await store.report("margin-financing", day: BusinessDay("2026-01-21")!))
        #expect(day.figure("controlReports") == "1")
        #expect(day.figure("control.lendingCapacity.book.value") == "19385.490038", "\(day.summary)")
        #expect(day.figure("control.lendingCapacity.book.utilisationPercent") == "6.461831")
        #expect(day.figure("control.clientShareOfCapital.\(alice).utilisationPercent") == "129.236601")
        #expect(day.figure("control.clientShareOfCapital.\(alice).peakUtilisationPercent") == "129.236601")
    }
}
