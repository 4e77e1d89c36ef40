import Engine
import HarbourCore
import Matching

// This file is shared, by symbolic links, with the MarginMonitor suite of the separate
// Benchmarks package (Benchmarks/Benchmarks/MarginMonitor/MarginMonitorWorkload.swift)
// and with Tests/EngineTests (MarginMonitorWorkloadTests checks that the workload does
// what the bench claims), so the CLI bench, package-benchmark and the test build exactly
// the same venue.

/// Margin monitoring at scale (RISK-3): an engine on the standard venue with `positions`
/// open positions on BTC-PERP, of which `nearCount` are close to liquidation.
///
/// Every position is 0.1 BTC opened at 60000.0 between two accounts of a pair, one long
/// and one short (so `positions` accounts, `positions / 2` pairs), plus one market maker.
/// - Safe pairs: both sides deposit 3000 USD (2× leverage). The long's trigger is near
///   30150, the short's near 89630: no mark this workload sets comes close.
/// - Near pairs (`nearCount` of the longs): leverage 50, deposit 123.50 USD plus
///   0.01 USD × rank (just above the initial margin and taker fee), so after the fee their
///   triggers sit about 1.7 % below 60000.0, one per tick or so, about 100 USD apart in all
///   for 1,000 accounts. The short side of a near pair is a safe short.
/// - The market maker (10 M USD) bids for all near positions 30 USD below the lowest near
///   trigger, which is above every near account's bankruptcy price (~236 USD below its
///   trigger), so a liquidation closes in the book, with no insurance payout and no
///   auto-deleveraging (whose ranking visits every position and would hide the point).
///
/// Every command has the same timestamp, so no time-driven work runs; postings are not
/// emitted as events. Commands are built directly and applied through
/// `Engine.applyInPlace`; any refusal stops the build (`SetupError`).
final class MarginMonitorWorkload {
    /// Why a workload could not be built as designed.
    struct SetupError: Error, CustomStringConvertible { let description: String }

    static let instrument = InstrumentID(0)
    /// The one timestamp of every command.
    static let timestamp: Int64 = 1_767_225_600_000
    /// 60000.0 and 59990.0 (raw, 1 decimal): the marks a no-cross update alternates between.
    static let openMark: Int64 = 600_000
    static let quietMark: Int64 = 599_900
    /// 0.1 BTC (raw, 3 decimals).
    static let positionSize: Int64 = 100
    /// USD raw (6 decimals).
    static let safeDeposit: Int64 = 3_000_000_000
    static let nearDeposit: Int64 = 123_500_000
    static let nearStep: Int64 = 10_000
    static let makerDeposit: Int64 = 10_000_000_000_000
    /// The market maker's bid sits this far (raw price) below the lowest near trigger.
    static let bidBelowLowestTrigger: Int64 = 300

    let positions: Int
    let nearCount: Int
    /// The engine holding the state (replaced by `restore(_:)`).
    private(set) var engine: Engine
    /// Near-liquidation accounts, highest trigger first, and their triggers (raw price).
    let nearAccounts: [AccountID]
    let nearTriggers: [Int64]
    /// What each near account deposited before opening its position (same order).
    let nearDeposits: [Int64]
    let marketMaker: AccountID
    let bidPrice: Int64
    /// Commands applied to build the state.
    let setupCommands: Int

