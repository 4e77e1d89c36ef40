import Compliance
import Engine
import HarbourCore
import Matching

/// Market surveillance (MM-5) and market-maker obligations (MM-4) as a deterministic
/// projection of the engine's output: fed, for every command in sequence order, its
/// timestamp, the command and the events it produced, it drives one `SurveillanceMonitor`
/// and one `MarketMakerPresenceMeter` per (affiliated MM, contract) and yields alerts and
/// day reports. It reads nothing but its input and its `SurveillanceContext` — no engine,
/// clock or I/O — so the same commands and events always give the same alerts with the
/// same ids, whether live behind the sequencer or from a journal replay.
///
/// - **Book tops** come from a `ProjectedOrderBook` rebuilt from the commands and events,
///   not from the engine (which a live subscriber cannot read at the command's moment).
/// - **Business days** (`businessDays`, REG-3): the same presence, and the trading volume,
///   per local day at `context.businessDayOffsetMinutes` (HKT by default); no alerts.
/// - **Days** are UTC days of command time. The first command to reach a new day closes
///   the previous one(s) at midnight, before its own events (its funding times are noted
///   first, since they are ≤ its timestamp): each meter's `DayReport`, an
///   `obligationsBreach` alert when presence is below the MM's minimum (days without
///   continuous trading owe nothing), and the day's marking-the-close alerts.
/// - **Re-quotes after a volatility interruption** (MM-4, `RequoteDuty`): when a contract the
///   volatility guard put in cancel-only is back in continuous trading, each affiliated MM on it
///   owes a firm two-way quote within `requoteAfterInterruptionMs`; a `requoteAfterInterruption`
///   alert is raised at the deadline (by the first command at or after it, at the deadline's
///   time) when none came. Tallied per UTC day in `reports` and per business day.
/// - **Prices**: after each command that moved a mark, an index or a last price, the
///   divergences are checked; an episode raises one alert when it starts.
public struct SurveillanceProjection: Sendable {
    /// What one command added.
    public struct Step: Sendable, Hashable {
        public let alerts: [RaisedAlert]
        public let reports: [MarketMakerDayReport]
    }

    public let context: SurveillanceContext
    public private(set) var monitor: SurveillanceMonitor
    public private(set) var book = ProjectedOrderBook()
    /// Every alert raised so far, in order (ids 1, 2, …).
    public private(set) var alerts: [RaisedAlert] = []
    /// Every closed day's report, in order of day, then account, then symbol.
    public private(set) var reports: [MarketMakerDayReport] = []
    /// The same meters per business day (`context.businessDayOffsetMinutes`), with activity (REG-3).
    public private(set) var businessDays: BusinessDayPresence
    /// Meters by "account|symbol", created at the first command.
    private var meters: [String: MarketMakerPresenceMeter] = [:]
    private var names: [String]
    /// Live orders of affiliated MMs on a contract they have terms for → their meter's key.
    private var marketMakerOrders: [OrderID: String] = [:]
    private var dayStartMs: Int64?
    private var marks: [Int64]
    private var indexes: [Int64]
    private var lasts: [Int64]
    private var requoteDuty = RequoteDuty()
    /// The open UTC day's re-quote tallies by meter key.
    private var requoteTallies: [String: RequoteTally] = [:]

    public init(context: SurveillanceContext) {
        self.context = context
        names = context.accountNames
        businessDays = BusinessDayPresence(offsetMinutes: context.businessDayOffsetMinutes)
        let scales = Dictionary(zip(context.symbols, context.sizeDecimals), uniquingKeysWith: { first, _ in first })
        monitor = SurveillanceMonitor(policy: context.policy, owners: context.owners,
                                      affiliatedMarketMakers: Set(context.marketMakers.keys), sizeDecimals: scales)
        marks = Array(repeating: 0, count: context.symbols.count)
        indexes = marks
        lasts = marks
    }

    /// The name of an account (its `account#n` description if it was never seen opened).
    public func name(of account: AccountID) -> String {
        Int(account.index) < names.count ? names[Int(account.index)] : account.description
    }

