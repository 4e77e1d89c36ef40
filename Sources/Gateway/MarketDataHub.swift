import Engine
import Foundation
import HarbourCore
import Logging
import Sequencer
import ServiceLifecycle
import Synchronization

/// Follows the host's durable outcomes (`VenueHost.subscribe()`) and serves market data:
/// a ring of recent public trades per instrument, the book as of a journal sequence, and
/// the WebSocket fan-out (public channels per symbol, each session's own account events on
/// `private`, and venue-wide risk events on `risk` for risk and supervisor sessions).
/// It is also where the server observes committed risk events: every `riskAlert` is
/// logged (`RiskAlertLog`) and liquidations and raised alerts are counted in the metrics.
///
/// Book channel: a subscriber first gets `{"type":"snapshot","sequence":S,...}`, then
/// `{"type":"update","sequence":T,...}` messages with T > S whose `bids`/`asks` list the
/// levels that changed (size "0" = level gone). The sequence is the last journal record
/// applied when the book was read, the same number REST `/v1/book` returns.
///
/// It runs as a service of the gateway application: `start()` subscribes and loads the
/// books, `run()` follows outcomes until graceful shutdown, and then drops its host
/// subscription so the host can shut down cleanly.
public final class MarketDataHub: Service {
    /// A public trade: no account, no order ids of others.
    struct PublicTrade: Sendable {
        let sequence: UInt64
        let timestamp: Int64
        let price: Int64
        let quantity: Int64
        let takerSide: Side
    }

    struct BookState: Sendable {
        var sequence: UInt64 = 0
        var bids: [Int64: Int64] = [:]
        var asks: [Int64: Int64] = [:]
    }

    struct Subscriber {
        var channels: Set<String> = []
        var account: AccountID?
        /// A risk or supervisor session: may receive the `risk` channel.
        var oversight = false
        let continuation: AsyncStream<String>.Continuation
        /// Messages queued and not yet written, against the session's bound.
        var backlog: SessionBacklog
        /// Called once, outside the hub's lock, when the backlog overflows.
        let onOverflow: @Sendable () -> Void
    }

    struct State {
        var trades: [[PublicTrade]]
        var books: [BookState]
        var marks: [Int64]
        var subscribers: [UInt64: Subscriber] = [:]
        var nextId: UInt64 = 0
        var progress = SequenceProgress()
        var started = false
    }

    static let ringSize = 1000
    static let bookLevels = 1000

    let host: VenueHost
    let specs: [InstrumentSpec]
    let asset: Asset
    let metrics: GatewayMetrics?
    let logger: Logger
    private let state: Mutex<State>
    private let outcomes = Mutex<AsyncStream<CommandOutcome>?>(nil)

    /// Messages a session may have queued (`GatewayConfiguration.webSocketQueueLimit`).
    let queueLimit: Int

    init(host: VenueHost, metrics: GatewayMetrics?, logger: Logger = Logger(label: "harbour.gateway"), queueLimit: Int = 10_000) {
        self.host = host
        self.queueLimit = queueLimit
        self.logger = logger
        self.specs = host.options.config.markets
        self.asset = host.options.config.settlementAsset
        self.metrics = metrics
        state = Mutex(State(trades: specs.map { _ in [] }, books: specs.map { _ in BookState() }, marks: specs.map { _ in 0 }))
    }

    func symbolIndex(_ symbol: String) -> Int? { specs.firstIndex { $0.symbol == symbol } }

