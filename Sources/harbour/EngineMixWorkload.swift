import Engine
import HarbourCore
import Matching

// This file is shared, by a symbolic link, with the EngineMix suite of the separate
// Benchmarks package (Benchmarks/Benchmarks/EngineMix/EngineMixWorkload.swift), so the
// CLI bench and package-benchmark run exactly the same command stream.

/// SplitMix64: a fast, deterministic 64-bit PRNG (Steele, Lea, Flood 2014).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    @inline(__always) mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in 0..<n (modulo bias is irrelevant for n ≪ 2⁶⁴).
    @inline(__always) mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Workload (a): the whole engine path (pre-trade risk, matching, ledger) on a realistic
/// mix over 10,000 funded accounts and the two standard instruments with mark prices:
/// ~50% GTC limit orders near the touch, ~35% cancels of a live order of that account,
/// ~10% IOC / market takers and ~5% amends.
///
/// The generator drives its own "shadow" engine, applying every command it makes, so it
/// knows exactly which orders are live (cancels and amends always name a live order of
/// their account). A measured engine built by `makeEngine()` and fed the same commands
/// with the same timestamps goes through exactly the same states (the engine is
/// deterministic). Generation is never inside a measured region.
final class EngineMixWorkload {
    static let accountCount = 10_000
    /// Each account gets 1,000,000 USD (6 decimals).
    static let deposit: Int64 = 1_000_000 * 1_000_000
    /// BTC-PERP 60000.0 (1 decimal), ETH-PERP 3000.00 (2 decimals).
    static let marks: [Int64] = [600_000, 300_000]
    /// Lot multiples of an order: BTC 0.001…0.050, ETH 0.010…0.500 (3 size decimals).
    static let lotStep: [Int64] = [1, 10]
    /// Timestamp of the first command after setup; every command adds 1 ms.
    static let firstTimestamp: Int64 = 1_767_225_600_000

    struct Live { var account: UInt32; var instrument: UInt16; var id: Int64 }

    let shadow: Engine
    private var rng: SplitMix64
    private var timestamp = EngineMixWorkload.firstTimestamp
    /// Orders believed live (checked against the shadow book when picked).
    private var live: ContiguousArray<Live> = []
    /// Commands generated so far, by kind: place, cancel, taker, amend.
    private(set) var mix: [Int] = [0, 0, 0, 0]

    init(seed: UInt64 = 0x5EED) {
        rng = SplitMix64(seed: seed)
        shadow = Self.makeEngine()
        live.reserveCapacity(1 << 16)
    }

    /// The setup: accounts opened and funded, mark prices set.
    static func setupCommands() -> [Command] {
        var out: [Command] = []
        out.reserveCapacity(2 * accountCount + marks.count)
        for i in 0..<marks.count { out.append(.markPrice(instrument: InstrumentID(UInt16(i)), price: marks[i])) }
        let reference = Engine(config: .standard)
        for a in 0..<accountCount {
            out.append(.openAccount(name: "bench\(a)", group: nil, feeTier: nil))
            out += Onboarding.individual(AccountID(UInt32(a)), name: "bench\(a)", engine: reference, at: firstTimestamp - 1_000_000)
            out.append(.deposit(account: AccountID(UInt32(a)), asset: "USD", amount: deposit))
        }
        return out
    }

    /// A fresh engine with the setup applied (timestamps before `firstTimestamp`).
    static func makeEngine() -> Engine {
        let e = Engine(config: .standard)
        let setup = setupCommands()
        for (k, c) in setup.enumerated() {
            e.applyInPlace(c, timestamp: firstTimestamp - Int64(setup.count) + Int64(k))
        }
        return e
    }

    /// Replaces `batch` with the next `count` commands (apply them in order, with
    /// timestamps `firstTimestamp + n` for the n-th command overall, starting at 1).
    func fill(_ batch: inout [Command], count: Int) {
        batch.removeAll(keepingCapacity: true)
        for _ in 0..<count { batch.append(nextCommand()) }
    }