    /// Feeds one command's outcome; returns the alerts and reports it produced.
    @discardableResult
    public mutating func observe(timestamp now: Int64, command: Command, events: [Event]) -> Step {
        let alertsBefore = alerts.count, reportsBefore = reports.count
        for event in events { if case .funding(let funding) = event { monitor.fundingTime(symbol: symbol(funding.instrument), at: funding.fundingTime) } }
        closeOverdueRequotes(before: now)
        startOrCloseDays(at: now)
        var volatile: Set<InstrumentID> = []
        var touched: Set<OrderID> = []
        var triggered: Set<OrderID> = []
        var placed = false
        var pricesMoved: Set<InstrumentID> = []
        for event in events {
            switch event {
            case .accountOpened(let account, _):
                if case .openAccount(let name, _, _) = command { learn(account, name) }
            case let .accepted(orderId, account, instrument, _):
                guard !placed, case .placeOrder(let order) = command, order.account == account, order.instrument == instrument else { break }
                placed = true
                accept(order, id: orderId, at: now)
                touched.insert(orderId)
            case .triggered(let orderId, _, _, _):
                let top = book.waiting(orderId).map { book.top($0.instrument) } ?? .empty
                if let order = book.trigger(orderId) {
                    noteMarketMaker(order)
                    triggered.insert(orderId)
                    touched.insert(orderId)
                    raise(monitor.orderPlaced(orderId: orderId, account: name(of: order.account), symbol: symbol(order.instrument),
                                              side: order.side, price: order.price, quantity: order.quantity,
                                              bestBid: top.bid, bestAsk: top.ask, at: now), at: now)
                }
            case .trade(let trade):
                record(trade, at: now)
                touched.formUnion([trade.makerOrderId, trade.takerOrderId])
                pricesMoved.insert(trade.instrument)
            case .canceled(let end):
                _ = book.remove(end.orderId)
                touched.insert(end.orderId)
                raise(monitor.orderCanceled(orderId: end.orderId, at: now), at: now)
            case .expired(let end):
                _ = book.remove(end.orderId)
                touched.insert(end.orderId)
                monitor.orderClosed(orderId: end.orderId)
            case let .rejected(_, _, orderId?, _) where triggered.contains(orderId):
                _ = book.remove(orderId)
                monitor.orderClosed(orderId: orderId)
            case let .amended(orderId, _, instrument, price, quantity, _):
                let top = book.top(instrument, without: orderId)
                _ = book.amend(orderId, price: price, quantity: quantity)
                monitor.orderAmended(orderId: orderId, price: price, quantity: quantity, bestBid: top.bid, bestAsk: top.ask, at: now)
                touched.insert(orderId)
            case let .mark(instrument, price):
                marks[Int(instrument.index)] = price
                pricesMoved.insert(instrument)
            case let .index(instrument, result):
                indexes[Int(instrument.index)] = result.price?.raw ?? 0
                pricesMoved.insert(instrument)
            case .volatilityInterruption(let interruption):
                volatile.insert(interruption.instrument)
            case let .instrumentStatus(instrument, status):
                tradingStateChanged(symbol(instrument), continuous: status == .enabled, at: now)
                requoteStatusChanged(symbol(instrument), status: status, byVolatilityGuard: volatile.contains(instrument), at: now)
            case .compliance(let compliance):
                learn(compliance, at: now)
            default:
                break
            }
        }
        updatePresence(touched.sorted(), at: now)
        decideRequotes(at: now)
        for instrument in pricesMoved.sorted() {
            let i = Int(instrument.index)
            guard i < marks.count else { continue }
            raise(monitor.pricesObserved(symbol: symbol(instrument), mark: marks[i], index: indexes[i], last: lasts[i], at: now), at: now)
        }
        return Step(alerts: Array(alerts[alertsBefore...]), reports: Array(reports[reportsBefore...]))
    }

    /// Closes every day that ended by `now` without a command (for a reader that wants the
    /// reports of days that are over although no command has arrived since midnight).
    /// Idempotent and order-preserving: a later `observe` at or after `now` continues as if
    /// the command itself had closed them.
    @discardableResult
    public mutating func closeDays(through now: Int64) -> Step {
        let alertsBefore = alerts.count, reportsBefore = reports.count
        closeOverdueRequotes(before: now)
        startOrCloseDays(at: now)
        return Step(alerts: Array(alerts[alertsBefore...]), reports: Array(reports[reportsBefore...]))
    }

    /// Owners and affiliated market makers are learnt from the stream as compliance approves
    /// them, so a replay knows them from the same sequence on.
    private mutating func learn(_ event: ComplianceEvent, at now: Int64) {
        switch event {
        case let .classified(account, classification):
            if let owner = classification.beneficialOwners.sorted().first { monitor.setOwner(account: name(of: account), owner: owner) }
        case let .marketMakerRegistered(account, terms):
            let maker = name(of: account)
            monitor.addMarketMaker(maker)
            let key = maker + "|" + terms.symbol
            if meters[key] == nil { meters[key] = MarketMakerPresenceMeter(terms: terms, startMs: now) }
            businessDays.add(key: key, terms: terms, at: now)
        default:
            break
        }
    }

