/// The re-quote duty after a volatility interruption (MM-4, PRICE-4) as a pure reducer over
/// command time, for the surveillance projection.
///
/// - An **interruption** is the engine's volatility guard taking a contract out of continuous
///   trading: a `volatilityInterruption` event followed, in the same command, by the guard's
///   `instrumentStatus` cancel-only (`interrupted(symbol:)`). An operator's cancel-only, a
///   halt, or the degraded-index guard is not one; neither is a volatility interruption on a
///   contract that was already out of continuous trading (no status change).
/// - Its **end** is the contract's next return to continuous trading (`instrumentStatus`
///   enabled): normally the engine's restore when the cool-off has passed (or later, when a
///   degraded index recovers), or an operator's enable if that comes first. Then one clock
///   starts per affiliated market maker with terms on the contract (`resumed`).
/// - A clock is **met** at the first command after which the market maker is present two-way
///   within its terms (the daily obligation's test), at or before the deadline; **missed** when
///   the deadline passes first. A clock whose contract leaves continuous trading again before
///   either is dropped (the market maker could not quote), and the next resumption starts anew.
struct RequoteDuty: Sendable {
    /// How a clock ended.
    enum Outcome: Sendable, Hashable {
        case met(RequoteClock, atMs: Int64)
        case missed(RequoteClock)
    }

    /// Contracts interrupted by the volatility guard and not yet back in continuous trading.
    private var interrupted: Set<String> = []
    private var clocks: [RequoteClock] = []

    /// The volatility guard took `symbol` out of continuous trading.
    mutating func interrupted(symbol: String) {
        clocks.removeAll { $0.symbol == symbol }
        interrupted.insert(symbol)
    }

    /// `symbol` left continuous trading for another reason: its running clocks are dropped.
    mutating func suspended(symbol: String) {
        clocks.removeAll { $0.symbol == symbol }
    }

    /// `symbol` is back in continuous trading at `now`; `makers` are the (key, account, terms'
    /// re-quote ms) of its market makers. Returns the clocks started (none unless interrupted).
    mutating func resumed(symbol: String, at now: Int64, makers: [(key: String, account: String, requoteMs: Int64)]) -> [RequoteClock] {
        guard interrupted.remove(symbol) != nil else { return [] }
        let started = makers.map { RequoteClock(key: $0.key, account: $0.account, symbol: symbol, resumedMs: now,
                                                deadlineMs: now + $0.requoteMs) }
        clocks += started
        return started
    }

    /// Removes and returns, by deadline then key, the clocks whose deadline is before `limit`
    /// (missed: no command up to their deadline found the market maker present).
    mutating func overdue(before limit: Int64) -> [RequoteClock] {
        let due = clocks.filter { $0.deadlineMs < limit }.sorted { ($0.deadlineMs, $0.key) < ($1.deadlineMs, $1.key) }
        clocks.removeAll { $0.deadlineMs < limit }
        return due
    }

    /// After a command at `now`: each running clock whose market maker `isPresent` is met at
    /// `now`; one whose deadline is `now` and is not present is missed. By key.
    mutating func decide(at now: Int64, isPresent: (String) -> Bool) -> [Outcome] {
        var outcomes: [Outcome] = []
        for clock in clocks.sorted(by: { ($0.key, $0.resumedMs) < ($1.key, $1.resumedMs) }) {
            if isPresent(clock.key) {
                outcomes.append(.met(clock, atMs: now))
            } else if clock.deadlineMs <= now {
                outcomes.append(.missed(clock))
            }
        }
        let ended = Set(outcomes.map { outcome -> RequoteClock in
            switch outcome { case .met(let clock, _), .missed(let clock): clock }
        })
        clocks.removeAll { ended.contains($0) }
        return outcomes
    }
}