    private func pickLive(removing: Bool) -> Live? {
        while !live.isEmpty {
            let k = rng.below(live.count)
            let l = live[k]
            let isLive = shadow.book(InstrumentID(l.instrument)).slot(of: l.id) != nil
            if !isLive || removing {
                live.swapAt(k, live.count - 1)
                live.removeLast()
            }
            if isLive { return l }
        }
        return nil
    }

    /// A price near the touch for a resting order: bids from 29 ticks below mark to 2
    /// above, asks mirrored, so the book stays populated near mark and sometimes crosses.
    private func passivePrice(_ i: Int, _ side: Side) -> Int64 {
        let off = Int64(rng.below(32)) - 2
        return side == .buy ? Self.marks[i] - off : Self.marks[i] + off
    }

    private func nextCommand() -> Command {
        let r = rng.below(100)
        var command: Command? = nil
        var kind = 0
        if r < 35 {
            if let l = pickLive(removing: true) {
                command = .cancelOrder(account: AccountID(l.account), instrument: InstrumentID(l.instrument), order: .id(l.id))
                kind = 1
            }
        } else if r < 45 {
            let a = UInt32(rng.below(Self.accountCount)), i = rng.below(2)
            let side: Side = rng.below(2) == 0 ? .buy : .sell
            let qty = Int64(1 + rng.below(80)) * Self.lotStep[i]
            if rng.below(2) == 0 {
                let p = side == .buy ? Self.marks[i] + Int64(rng.below(8)) : Self.marks[i] - Int64(rng.below(8))
                command = .placeOrder(PlaceOrder(account: AccountID(a), instrument: InstrumentID(UInt16(i)), side: side,
                                                 type: .limit, timeInForce: .ioc, price: p, quantity: qty))
            } else {
                command = .placeOrder(PlaceOrder(account: AccountID(a), instrument: InstrumentID(UInt16(i)), side: side,
                                                 type: .market, timeInForce: .ioc, quantity: qty))
            }
            kind = 2
        } else if r < 50 {
            if let l = pickLive(removing: false) {
                let book = shadow.book(InstrumentID(l.instrument))
                let o = book[book.slot(of: l.id)!]
                let i = Int(l.instrument)
                if rng.below(2) == 0 {
                    command = .amendOrder(account: AccountID(l.account), instrument: InstrumentID(l.instrument), order: .id(l.id),
                                          price: passivePrice(i, o.side), quantity: nil)
                } else {
                    let filled = o.quantity - o.remaining
                    let step = Self.lotStep[i]
                    let q = o.remaining > step ? o.quantity - step : o.quantity + step
                    command = .amendOrder(account: AccountID(l.account), instrument: InstrumentID(l.instrument), order: .id(l.id),
                                          price: nil, quantity: max(q, filled + step))
                }
                kind = 3
            }
        }
        let c: Command
        if let command {
            c = command
        } else {
            let a = UInt32(rng.below(Self.accountCount)), i = rng.below(2)
            let side: Side = rng.below(2) == 0 ? .buy : .sell
            let qty = Int64(1 + rng.below(50)) * Self.lotStep[i]
            c = .placeOrder(PlaceOrder(account: AccountID(a), instrument: InstrumentID(UInt16(i)), side: side,
                                       type: .limit, timeInForce: .gtc, price: passivePrice(i, side), quantity: qty))
            kind = 0
        }
        mix[kind] += 1
        timestamp += 1
        shadow.applyInPlace(c, timestamp: timestamp)
        if kind == 0, case let .accepted(id, account, instrument, _) = shadow.events.first,
           shadow.book(instrument).slot(of: id) != nil {
            live.append(Live(account: account.index, instrument: instrument.index, id: id))
        }
        return c
    }

    /// Resting orders in the shadow book (to check that the book stays stationary).
    var restingOrders: Int { shadow.book(InstrumentID(0)).orderCount + shadow.book(InstrumentID(1)).orderCount }
}