    /// Subscribes to the host and loads the books; `run()` then follows the outcomes.
    func start() async throws {
        let stream = host.subscribe()
        outcomes.withLock { $0 = stream }
        let count = specs.count
        let initial = try await host.read { engine -> (UInt64, [[(Int64, Int64)]], [[(Int64, Int64)]], [Int64]) in
            let ids = (0..<count).map { InstrumentID(UInt16($0)) }
            return (UInt64(engine.commandCount),
                    ids.map { engine.book($0).depth(.buy, limit: Self.bookLevels).map { ($0.price, $0.quantity) } },
                    ids.map { engine.book($0).depth(.sell, limit: Self.bookLevels).map { ($0.price, $0.quantity) } },
                    engine.marks)
        }
        let ready = state.withLock { s in
            for i in 0..<count {
                s.books[i] = BookState(sequence: initial.0, bids: Dictionary(initial.1[i], uniquingKeysWith: +),
                                       asks: Dictionary(initial.2[i], uniquingKeysWith: +))
            }
            s.marks = initial.3
            s.started = true
            return s.progress.advance(to: initial.0)
        }
        for w in ready { w.resume() }
    }

    /// Follows the host's outcomes until graceful shutdown (or the host stops).
    public func run() async throws {
        guard let stream = outcomes.withLock({ s -> AsyncStream<CommandOutcome>? in
            defer { s = nil }
            return s
        }) else { return }
        for await outcome in stream.cancelOnGracefulShutdown() {
            await process(outcome)
        }
        let waiting = state.withLock { s in
            for sub in s.subscribers.values { sub.continuation.finish() }
            s.subscribers.removeAll()
            return s.progress.stop()
        }
        for w in waiting { w.resume() }
    }

    /// Loaded and following the host (false before `start()` and after shutdown).
    var isRunning: Bool { state.withLock { $0.started && !$0.progress.stopped } }

