import Compliance
import Engine
import HarbourCore
import Matching
import Surveillance
import Testing

/// MM-4 through the projection: a day's firm two-way presence, its report at UTC midnight
/// of command time, and the obligations-breach alert below the minimum.
@Suite struct MarketMakerObligationTests {
    /// The MM quotes 1 BTC a side, 6.7 bps wide (terms: 20 bps, 1 BTC), from midnight for
    /// `presentFor` ms, then pulls its quotes; the first command of the next day closes the day.
    func day(presentFor: Int64) -> SurveillanceVenue {
        let venue = SurveillanceVenue(marketMakers: ["mm-1": [terms(maxSpreadBps: 20, minSize: 1_000)]])
        let mm = openTradingAccount(venue, "mm-1", ts: day0)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: day0)
        venue.place(mm, .buy, price: 599_800, quantity: 1_000, at: day0)
        venue.place(mm, .sell, price: 600_200, quantity: 1_000, at: day0)
        venue.apply(.cancelAll(account: mm, instrument: btc), at: day0 + presentFor)
        #expect(venue.projection.reports.isEmpty, "a day is reported when it is over")
        venue.apply(.tick, at: day0 + 24 * hour + 5_000)
        return venue
    }

    @Test func twelveOfTwentyFourHoursIsExactlyHalfAndMeetsTheDefaultMinimum() {
        let venue = day(presentFor: 12 * hour)
        let reports = venue.projection.reports
        #expect(reports.count == 1)
        #expect(reports.first?.account == "mm-1" && reports.first?.date == "2026-01-01")
        #expect(reports.first?.report.presentMs == 12 * hour)
        #expect(reports.first?.report.tradingMs == 24 * hour)
        #expect(reports.first?.report.presenceBps == 5_000)
        #expect(reports.first?.report.met == true)
        #expect(reports.first?.report.fromMs == day0 && reports.first?.report.toMs == day0 + 24 * hour)
        #expect(venue.alerts.isEmpty)
    }

    @Test func elevenHoursFiftyNineMinutesIsABreach() {
        let venue = day(presentFor: 12 * hour - minute)
        let report = venue.projection.reports.first?.report
        #expect(report?.presenceBps == 4_993)
        #expect(report?.met == false)
        let breaches = venue.alerts(.obligationsBreach)
        #expect(breaches.count == 1)
        #expect(breaches.first?.accounts == ["mm-1"] && breaches.first?.symbol == "BTC-PERP")
        #expect(breaches.first?.evidence == "firm two-way presence 4993 bps is below the minimum 5000 bps: present 43140000 ms of 86400000 ms of continuous trading")
        #expect(venue.alerts.first?.raisedAtMs == day0 + 24 * hour)
    }

    @Test func quotesWiderThanTheTermsOrTooSmallDoNotCount() {
        let venue = SurveillanceVenue(marketMakers: ["mm-1": [terms(maxSpreadBps: 5, minSize: 1_000)]])
        let mm = openTradingAccount(venue, "mm-1", ts: day0)
        let taker = openTradingAccount(venue, "taker", ts: day0)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: day0)
        venue.place(mm, .buy, price: 599_800, quantity: 1_000, at: day0)      // 6.7 bps wide: too wide
        venue.place(mm, .sell, price: 600_200, quantity: 1_000, at: day0)
        let tight = venue.place(mm, .buy, price: 599_900, quantity: 1_000, at: day0 + 6 * hour)  // 5 bps: counts
        venue.place(taker, .sell, price: 599_900, quantity: 1, tif: .ioc, at: day0 + 12 * hour)  // 0.999 BTC left: too small
        #expect(venue.projection.book.order(tight)?.remaining == 999)
        venue.apply(.tick, at: day0 + 24 * hour)
        #expect(venue.projection.reports.first?.report.presentMs == 6 * hour)
        #expect(venue.projection.reports.first?.report.presenceBps == 2_500)
        #expect(venue.alerts(.obligationsBreach).count == 1)
    }

    @Test func timeInCancelOnlyIsNotContinuousTradingAndOwesNothing() {
        let venue = SurveillanceVenue(marketMakers: ["mm-1": [terms()]])
        let mm = openTradingAccount(venue, "mm-1", ts: day0)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: day0)
        venue.place(mm, .buy, price: 599_800, quantity: 1_000, at: day0)
        venue.place(mm, .sell, price: 600_200, quantity: 1_000, at: day0)
        venue.apply(.setInstrumentStatus(instrument: btc, status: .cancelOnly), at: day0 + 6 * hour)
        venue.apply(.cancelAll(account: mm, instrument: btc), at: day0 + 7 * hour)
        venue.apply(.setInstrumentStatus(instrument: btc, status: .enabled), at: day0 + 18 * hour)
        venue.place(mm, .buy, price: 599_800, quantity: 1_000, at: day0 + 18 * hour)
        venue.place(mm, .sell, price: 600_200, quantity: 1_000, at: day0 + 18 * hour)
        venue.apply(.tick, at: day0 + 48 * hour + 1)
        let reports = venue.projection.reports.map(\.report)
        #expect(reports.map(\.tradingMs) == [12 * hour, 24 * hour])
        #expect(reports.map(\.presentMs) == [12 * hour, 24 * hour])
        #expect(venue.projection.reports.map(\.date) == ["2026-01-01", "2026-01-02"])
        #expect(venue.alerts.isEmpty)
    }

    @Test func utcDayNames() {
        #expect(UTCDay.name(of: day0) == "2026-01-01")
        #expect(UTCDay.name(of: day0 - 1) == "2025-12-31")
        #expect(UTCDay.name(of: 0) == "1970-01-01")
        #expect(UTCDay.name(of: day0 + 59 * 24 * hour) == "2026-03-01")
        #expect(UTCDay.start(of: day0 + 5 * hour) == day0)
    }
}

