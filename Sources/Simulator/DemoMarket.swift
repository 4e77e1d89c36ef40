import Engine
import HarbourCore
import Matching
import Sequencer

/// The demo venue's live market (OPS-3): simulated spot sources feeding each
/// instrument's index (the engine derives the mark from it: PRICE-1, PRICE-2), and a
/// market maker that keeps a two-sided ladder of quotes around the mark. Both act only through `VenueHost.submit`, the one command path every
/// client uses — the bot has no private way into the engine (MM-2).
public final class DemoMarket: Sendable {
    public struct Plan: Sendable {
        /// Market-maker account name (opened and funded if missing).
        public var makerAccount = "demo-mm"
        /// Start prices per symbol, raw price units.
        public var startPrices: [String: Int64] = ["BTC-PERP": 600_000, "ETH-PERP": 300_000]
        /// Spot markets quoted around a perpetual's mark (SPOT-1), and the base assets the
        /// maker is given to sell on them the first time.
        public var spotQuotes: [String: String] = ["BTC-USD": "BTC-PERP", "ETH-USD": "ETH-PERP"]
        public var spotInventory: [String: Int64] = ["BTC": 200 * 100_000_000, "ETH": 2_000 * 100_000_000]
        /// Quote levels per side and spacing in ticks.
        public var levels = 5
        public var spacingTicks: Int64 = 5
        /// Quantity per quote in lots.
        public var lotsPerQuote: Int64 = 50
        /// Milliseconds between feed updates.
        public var intervalMs: UInt64 = 500
        public var seed: UInt64 = 42

        public init() {}
    }

    let host: VenueHost
    let plan: Plan

    public init(host: VenueHost, plan: Plan = Plan()) {
        self.host = host
        self.plan = plan
    }

    /// Opens and funds the demo accounts the first time the venue starts, onboards the
    /// maker as an institutional professional investor (PI-1) and registers it as the
    /// platform's affiliated market maker on every quoted contract (MM-1, four-eyes).
    public func prepare() async throws {
        let maker = plan.makerAccount
        try await openMaker()
        let id = try await host.read { $0.accountID(named: maker)! }
        if try await host.read({ $0.complianceRecord(id)?.classification == nil }) {
            try await host.onboardInstitution(maker, licence: "SFC CE BXX001 (demo affiliate)", maker: "maya", checker: "chen")
        }
        for (symbol, _) in plan.startPrices.sorted(by: { $0.key < $1.key }) {
            guard let inst = try await host.read({ $0.instrumentID(symbol: symbol) }) else { continue }
            let registered = try await host.read { engine in
                engine.marketMakers.contains { $0.account == id && $0.terms.contains { $0.symbol == symbol } }
            }
            guard !registered else { continue }
            let spec = try await host.read { $0.spec(inst) }
            let requestId = "mm-\(maker)-\(symbol)"
            let propose = try await host.submit(.compliance(.propose(
                requestId: requestId, by: "maya", reason: "demo affiliated market maker",
                change: .registerMarketMaker(account: id, instrument: inst, maxSpreadBps: 20, minSize: plan.lotsPerQuote * spec.lotSize,
                                             minPresenceBps: 5_000))))
            if propose.events.contains(where: { if case .rejected = $0 { true } else { false } }) { continue }
            _ = try await host.submit(.compliance(.approve(requestId: requestId, by: "chen")))
        }
    }

    private func openMaker() async throws {
        let maker = plan.makerAccount
        if try await host.read({ $0.accountID(named: maker) }) == nil {
            _ = try await host.submit(.openAccount(name: maker, group: "house", feeTier: "maker-rebate"))
            let id = try await host.read { $0.accountID(named: maker)! }
            _ = try await host.submit(.deposit(account: id, asset: "USD", amount: 50_000_000 * 1_000_000))
            for (symbol, _) in plan.startPrices.sorted(by: { $0.key < $1.key }) {
                if let inst = try await host.read({ $0.instrumentID(symbol: symbol) }) {
                    _ = try await host.submit(.setLeverage(account: id, instrument: inst, leverage: 5))
                }
            }
            for (asset, amount) in plan.spotInventory.sorted(by: { $0.key < $1.key })
            where try await host.read({ $0.config.asset(code: asset) != nil }) {
                _ = try await host.submit(.deposit(account: id, asset: asset, amount: amount))
            }
        }
    }

    /// `value` (raw units of `from` decimals) in raw units of `to` decimals, rounded down.
    static func rescale(_ value: Int64, from: Int, to: Int) -> Int64 {
        var v = value
        if to > from { for _ in 0..<(to - from) { v *= 10 } } else { for _ in 0..<(from - to) { v /= 10 } }
        return v
    }

    /// Runs the feed and the quotes until the task is cancelled: a `DemoRound` every
    /// `intervalMs`, each of its commands submitted in order, the ladder of a perpetual
    /// (and its spot books) at the mark the engine derived from that round's feed.
    public func run() async throws {
        let maker = try await host.read { $0.accountID(named: self.plan.makerAccount)! }
        let plan = plan
        var demo = try await host.read { DemoRound(plan: plan, maker: maker, engine: $0) }
        while !Task.isCancelled {
            demo.nextRound()
            for k in demo.markets.indices {
                for command in demo.feed(k) { _ = try await host.submit(command) }
                let instrument = demo.markets[k].instrument
                let mark = try await host.read { $0.marks[Int(instrument.index)] }
                for command in demo.quotes(k, engineMark: mark) { _ = try await host.submit(command) }
            }
            try await Task.sleep(nanoseconds: plan.intervalMs * 1_000_000)
        }
    }
}