    /// Returns once every outcome up to `sequence` has been taken in (or the hub stopped),
    /// so a REST read of the trade ring right after an order sees that order's trades.
    func waitUntilProcessed(_ sequence: UInt64) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            if !state.withLock({ $0.progress.wait(for: sequence, c) }) { c.resume() }
        }
    }

    /// Recent trades, newest first.
    func recentTrades(_ index: Int, limit: Int) -> [PublicTrade] {
        state.withLock { Array($0.trades[index].suffix(limit).reversed()) }
    }

    /// Traded size over the last 24 h (as far as the ring reaches).
    func volume24h(_ index: Int, now: Int64) -> Int64 {
        state.withLock { s in s.trades[index].filter { $0.timestamp >= now - 86_400_000 }.reduce(0) { $0 + $1.quantity } }
    }

    // MARK: - Sessions

    /// A new WebSocket session's message stream. The stream itself is unbounded; the
    /// session's `SessionBacklog` bounds it: the writer calls `written(_:)` after each
    /// message, and when the queue would pass `queueLimit` nothing more is queued and
    /// `onOverflow` runs (once) so the session closes itself as a slow consumer.
    func register(onOverflow: @escaping @Sendable () -> Void = {}) -> (UInt64, AsyncStream<String>) {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .unbounded)
        let id = state.withLock { s -> UInt64 in
            let id = s.nextId
            s.nextId += 1
            s.subscribers[id] = Subscriber(continuation: continuation, backlog: SessionBacklog(limit: queueLimit), onOverflow: onOverflow)
            return id
        }
        return (id, stream)
    }

    /// Sends one message to one session (replies to pipelined orders).
    func push(_ id: UInt64, _ message: String) {
        let overflow = state.withLock { s in Self.deliver(&s, id, message) }
        overflow?()
    }

    /// Sends `message` on the `risk` channel to every risk or supervisor session subscribed
    /// to it: the server's own findings that are not engine events (a failed reconciliation).
    func publishRisk(_ message: String) {
        let overflows = state.withLock { s -> [@Sendable () -> Void] in
            var out: [@Sendable () -> Void] = []
            for id in Array(s.subscribers.keys) {
                guard let sub = s.subscribers[id], sub.oversight, sub.channels.contains("risk") else { continue }
                if let o = Self.deliver(&s, id, message) { out.append(o) }
            }
            return out
        }
        for o in overflows { o() }
    }

    /// The session's writer wrote one queued message to its socket.
    func written(_ id: UInt64) {
        state.withLock { $0.subscribers[id]?.backlog.written() }
    }

    /// Messages queued for a session and not yet written (tests, diagnostics).
    func backlog(_ id: UInt64) -> SessionBacklog? {
        state.withLock { $0.subscribers[id]?.backlog }
    }

    /// Queues `message` for session `id` under the slow-consumer policy; returns the
    /// session's overflow callback when this message overflowed it (call it after the lock).
    private static func deliver(_ s: inout State, _ id: UInt64, _ message: String) -> (@Sendable () -> Void)? {
        guard s.subscribers[id] != nil else { return nil }
        switch s.subscribers[id]!.backlog.enqueue() {
        case .deliver:
            s.subscribers[id]!.continuation.yield(message)
            return nil
        case .overflow:
            s.subscribers[id]!.continuation.finish()
            return s.subscribers[id]!.onOverflow
        case .discard:
            return nil
        }
    }

    func unregister(_ id: UInt64) {
        let c = state.withLock { $0.subscribers.removeValue(forKey: id)?.continuation }
        c?.finish()
    }

    func setAccount(_ id: UInt64, _ account: AccountID) {
        state.withLock { $0.subscribers[id]?.account = account }
    }

    /// Marks a session as a risk team member's or supervisor's (authenticated by the caller).
    func setOversight(_ id: UInt64) {
        state.withLock { $0.subscribers[id]?.oversight = true }
    }

    /// Adds channels; a book channel's snapshot is queued first, under the same lock as
    /// updates, so no update can slip between snapshot and stream.
    func subscribe(_ id: UInt64, channels: [String]) {
        let overflow = state.withLock { s -> (@Sendable () -> Void)? in
            var overflow: (@Sendable () -> Void)?
            guard s.subscribers[id] != nil else { return nil }
            for ch in channels where !s.subscribers[id]!.channels.contains(ch) {
                s.subscribers[id]!.channels.insert(ch)
                if ch.hasPrefix("book."), let i = symbolIndex(String(ch.dropFirst(5))) {
                    let b = s.books[i]
                    let spec = specs[i]
                    let msg = JSON.object([
                        ("channel", .string(ch)), ("type", "snapshot"), ("sequence", .int(Int64(b.sequence))),
                        ("bids", Fmt.levels(b.bids.sorted { $0.key > $1.key }.map { ($0.key, $0.value) }, spec)),
                        ("asks", Fmt.levels(b.asks.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, spec)),
                    ])
                    if let o = Self.deliver(&s, id, msg.rendered) { overflow = o }
                }
            }
            return overflow
        }
        overflow?()
    }

    func unsubscribe(_ id: UInt64, channels: [String]) {
        state.withLock { s in for ch in channels { s.subscribers[id]?.channels.remove(ch) } }
    }

    /// Whether a channel name is one this hub serves.
    func isValidChannel(_ ch: String) -> Bool {
        if ch == "private" || ch == "risk" { return true }
        for prefix in ["book.", "trades.", "ticker.", "mark."] where ch.hasPrefix(prefix) {
            return symbolIndex(String(ch.dropFirst(prefix.count))) != nil
        }
        return false
    }

    // MARK: - Following the host

    private func process(_ outcome: CommandOutcome) async {
        var touched = Set<Int>()
        var newTrades: [Int: [PublicTrade]] = [:]
        var marks: [Int: Int64] = [:]
        for e in outcome.events {
            switch e {
            case .trade(let t):
                let i = Int(t.instrument.index)
                touched.insert(i)
                newTrades[i, default: []].append(PublicTrade(sequence: outcome.sequence, timestamp: outcome.timestamp,
                                                             price: t.price, quantity: t.quantity, takerSide: t.takerSide))
            case .accepted(_, _, let inst, _), .amended(_, _, let inst, _, _, _), .triggered(_, _, let inst, _):
                touched.insert(Int(inst.index))
            case .canceled(let end), .expired(let end):
                touched.insert(Int(end.instrument.index))
            case .mark(let inst, let price):
                marks[Int(inst.index)] = price
            default: break
            }
        }
        let tradeCount = newTrades.values.reduce(0) { $0 + $1.count }
        if tradeCount > 0 { metrics?.trades.increment(by: Int64(tradeCount)) }
        let riskMessages = observeRisk(outcome)

        // Books: re-read the touched ones unless an earlier read already covers this outcome.
        let stale = state.withLock { s in touched.filter { s.books[$0].sequence < outcome.sequence } }
        var fresh: (UInt64, [Int: ([(Int64, Int64)], [(Int64, Int64)])])?
        if !stale.isEmpty {
            let wanted = Array(stale)
            fresh = try? await host.read { engine in
                var out: [Int: ([(Int64, Int64)], [(Int64, Int64)])] = [:]
                for i in wanted {
                    let b = engine.book(InstrumentID(UInt16(i)))
                    out[i] = (b.depth(.buy, limit: Self.bookLevels).map { ($0.price, $0.quantity) },
                              b.depth(.sell, limit: Self.bookLevels).map { ($0.price, $0.quantity) })
                }
                return (UInt64(engine.commandCount), out)
            }
        }

        let waiting = state.withLock { s in
            let ready = s.progress.advance(to: outcome.sequence)
            for (i, price) in marks { s.marks[i] = price }
            for (i, list) in newTrades {
                s.trades[i].append(contentsOf: list)
                if s.trades[i].count > Self.ringSize { s.trades[i].removeFirst(s.trades[i].count - Self.ringSize) }
            }
            var bookMessages: [Int: String] = [:]
            if let fresh {
                let (seq, books) = fresh
                for (i, levels) in books where s.books[i].sequence < seq {
                    let bids = Dictionary(levels.0, uniquingKeysWith: +), asks = Dictionary(levels.1, uniquingKeysWith: +)
                    let old = s.books[i]
                    let spec = specs[i]
                    let db = Self.diff(old.bids, bids).sorted { $0.0 > $1.0 }
                    let da = Self.diff(old.asks, asks).sorted { $0.0 < $1.0 }
                    s.books[i] = BookState(sequence: seq, bids: bids, asks: asks)
                    if !db.isEmpty || !da.isEmpty {
                        bookMessages[i] = JSON.object([
                            ("channel", .string("book." + spec.symbol)), ("type", "update"), ("sequence", .int(Int64(seq))),
                            ("bids", Fmt.levels(db, spec)), ("asks", Fmt.levels(da, spec)),
                        ]).rendered
                    }
                }
            }
            var overflows: [@Sendable () -> Void] = []
            for id in Array(s.subscribers.keys) {
                let sub = s.subscribers[id]!
                func send(_ message: String) {
                    if let o = Self.deliver(&s, id, message) { overflows.append(o) }
                }
                for (i, msg) in bookMessages where sub.channels.contains("book." + specs[i].symbol) {
                    send(msg)
                }
                for (i, list) in newTrades where sub.channels.contains("trades." + specs[i].symbol) {
                    let spec = specs[i]
                    send(JSON.object([
                        ("channel", .string("trades." + spec.symbol)), ("sequence", .int(Int64(outcome.sequence))),
                        ("data", .array(list.map { Self.render($0, spec) })),
                    ]).rendered)
                }
                for (i, price) in marks where sub.channels.contains("mark." + specs[i].symbol) {
                    let spec = specs[i]
                    send(JSON.object([
                        ("channel", .string("mark." + spec.symbol)), ("sequence", .int(Int64(outcome.sequence))),
                        ("markPrice", .string(Fmt.price(price, spec))), ("indexPrice", .string(Fmt.price(price, spec))),
                        ("timestamp", .int(outcome.timestamp)),
                    ]).rendered)
                }
                for i in touched.union(marks.keys) where sub.channels.contains("ticker." + specs[i].symbol) {
                    let spec = specs[i]
                    let b = s.books[i]
                    let last = s.trades[i].last
                    send(JSON.object([
                        ("channel", .string("ticker." + spec.symbol)), ("sequence", .int(Int64(outcome.sequence))),
                        ("lastPrice", last.map { .string(Fmt.price($0.price, spec)) } ?? .null),
                        ("bestBid", b.bids.keys.max().map { .string(Fmt.price($0, spec)) } ?? .null),
                        ("bestAsk", b.asks.keys.min().map { .string(Fmt.price($0, spec)) } ?? .null),
                        ("markPrice", s.marks[i] > 0 ? .string(Fmt.price(s.marks[i], spec)) : .null),
                    ]).rendered)
                }
                if sub.oversight && sub.channels.contains("risk") {
                    for msg in riskMessages { send(msg) }
                }
                if let account = sub.account, sub.channels.contains("private") {
                    for (k, e) in outcome.events.enumerated() {
                        if let msg = privateMessage(e, json: outcome.json[k], account: account, outcome: outcome) {
                            send(msg)
                        }
                    }
                }
            }
            return (ready, overflows)
        }
        for w in waiting.0 { w.resume() }
        for o in waiting.1 { o() }
    }

    /// Logs and counts the outcome's risk events; returns its `risk` channel messages
    /// (alerts, stress tests, metrics, liquidations, payouts, ADL fills, fund top-ups, and
    /// margin financing's control breaches, notices, forced sales, haircut and limit
    /// changes, scheduled loan-book stress tests and the daily control utilisation; a
    /// perpetual's new risk-limit version).
    func observeRisk(_ outcome: CommandOutcome) -> [String] {
        var messages: [String] = []
        for (k, e) in outcome.events.enumerated() {
            switch e {
            case .riskAlert, .financing(.controlBreach):
                if RiskAlertLog.log(logger, eventLine: outcome.json[k], sequence: outcome.sequence) { metrics?.riskAlerts.increment() }
            case .financing(.notice), .financing(.forcedSaleOrder), .financing(.haircutSet), .financing(.limitsSet), .financing(.stressTested),
                 .financing(.controlUtilisation):
                break
            case .liquidation:
                metrics?.liquidations.increment()
            case .stressTest, .riskMetrics, .insurancePayout, .adl, .insuranceFund, .compliance(.riskLimitsSet):
                break
            default:
                continue
            }
            messages.append(JSON.object([("channel", "risk"), ("sequence", .int(Int64(outcome.sequence))),
                                         ("timestamp", .int(outcome.timestamp)), ("data", .raw(outcome.json[k]))]).rendered)
        }
        return messages
    }

    private func privateMessage(_ e: Event, json: String, account: AccountID, outcome: CommandOutcome) -> String? {
        guard let data = AccountEventView(specs: specs, asset: asset).view(e, json: json, account: account) else { return nil }
        return JSON.object([("channel", "private"), ("sequence", .int(Int64(outcome.sequence))),
                            ("timestamp", .int(outcome.timestamp)), ("data", data)]).rendered
    }

    static func render(_ t: PublicTrade, _ spec: InstrumentSpec) -> JSON {
        .object([("sequence", .int(Int64(t.sequence))), ("timestamp", .int(t.timestamp)),
                 ("price", .string(Fmt.price(t.price, spec))), ("qty", .string(Fmt.size(t.quantity, spec))),
                 ("side", .string(t.takerSide.description))])
    }

    static func diff(_ old: [Int64: Int64], _ new: [Int64: Int64]) -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        for (p, q) in new where old[p] != q { out.append((p, q)) }
        for p in old.keys where new[p] == nil { out.append((p, 0)) }
        return out
    }
}