    /// Builds the state: `positions` must be even and at least `2 × nearCount`.
    init(positions: Int, nearLiquidation nearCount: Int) throws {
        precondition(positions % 2 == 0 && nearCount * 2 <= positions && nearCount >= 0)
        self.positions = positions
        self.nearCount = nearCount
        let e = Engine(config: .standard)
        e.emitPostings = false
        var count = 0
        func run(_ c: Command) throws {
            e.applyInPlace(c, timestamp: Self.timestamp)
            count += 1
            if case let .rejected(r, _, _, _) = e.events.first {
                throw SetupError(description: "setup command \(count) refused: \(r.message) — \(c)")
            }
        }
        let btc = Self.instrument
        try run(.markPrice(instrument: btc, price: Self.openMark))
        func pair(_ p: Int, longDeposit: Int64, longLeverage: Int64?) throws -> AccountID {
            let long = AccountID(UInt32(e.accountCount)), short = AccountID(UInt32(e.accountCount + 1))
            try run(.openAccount(name: "L\(p)", group: nil, feeTier: nil))
            try run(.openAccount(name: "S\(p)", group: nil, feeTier: nil))
            for c in Onboarding.individual(long, name: "L\(p)", engine: e, at: Self.timestamp)
                + Onboarding.individual(short, name: "S\(p)", engine: e, at: Self.timestamp) { try run(c) }
            if let longLeverage { try run(.setLeverage(account: long, instrument: btc, leverage: longLeverage)) }
            try run(.deposit(account: long, asset: "USD", amount: longDeposit))
            try run(.deposit(account: short, asset: "USD", amount: Self.safeDeposit))
            try run(.placeOrder(PlaceOrder(account: short, instrument: btc, side: .sell, price: Self.openMark,
                                           quantity: Self.positionSize)))
            try run(.placeOrder(PlaceOrder(account: long, instrument: btc, side: .buy, timeInForce: .ioc,
                                           price: Self.openMark, quantity: Self.positionSize)))
            guard e.position(long, btc).size == Self.positionSize, e.position(short, btc).size == -Self.positionSize else {
                throw SetupError(description: "pair \(p) did not trade")
            }
            return long
        }
        // Safe pairs first, then near pairs by rising trigger (falling deposit): the
        // trigger index's sorted arrays then mostly grow at their ends.
        let pairs = positions / 2
        for p in 0..<(pairs - nearCount) {
            _ = try pair(p, longDeposit: Self.safeDeposit, longLeverage: nil)
        }
        var near: [AccountID] = []
        var deposits: [Int64] = []
        for j in 0..<nearCount {
            let deposit = Self.nearDeposit + Int64(nearCount - 1 - j) * Self.nearStep
            near.append(try pair(pairs - nearCount + j, longDeposit: deposit, longLeverage: 50))
            deposits.append(deposit)
        }
        near.reverse()
        deposits.reverse()
        var triggers: [Int64] = []
        for a in near {
            guard let t = e.liquidationTrigger(a, btc) else { throw SetupError(description: "near account \(a.index) has no trigger") }
            triggers.append(t)
        }
        for k in 1..<max(1, triggers.count) where triggers[k] >= triggers[k - 1] {
            throw SetupError(description: "near triggers are not strictly descending at \(k)")
        }
        // The market maker bids for every near position.
        let mm = AccountID(UInt32(e.accountCount))
        try run(.openAccount(name: "MM", group: nil, feeTier: nil))
        for c in Onboarding.individual(mm, name: "MM", engine: e, at: Self.timestamp) { try run(c) }
        try run(.deposit(account: mm, asset: "USD", amount: Self.makerDeposit))
        let bid = (triggers.last ?? Self.openMark) - Self.bidBelowLowestTrigger
        for c in Self.makerOrders(mm, side: .buy, price: bid, quantity: Int64(nearCount) * Self.positionSize) { try run(c) }
        engine = e
        nearAccounts = near
        nearTriggers = triggers
        nearDeposits = deposits
        marketMaker = mm
        bidPrice = bid
        setupCommands = count
    }

    /// GTC orders of the market maker for `quantity` in all, at most 50 BTC each.
    static func makerOrders(_ mm: AccountID, side: Side, price: Int64, quantity: Int64) -> [Command] {
        var out: [Command] = []
        var left = quantity
        while left > 0 {
            let q = min(left, 50_000)
            out.append(.placeOrder(PlaceOrder(account: mm, instrument: instrument, side: side, price: price, quantity: q)))
            left -= q
        }
        return out
    }