/// Days closed by a reader, and names of accounts opened before the projection started.
@Suite struct ProjectionEdgeTests {
    @Test func closeDaysThroughReportsAFinishedDayOnceAndTheNextCommandAddsNothing() {
        let venue = SurveillanceVenue(marketMakers: ["mm-1": [terms()]])
        let mm = openTradingAccount(venue, "mm-1", ts: day0)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: day0)
        venue.place(mm, .buy, price: 599_800, quantity: 1_000, at: day0)
        venue.place(mm, .sell, price: 600_200, quantity: 1_000, at: day0)
        #expect(venue.projection.closeDays(through: day0 + 24 * hour - 1).reports.isEmpty)
        let step = venue.projection.closeDays(through: day0 + 24 * hour)
        #expect(step.reports.map(\.report.presenceBps) == [10_000])
        #expect(venue.projection.closeDays(through: day0 + 24 * hour + 10).reports.isEmpty)
        venue.apply(.tick, at: day0 + 25 * hour)
        #expect(venue.projection.reports.count == 1)
    }

    @Test func namesOfAccountsOpenedBeforeTheProjectionComeFromTheContext() {
        let venue = SurveillanceVenue(owners: ["fund-a": "owner-1", "fund-b": "owner-1"])
        let a = openTradingAccount(venue, "fund-a", ts: day0)
        let b = openTradingAccount(venue, "fund-b", ts: day0)
        venue.apply(.markPrice(instrument: btc, price: 600_000), at: day0)
        // A projection that starts now, after the accounts were opened.
        var late = SurveillanceProjection(context: SurveillanceContext(
            symbols: venue.context.symbols, owners: venue.context.owners, accountNames: ["fund-a", "fund-b"]))
        let sell = PlaceOrder(account: a, instrument: btc, side: .sell, price: 600_000, quantity: 1_000)
        let buy = PlaceOrder(account: b, instrument: btc, side: .buy, price: 600_000, quantity: 1_000)
        late.observe(timestamp: day0 + 1, command: .placeOrder(sell), events: venue.apply(.placeOrder(sell), at: day0 + 1))
        let step = late.observe(timestamp: day0 + 2, command: .placeOrder(buy), events: venue.apply(.placeOrder(buy), at: day0 + 2))
        #expect(step.alerts.map(\.alert.accounts) == [["fund-a", "fund-b"]])
        #expect(late.name(of: AccountID(7)) == "account#7")
    }
}
