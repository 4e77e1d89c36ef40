import Compliance
import HarbourCore

/// Market makers' presence and activity per business day (REG-3 `mm-obligations`, MM-4): a
/// second set of presence meters, fed the same inputs as the projection's UTC-day meters but
/// closed at local midnights at `offsetMinutes` east of UTC (HKT, +480, by default), with each
/// day's traded volume per contract and per market maker. It raises no alert — breach alerts
/// stay on the UTC days, so alert ids do not depend on the reporting zone — and it reads
/// nothing but its inputs, so a journal replay gives the same figures as the live projection.
public struct BusinessDayPresence: Sendable {
    /// Minutes east of UTC of the business day.
    public let offsetMinutes: Int
    /// Every closed business day, in order of day, then account, then symbol.
    public private(set) var closed: [MarketMakerBusinessDay] = []
    /// Meters by "account|symbol" (the projection's keys).
    private var meters: [String: MarketMakerPresenceMeter] = [:]
    private var dayStartMs: Int64?
    private var lastMs: Int64 = .min
    /// The open day's volume per contract symbol and per meter key.
    private var contracts: [String: TradedVolume] = [:]
    private var makers: [String: TradedVolume] = [:]
    /// The open day's re-quote tallies per meter key.
    private var requotes: [String: RequoteTally] = [:]

    public init(offsetMinutes: Int) { self.offsetMinutes = offsetMinutes }

    private var offsetMs: Int64 { Int64(offsetMinutes) * 60_000 }

    /// The closed days and, when `now` is past the open day's start, the open day measured up
    /// to `now` (`complete == false`); `now` earlier than the last input counts as the last input.
    public func days(asOf now: Int64) -> [MarketMakerBusinessDay] {
        var copy = self
        let asOf = max(now, lastMs)
        copy.advance(to: asOf)
        guard let start = copy.dayStartMs, asOf > start else { return copy.closed }
        var open = copy.meters
        return copy.closed + copy.report(closing: &open, dayStart: start, at: asOf, complete: false)
    }

    // MARK: - Inputs (from `SurveillanceProjection`, in command-time order)

    /// Closes every business day that ended by `now`; the first call starts the first day.
    mutating func advance(to now: Int64) {
        lastMs = max(lastMs, now)
        guard var dayStart = dayStartMs else {
            dayStartMs = UTCDay.start(of: now + offsetMs) - offsetMs
            return
        }
        while now >= dayStart + UTCDay.milliseconds {
            let midnight = dayStart + UTCDay.milliseconds
            closed += report(closing: &meters, dayStart: dayStart, at: midnight, complete: true)
            contracts = [:]
            makers = [:]
            requotes = [:]
            dayStart = midnight
        }
        dayStartMs = dayStart
    }

    /// A market maker's meter for a contract, from `now` (a key seen before keeps its meter).
    mutating func add(key: String, terms: MarketMakerTerms, at now: Int64) {
        if meters[key] == nil { meters[key] = MarketMakerPresenceMeter(terms: terms, startMs: now) }
    }

    mutating func rested(key: String, orderId: Int64, side: Side, price: Int64, remaining: Int64, at now: Int64) {
        meters[key]?.rested(orderId: orderId, side: side, price: price, remaining: remaining, at: now)
    }

    mutating func removed(key: String, orderId: Int64, at now: Int64) {
        meters[key]?.removed(orderId: orderId, at: now)
    }

    mutating func tradingStateChanged(symbol: String, continuous: Bool, at now: Int64) {
        for key in meters.keys.sorted() where key.hasSuffix("|" + symbol) {
            meters[key]!.tradingStateChanged(continuous: continuous, at: now)
        }
    }

    /// A re-quote clock started (`RequoteTally.started`), met after `requoteMs`, or missed.
    mutating func requoteStarted(key: String) { requotes[key, default: RequoteTally()].started() }
    mutating func requoteMet(key: String, afterMs requoteMs: Int64) { requotes[key, default: RequoteTally()].metAfter(requoteMs) }
    mutating func requoteMissed(key: String) { requotes[key, default: RequoteTally()].missedDeadline() }

    /// One trade of `symbol`: counted for the contract, and once for each measured market
    /// maker on either side of it.
    mutating func traded(symbol: String, makerAccount: String, takerAccount: String, price: Int64, quantity: Int64) {
        contracts[symbol, default: TradedVolume()].add(price: price, quantity: quantity)
        for account in Set([makerAccount, takerAccount]).sorted() {
            let key = account + "|" + symbol
            if meters[key] != nil { makers[key, default: TradedVolume()].add(price: price, quantity: quantity) }
        }
    }

    /// Each meter's figures from `dayStart` to `end`, closing the meters given.
    private func report(closing meters: inout [String: MarketMakerPresenceMeter], dayStart: Int64, at end: Int64,
                        complete: Bool) -> [MarketMakerBusinessDay] {
        var days: [MarketMakerBusinessDay] = []
        for key in meters.keys.sorted() {
            let account = String(key.split(separator: "|", maxSplits: 1)[0])
            let presence = meters[key]!.closeDay(at: end)
            days.append(MarketMakerBusinessDay(account: account, symbol: presence.symbol, date: UTCDay.name(of: dayStart + offsetMs),
                                               complete: complete, minPresenceBps: meters[key]!.terms.minPresenceBps,
                                               presence: presence, marketMaker: makers[key] ?? TradedVolume(),
                                               contract: contracts[presence.symbol] ?? TradedVolume(),
                                               requotes: requotes[key] ?? RequoteTally()))
        }
        return days
    }
}