    // MARK: - Orders

    private mutating func accept(_ order: PlaceOrder, id: OrderID, at now: Int64) {
        let projected = ProjectedOrder(orderId: id, account: order.account, instrument: order.instrument, side: order.side,
                                       price: order.type.hasLimitPrice ? order.price : 0, quantity: order.quantity, filled: 0)
        if order.type.isConditional {
            book.park(projected)
            return
        }
        let top = book.top(order.instrument)
        book.arrive(projected)
        noteMarketMaker(projected)
        raise(monitor.orderPlaced(orderId: id, account: name(of: order.account), symbol: symbol(order.instrument),
                                  side: order.side, price: projected.price, quantity: order.quantity,
                                  bestBid: top.bid, bestAsk: top.ask, at: now), at: now)
    }

    private mutating func record(_ trade: Trade, at now: Int64) {
        if Int(trade.instrument.index) < lasts.count { lasts[Int(trade.instrument.index)] = trade.price }
        for id in [trade.makerOrderId, trade.takerOrderId] {
            if let order = book.fill(id, quantity: trade.quantity), order.remaining <= 0 { monitor.orderClosed(orderId: id) }
        }
        businessDays.traded(symbol: symbol(trade.instrument), makerAccount: name(of: trade.makerAccount),
                            takerAccount: name(of: trade.takerAccount), price: trade.price, quantity: trade.quantity)
        raise(monitor.trade(symbol: symbol(trade.instrument), price: trade.price, quantity: trade.quantity,
                            makerOrder: trade.makerOrderId, takerOrder: trade.takerOrderId,
                            makerAccount: name(of: trade.makerAccount), takerAccount: name(of: trade.takerAccount),
                            takerSide: trade.takerSide, at: now), at: now)
    }

    // MARK: - Presence (MM-4)

    /// Hands the final state of every MM order the command touched to its meter.
    private mutating func updatePresence(_ ids: [OrderID], at now: Int64) {
        for id in ids {
            guard let key = marketMakerOrders[id] else { continue }
            if let order = book.order(id), order.onBook {
                meters[key]?.rested(orderId: id, side: order.side, price: order.price, remaining: order.remaining, at: now)
                businessDays.rested(key: key, orderId: id, side: order.side, price: order.price, remaining: order.remaining, at: now)
            } else {
                meters[key]?.removed(orderId: id, at: now)
                businessDays.removed(key: key, orderId: id, at: now)
                if book.order(id) == nil { marketMakerOrders[id] = nil }
            }
        }
    }

    private mutating func tradingStateChanged(_ symbol: String, continuous: Bool, at now: Int64) {
        for key in meters.keys.sorted() where key.hasSuffix("|" + symbol) {
            meters[key]!.tradingStateChanged(continuous: continuous, at: now)
        }
        businessDays.tradingStateChanged(symbol: symbol, continuous: continuous, at: now)
    }

    // MARK: - Days

    private mutating func startOrCloseDays(at now: Int64) {
        businessDays.advance(to: now)
        guard let start = dayStartMs else {
            dayStartMs = UTCDay.start(of: now)
            for (account, terms) in context.marketMakers.sorted(by: { $0.key < $1.key }) {
                for term in terms {
                    meters[account + "|" + term.symbol] = MarketMakerPresenceMeter(terms: term, startMs: now)
                    businessDays.add(key: account + "|" + term.symbol, terms: term, at: now)
                }
            }
            return
        }
        var dayStart = start
        while now >= dayStart + UTCDay.milliseconds {
            let midnight = dayStart + UTCDay.milliseconds
            closeDay(from: dayStart, to: midnight)
            dayStart = midnight
        }
        dayStartMs = dayStart
    }