    /// Puts the state back as it was before a mark update that crossed the `k` highest
    /// near triggers, in O(k) commands (so crossing runs can be repeated without
    /// rebuilding a million positions): the mark returns to 60000.0; the market maker
    /// offers back what it bought; each liquidated account tops its cash up (or down) to
    /// its original deposit and buys its 0.1 BTC again at 60000.0 (same cost, same fee,
    /// so the same cash and trigger); the market maker's bids are replaced in full.
    /// Order ids and the insurance fund differ from before; positions, cash of every
    /// monitored account, triggers and the book's bid do not.
    func reset(afterCrossing k: Int) throws {
        let e = engine
        var count = 0
        func run(_ c: Command) throws {
            e.applyInPlace(c, timestamp: Self.timestamp)
            count += 1
            if case let .rejected(r, _, _, _) = e.events.first {
                throw SetupError(description: "reset command \(count) refused: \(r.message) — \(c)")
            }
            for ev in e.events { if case .liquidation = ev { throw SetupError(description: "reset liquidated an account") } }
        }
        let btc = Self.instrument
        try run(.markPrice(instrument: btc, price: Self.openMark))
        let bought = e.position(marketMaker, btc).size
        for c in Self.makerOrders(marketMaker, side: .sell, price: Self.openMark, quantity: bought) { try run(c) }
        for j in 0..<k {
            let a = nearAccounts[j]
            let cash = e.cash(a)
            if cash < nearDeposits[j] { try run(.deposit(account: a, asset: "USD", amount: nearDeposits[j] - cash)) }
            if cash > nearDeposits[j] { try run(.withdraw(account: a, asset: "USD", amount: cash - nearDeposits[j])) }
            try run(.placeOrder(PlaceOrder(account: a, instrument: btc, side: .buy, timeInForce: .ioc, price: Self.openMark,
                                           quantity: Self.positionSize)))
            guard e.position(a, btc).size == Self.positionSize, e.liquidationTrigger(a, btc) == nearTriggers[j] else {
                throw SetupError(description: "reset: near account \(a.index) did not return to its trigger")
            }
        }
        guard e.position(marketMaker, btc).size == 0, e.book(btc).bookSide(.sell).bestPrice == nil else {
            throw SetupError(description: "reset: the market maker did not unwind")
        }
        try run(.cancelAll(account: marketMaker, instrument: btc))
        for c in Self.makerOrders(marketMaker, side: .buy, price: bidPrice, quantity: Int64(nearCount) * Self.positionSize) { try run(c) }
    }

    /// Replaces the engine by one restored from `snapshot()` bytes of this workload's
    /// engine, with its trigger index rebuilt (a restored engine would otherwise rebuild
    /// it, visiting every account, inside the first command). The old engine is released
    /// first, so two large engines are never alive at once.
    func restore(_ snapshot: [UInt8]) throws {
        engine = Engine(config: .standard)
        engine = try Engine(snapshot: snapshot, config: .standard)
        engine.rebuildLiquidationIndex()
    }

    /// A mark that crosses exactly the `k` highest near triggers (and nothing else): the
    /// k-th highest trigger itself (a long is at risk when mark ≤ trigger), or for k = 0
    /// one tick above the highest.
    func crossingMark(_ k: Int) -> Int64 {
        precondition(k >= 0 && k <= nearCount)
        return k == 0 ? (nearTriggers.first ?? Self.openMark) + 1 : nearTriggers[k - 1]
    }

    /// The naive monitor: the margin of every account, computed afresh. Returns how many
    /// are below maintenance (so the work cannot be optimised away).
    static func fullScan(_ e: Engine) -> Int {
        var below = 0
        for a in 0..<e.accountCount {
            let m = e.marginSummary(AccountID(UInt32(a)))
            if m.maintenanceRequired > 0 && m.equity < m.maintenanceRequired { below += 1 }
        }
        return below
    }

    /// Applies a mark update; returns the accounts liquidated by it.
    static func markUpdate(_ e: Engine, _ price: Int64) -> Set<UInt32> {
        e.applyInPlace(.markPrice(instrument: instrument, price: price), timestamp: timestamp)
        var out = Set<UInt32>()
        for ev in e.events { if case let .liquidation(l) = ev { out.insert(l.account.index) } }
        return out
    }
}
