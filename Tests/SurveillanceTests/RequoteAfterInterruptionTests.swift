import Compliance
import Engine
import HarbourCore
import Matching
import Surveillance
import Testing

/// MM-4 re-quote duty after a volatility interruption (PRICE-4), through the real engine:
/// the index jumps 11 %, the guard puts BTC-PERP in cancel-only for its 2-minute cool-off and
/// restores it; each affiliated MM must be back two-way within its terms within
/// `requoteAfterInterruptionMs` (60 s by default) of the restore.
@Suite struct RequoteAfterInterruptionTests {
    /// A venue with mm-a, mm-b (and mm-c) quoting BTC-PERP at 60,000 under 20 bps / 1 BTC terms,
    /// the index fed every second. `interrupt` then trips the guard.
    struct Scenario {
        let venue: SurveillanceVenue
        let makers: [AccountID]
        var now: Int64
        var price: Int64 = 600_000

        init(makers names: [String]) {
            let venue = SurveillanceVenue(marketMakers: Dictionary(uniqueKeysWithValues: names.map { ($0, [terms(maxSpreadBps: 20, minSize: 1_000)]) }))
            self.venue = venue
            now = day0 + hour
            makers = names.map { openTradingAccount(venue, $0, ts: day0 + hour) }
            second()
            for maker in makers { quote(maker, bid: 599_800, ask: 600_200) }
            for _ in 0..<5 { second() }
        }

        /// One second later: both index sources at `price` (the engine's time-driven work runs).
        mutating func second() {
            now += 1_000
            venue.feedIndex(price, at: now)
        }

        func quote(_ maker: AccountID, bid: Int64? = nil, ask: Int64? = nil) {
            if let bid { venue.place(maker, .buy, price: bid, quantity: 1_000, at: now) }
            if let ask { venue.place(maker, .sell, price: ask, quantity: 1_000, at: now) }
        }

        var status: InstrumentStatus { venue.engine.statuses[0] }

        /// False (and a recorded issue) once the scenario has run for more than a day, so a
        /// guard that never trips or never restores fails the test instead of hanging it.
        func secondsBounded() -> Bool {
            guard now < day0 + 24 * hour else { Issue.record("the guard did not move by \(now)"); return false }
            return true
        }

        /// The index jumps (to 66,600: 11 %): the guard trips; seconds pass until it restores
        /// trading. Returns the restore time. `duringCoolOff` runs once, in cancel-only.
        @discardableResult
        mutating func interrupt(to jump: Int64 = 666_000, duringCoolOff: (inout Scenario) -> Void = { _ in }) -> Int64 {
            price = jump
            second()
            while status == .enabled && secondsBounded() { second() }
            let until = venue.engine.volatilityPausedUntil(btc)
            #expect(until != nil, "a volatility interruption, not another guard")
            duringCoolOff(&self)
            while status != .enabled && secondsBounded() { second() }
            #expect(now == until, "restored by the first command at the end of the cool-off")
            return now
        }

        func requoteAlerts() -> [RaisedAlert] { venue.alerts.filter { $0.alert.rule == .requoteAfterInterruption } }
    }

    @Test func aMakerBackWithinThirtySecondsMeetsItAndOneStillOneSidedAtTheDeadlineIsAlertedThen() {
        var scenario = Scenario(makers: ["mm-a", "mm-b", "mm-c"])
        let (mmA, mmB) = (scenario.makers[0], scenario.makers[1])
        let resumed = scenario.interrupt { scenario in
            for maker in [mmA, mmB] { scenario.venue.apply(.cancelAll(account: maker, instrument: btc), at: scenario.now) }
        }
        // mm-c kept its quotes through the cool-off: present at the restore.
        let deadline = resumed + 60_000
        for _ in 0..<10 { scenario.second() }
        scenario.quote(mmB, bid: 665_800)                                     // one side only
        for _ in 0..<10 { scenario.second() }
        scenario.quote(mmB, ask: 668_000)                                     // 33 bps wide: too wide
        for _ in 0..<10 { scenario.second() }
        #expect(scenario.now == resumed + 30_000)
        scenario.quote(mmA, bid: 665_800, ask: 666_200)                       // 6 bps, 1 BTC a side
        while scenario.now < deadline - 1_000 { scenario.second() }
        #expect(scenario.requoteAlerts().isEmpty, "nothing is raised before the deadline")
        scenario.second()
        #expect(scenario.now == deadline)
        let alerts = scenario.requoteAlerts()
        #expect(alerts.count == 1)
        #expect(alerts.first?.raisedAtMs == deadline)
        #expect(alerts.first?.alert.accounts == ["mm-b"] && alerts.first?.alert.symbol == "BTC-PERP")
        #expect(alerts.first?.alert.fromMs == resumed && alerts.first?.alert.toMs == deadline)
        #expect(alerts.first?.alert.evidence == "no firm two-way quote (max spread 20 bps, min size 1000) by the deadline: continuous trading resumed after a volatility interruption at \(resumed), deadline \(deadline) (60000 ms); quote back: not by the deadline")
        for _ in 0..<10 { scenario.second() }
        scenario.quote(mmB, ask: 666_200)                                     // back, but late
        scenario.second()
        #expect(scenario.requoteAlerts().count == 1, "one alert per missed clock")

        scenario.venue.apply(.tick, at: day0 + 24 * hour + 5_000)
        let requotes = Dictionary(uniqueKeysWithValues: scenario.venue.projection.reports.map { ($0.account, $0.requotes) })
        #expect(requotes["mm-a"]?.interruptions == 1 && requotes["mm-a"]?.met == 1 && requotes["mm-a"]?.missed == 0)
        #expect(requotes["mm-a"]?.worstRequoteMs == 30_000)
        #expect(requotes["mm-b"]?.interruptions == 1 && requotes["mm-b"]?.met == 0 && requotes["mm-b"]?.missed == 1)
        #expect(requotes["mm-b"]?.worstRequoteMs == nil)
        #expect(requotes["mm-c"]?.met == 1 && requotes["mm-c"]?.worstRequoteMs == 0)
        let business = scenario.venue.projection.businessDays.days(asOf: day0 + 24 * hour + 5_000)
            .filter { $0.date == "2026-01-01" && $0.account == "mm-a" }
        #expect(business.map(\.requotes) == [requotes["mm-a"]!])

        let replay = scenario.venue.replayed()
        #expect(replay.alerts == scenario.venue.alerts && replay.reports == scenario.venue.projection.reports)
    }