    private mutating func closeDay(from dayStart: Int64, to midnight: Int64) {
        for key in meters.keys.sorted() {
            let account = String(key.split(separator: "|", maxSplits: 1)[0])
            let report = meters[key]!.closeDay(at: midnight)
            let minimum = meters[key]!.terms.minPresenceBps
            reports.append(MarketMakerDayReport(account: account, date: UTCDay.name(of: dayStart), minPresenceBps: minimum, report: report,
                                                requotes: requoteTallies[key] ?? RequoteTally()))
            guard report.tradingMs > 0, !report.met else { continue }
            raise([SurveillanceAlert(rule: .obligationsBreach, symbol: report.symbol, accounts: [account], orders: [],
                                     fromMs: report.fromMs, toMs: report.toMs,
                                     evidence: "firm two-way presence \(report.presenceBps) bps is below the minimum \(minimum) bps: present \(report.presentMs) ms of \(report.tradingMs) ms of continuous trading")],
                  at: midnight)
        }
        raise(monitor.closePeriod(fromMs: dayStart, toMs: midnight), at: midnight)
        requoteTallies = [:]
    }

    // MARK: - Re-quotes after a volatility interruption (MM-4)

    /// A status change of `symbol`: the volatility guard's cancel-only interrupts it (the
    /// `volatilityInterruption` event came first in the same command), any other departure
    /// from continuous trading drops its running clocks, a return starts one per MM.
    private mutating func requoteStatusChanged(_ symbol: String, status: InstrumentStatus, byVolatilityGuard: Bool, at now: Int64) {
        guard status == .enabled else {
            if status == .cancelOnly && byVolatilityGuard { requoteDuty.interrupted(symbol: symbol) } else { requoteDuty.suspended(symbol: symbol) }
            return
        }
        let makers = meters.keys.sorted().filter { $0.hasSuffix("|" + symbol) }.map { key in
            (key: key, account: String(key.split(separator: "|", maxSplits: 1)[0]), requoteMs: meters[key]!.terms.requoteAfterInterruptionMs)
        }
        for clock in requoteDuty.resumed(symbol: symbol, at: now, makers: makers) {
            requoteTallies[clock.key, default: RequoteTally()].started()
            businessDays.requoteStarted(key: clock.key)
        }
    }

    /// After a command's events: met clocks stop, a clock at its deadline without a quote is missed.
    private mutating func decideRequotes(at now: Int64) {
        for outcome in requoteDuty.decide(at: now, isPresent: { meters[$0]?.isPresent ?? false }) {
            switch outcome {
            case let .met(clock, at):
                requoteTallies[clock.key, default: RequoteTally()].metAfter(at - clock.resumedMs)
                businessDays.requoteMet(key: clock.key, afterMs: at - clock.resumedMs)
            case .missed(let clock):
                requoteMissed(clock)
            }
        }
    }

    /// Clocks whose deadline passed before `now` without a quote, each at its deadline (days
    /// that ended before a deadline are closed first, so alerts stay in time order).
    private mutating func closeOverdueRequotes(before now: Int64) {
        for clock in requoteDuty.overdue(before: now) {
            startOrCloseDays(at: clock.deadlineMs)
            requoteMissed(clock)
        }
    }

    private mutating func requoteMissed(_ clock: RequoteClock) {
        requoteTallies[clock.key, default: RequoteTally()].missedDeadline()
        businessDays.requoteMissed(key: clock.key)
        let terms = meters[clock.key]?.terms
        raise([SurveillanceAlert(rule: .requoteAfterInterruption, symbol: clock.symbol, accounts: [clock.account], orders: [],
                                 fromMs: clock.resumedMs, toMs: clock.deadlineMs,
                                 evidence: "no firm two-way quote (max spread \(terms?.maxSpreadBps ?? 0) bps, min size \(terms?.minSize ?? 0)) "
                                     + "by the deadline: continuous trading resumed after a volatility interruption at \(clock.resumedMs), "
                                     + "deadline \(clock.deadlineMs) (\(clock.deadlineMs - clock.resumedMs) ms); quote back: not by the deadline")],
              at: clock.deadlineMs)
    }

    // MARK: - Helpers

    private mutating func raise(_ new: [SurveillanceAlert], at now: Int64) {
        for alert in new { alerts.append(RaisedAlert(id: Int64(alerts.count + 1), raisedAtMs: now, alert: alert)) }
    }

    private mutating func learn(_ account: AccountID, _ name: String) {
        let index = Int(account.index)
        while names.count <= index { names.append(AccountID(UInt32(names.count)).description) }
        names[index] = name
    }

    private func symbol(_ instrument: InstrumentID) -> String {
        Int(instrument.index) < context.symbols.count ? context.symbols[Int(instrument.index)] : instrument.description
    }

    private mutating func noteMarketMaker(_ order: ProjectedOrder) {
        let key = name(of: order.account) + "|" + symbol(order.instrument)
        if meters[key] != nil { marketMakerOrders[order.orderId] = key }
    }
}
