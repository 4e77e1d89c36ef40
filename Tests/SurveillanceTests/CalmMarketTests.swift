import Compliance
import Engine
import HarbourCore
import Surveillance
import Testing

/// An hour of an ordinary market across a funding time and a UTC midnight raises nothing,
/// the MM's day is met, the projected book is the engine's after every command, and a
/// replay gives the same output.
@Suite struct CalmMarketTests {
    @Test func anHourOfDemoMarketMakingAndNoiseTradingRaisesNoAlert() {
        let venue = SurveillanceVenue(marketMakers: ["demo-mm": [terms(maxSpreadBps: 50, minSize: 1_000)]])
        let start = day0 + 23 * hour + 30 * minute
        let maker = openTradingAccount(venue, "demo-mm", group: "demo-house", ts: start)
        let noise = (0..<5).map { openTradingAccount(venue, "noise-\($0)", ts: start) }
        var market = CalmMarket(venue: venue, maker: maker, noise: noise, start: start)
        market.run(from: start, for: hour)

        let trades = venue.log.reduce(0) { count, entry in count + entry.events.filter { if case .trade = $0 { true } else { false } }.count }
        let fundings = venue.log.reduce(0) { count, entry in count + entry.events.filter { if case .funding = $0 { true } else { false } }.count }
        #expect(trades > 300, "the noise traders traded")
        #expect(fundings == 1, "the hour spans the 00:00 funding time")
        #expect(venue.alerts.isEmpty, "\(venue.alerts.prefix(5))")
        let reports = venue.projection.reports
        #expect(reports.count == 1 && reports.first?.date == "2026-01-01")
        #expect(reports.first?.report.tradingMs == 30 * minute)
        #expect(reports.first?.report.met == true)
        // Level 1 is exactly the minimum size, so a noise fill there leaves the MM short of a
        // firm quote until its next re-quote (2 s): present most of the time, not all of it.
        #expect((reports.first?.report.presenceBps ?? 0) >= 8_000)
        #expect((reports.first?.report.presenceBps ?? 10_000) < 10_000)

        let replay = venue.replayed()
        #expect(replay.alerts == venue.alerts && replay.reports == venue.projection.reports)
    }

    /// The demo as `serve --demo` runs it (its `DemoRound`, every 500 ms, perpetuals and the
    /// spot books BTC-USD and ETH-USD) with noise traders on BTC-PERP and BTC-USD, for an hour
    /// across the 00:00 funding time: no rule fires on any contract, spot included.
    @Test func anHourOfTheDemoMarketIncludingSpotRaisesNoAlert() {
        let demoTerms = ["BTC-PERP", "ETH-PERP"].map { terms($0, maxSpreadBps: 20, minSize: 50) }
        let venue = SurveillanceVenue(marketMakers: ["demo-mm": demoTerms])
        let start = day0 + 23 * hour + 30 * minute
        var market = DemoCalmMarket(venue: venue, traders: 5, at: start)
        market.run(from: start, for: hour)

        var trades: [String: Int] = [:]
        for entry in venue.log {
            for case .trade(let trade) in entry.events { trades[venue.engine.spec(trade.instrument).symbol, default: 0] += 1 }
        }
        #expect((trades["BTC-PERP"] ?? 0) > 300 && (trades["BTC-USD"] ?? 0) > 300, "\(trades)")
        let quotes = venue.log.filter { entry in
            if case .placeOrder(let order) = entry.command { order.instrument == market.spot && venue.engine.accountName(order.account) == "demo-mm" } else { false }
        }
        #expect(quotes.count >= 7_200 * 10, "the maker re-quoted BTC-USD every 500 ms")
        for rule in SurveillanceAlert.Rule.allCases {
            #expect(venue.alerts(rule).isEmpty, "\(rule): \(venue.alerts(rule).count) alerts, e.g. \(venue.alerts(rule).prefix(3))")
        }
        let reports = venue.projection.reports
        #expect(reports.map(\.report.symbol) == ["BTC-PERP", "ETH-PERP"] && reports.allSatisfy { $0.report.met })

        let replay = venue.replayed()
        #expect(replay.alerts == venue.alerts && replay.reports == venue.projection.reports)
    }
}