    /// The first command after the deadline raises the missed alert at the deadline's time.
    @Test func aDeadlinePassedBetweenCommandsIsRaisedAtTheDeadline() {
        var scenario = Scenario(makers: ["mm-a"])
        let mmA = scenario.makers[0]
        let resumed = scenario.interrupt { scenario in scenario.venue.apply(.cancelAll(account: mmA, instrument: btc), at: scenario.now) }
        while scenario.now < resumed + 55_000 { scenario.second() }           // feeds keep the index fresh
        scenario.now = resumed + 58_999
        scenario.second()                                                     // at 59,999 ms: not yet
        #expect(scenario.requoteAlerts().isEmpty)
        scenario.now = resumed + 64_000
        scenario.second()                                                     // the next command, 65 s after
        #expect(scenario.requoteAlerts().map(\.raisedAtMs) == [resumed + 60_000])
        scenario.quote(mmA, bid: 665_800, ask: 666_200)
        #expect(scenario.requoteAlerts().map(\.alert.accounts) == [["mm-a"]])
    }

    /// An operator who re-enables the contract during the guard's cool-off ends the interruption:
    /// the clock runs from the operator's enable. A new interruption before the deadline drops
    /// the running clock (no quote was possible), and the next restore starts a new one.
    @Test func anOperatorsEarlyEnableEndsTheInterruptionAndAReInterruptionDropsTheClock() {
        var scenario = Scenario(makers: ["mm-a"])
        let mmA = scenario.makers[0]
        scenario.price = 666_000
        scenario.second()
        while scenario.status == .enabled && scenario.secondsBounded() { scenario.second() }
        #expect(scenario.venue.engine.volatilityPausedUntil(btc) != nil)
        scenario.venue.apply(.cancelAll(account: mmA, instrument: btc), at: scenario.now)
        scenario.second()
        scenario.venue.apply(.setInstrumentStatus(instrument: btc, status: .enabled), at: scenario.now)
        let enabledAt = scenario.now
        #expect(scenario.venue.projection.businessDays.days(asOf: scenario.now).map(\.requotes.interruptions) == [1])
        while scenario.now < enabledAt + 59_000 { scenario.second() }
        #expect(scenario.requoteAlerts().isEmpty)
        scenario.second()
        #expect(scenario.requoteAlerts().map(\.alert.fromMs) == [enabledAt])
        #expect(scenario.requoteAlerts().map(\.raisedAtMs) == [enabledAt + 60_000])

        // The guard's own cool-off ends (nothing to restore: the operator's status stands); then a
        // second interruption, re-interrupted 10 s after its restore: that clock is dropped, not missed.
        while scenario.venue.engine.volatilityPausedUntil(btc) != nil && scenario.secondsBounded() { scenario.second() }
        for _ in 0..<5 { scenario.second() }
        let resumed = scenario.interrupt(to: 590_000)
        for _ in 0..<10 { scenario.second() }
        scenario.price = 666_000
        scenario.second()
        while scenario.status == .enabled && scenario.secondsBounded() { scenario.second() }
        #expect(scenario.venue.engine.volatilityPausedUntil(btc) != nil)
        for _ in 0..<60 { scenario.second() }
        #expect(scenario.requoteAlerts().count == 1, "the clock from \(resumed) was dropped")
        let tally = scenario.venue.projection.businessDays.days(asOf: scenario.now).first?.requotes
        #expect(tally?.interruptions == 2 && tally?.met == 0 && tally?.missed == 1, "\(String(describing: tally))")
    }

    /// An operator's cancel-only and enable is not a volatility interruption: no clock, no alert.
    @Test func anOperatorsCancelOnlyAndEnableOwesNoRequote() {
        var scenario = Scenario(makers: ["mm-a"])
        let mmA = scenario.makers[0]
        scenario.venue.apply(.setInstrumentStatus(instrument: btc, status: .cancelOnly), at: scenario.now)
        scenario.venue.apply(.cancelAll(account: mmA, instrument: btc), at: scenario.now)
        for _ in 0..<30 { scenario.second() }
        scenario.venue.apply(.setInstrumentStatus(instrument: btc, status: .enabled), at: scenario.now)
        for _ in 0..<120 { scenario.second() }
        #expect(scenario.status == .enabled)
        #expect(scenario.requoteAlerts().isEmpty)
        scenario.venue.apply(.tick, at: day0 + 24 * hour + 5_000)
        #expect(scenario.venue.projection.reports.map(\.requotes.interruptions) == [0])
    }
}
