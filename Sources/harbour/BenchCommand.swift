import ArgumentParser
import Engine
import HarbourCore
import Matching
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `harbour bench insert|engine --seconds N`, `harbour bench monitor`: in-process throughput and latency benches
/// (docs/PERFORMANCE.md). Build in release mode before trusting any figure.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Performance benches: the matching loop alone and through the engine (insert), the whole engine (engine), margin monitoring at scale (monitor).",
        subcommands: [InsertBench.self, EngineBench.self, MonitorBench.self, LoanMonitorBench.self]
    )
}

/// Monotonic time in nanoseconds (CLOCK_MONOTONIC, vDSO: no system call).
@inline(__always)
func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// CPU time of this process (user + system), in seconds: on a shared machine it shows
/// how much of the wall time the bench really had a core.
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Liquibook's classic insert workload on the venue's own matching loop (`Matcher`), twice:
/// "matching only" (the loop on a bare book, no risk) and "through the engine" (the same
/// orders placed through `Engine.applyInPlace` with pre-trade risk, settlement and events).
struct InsertBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insert",
        abstract: "Liquibook insert workload on the venue's matcher, alone and through the engine; last line: inserts_per_sec: N (matching only)."
    )

    @Option(help: "Wall time to insert for, per part, in seconds.")
    var seconds: Double = 3

    @Option(help: "PRNG seed.")
    var seed: UInt64 = 1

    /// Pre-generated orders (the PRNG is not measured): alternating buy and sell, buys
    /// uniform in 1880...1889, sells in 1884...1893, quantities 100...1000 by 100.
    /// Even index = buy. The arrays are cycled; every insert gets a fresh order id.
    static func orders(seed: UInt64) -> (prices: [Int64], quantities: [Int64]) {
        let count = 1 << 22
        var rng = SplitMix64(seed: seed)
        var prices = [Int64](repeating: 0, count: count)
        var quantities = [Int64](repeating: 0, count: count)
        for k in 0..<count {
            prices[k] = Int64(rng.below(10)) + (k & 1 == 0 ? 1880 : 1884)
            quantities[k] = Int64(rng.below(10) + 1) * 100
        }
        return (prices, quantities)
    }

    func run() throws {
        let (prices, quantities) = Self.orders(seed: seed)
        print("workload: Liquibook insert (buy 1880-1889, sell 1884-1893, qty 100-1000), the venue's Matcher, 1 book")
        let alone = matchingOnly(prices, quantities)
        let engine = throughEngine(prices, quantities)
        print("through the engine / matching only: \(format2(engine / alone))")
        print("inserts_per_sec: \(Int(alone))")
    }

    /// The matching loop on one bare book (buys by account 0, sells by account 1, in
    /// different STP groups); returns inserts per second.
    func matchingOnly(_ prices: [Int64], _ quantities: [Int64]) -> Double {
        let mask = prices.count - 1
        var matcher = BookOnlyMatching(accounts: 2)
        var inserted: Int64 = 0
        var filled: Int64 = 0
        let cpuStart = processCPUSeconds()
        let start = monotonicNanos()
        let deadline = start + UInt64(seconds * 1e9)
        var now = start
        // The clock is read once per 1024 inserts (Liquibook reads clock() per insert).
        prices.withUnsafeBufferPointer { p in
            quantities.withUnsafeBufferPointer { q in
                while now < deadline {
                    for _ in 0..<1024 {
                        let k = Int(inserted) & mask
                        inserted += 1
                        let side = UInt32(k & 1)
                        filled &+= matcher.submit(orderId: inserted, account: side, group: side, side: side == 0 ? .buy : .sell,
                                                  price: p[k], quantity: q[k])
                    }
                    now = monotonicNanos()
                }
            }
        }
        let elapsed = Double(now - start) / 1e9
        let cpu = processCPUSeconds() - cpuStart
        print("[matching only] inserted: \(inserted) in \(format2(elapsed)) s; fills: \(matcher.fillCount); quantity filled: \(filled)")
        print("[matching only] resting at end: \(matcher.book.orderCount) orders, \(matcher.book.bids.levels.count) bid and \(matcher.book.asks.levels.count) ask levels")
        print("[matching only] cpu time: \(format2(cpu)) s of \(format2(elapsed)) s wall; inserts per CPU second: \(Int(Double(inserted) / cpu))")
        print("[matching only] inserts_per_sec: \(Int(Double(inserted) / elapsed))")
        return Double(inserted) / elapsed
    }

    /// Accounts per side in the engine part: the Liquibook stream leaves half its orders
    /// resting for ever, so each round of `roundSize` orders is spread over enough
    /// accounts to stay within the 200 open orders per account and the position limit.
    static let accountsPerSide = 2_000
    static let roundSize = 1 << 18
    /// BTC-PERP mark 188.6 (1 decimal): every order price (188.0-189.3) is inside the 5% band.
    static let mark: Int64 = 1886

    /// The same orders as GTC limit orders on BTC-PERP through `Engine.applyInPlace`, in
    /// rounds of `roundSize` on a fresh engine (set up untimed: 2 × 2,000 funded accounts,
    /// each its own STP group, buyers and sellers apart); returns inserts per second.
    func throughEngine(_ prices: [Int64], _ quantities: [Int64]) -> Double {
        let mask = prices.count - 1
        let perSide = Self.accountsPerSide
        let instrument = InstrumentID(0)
        var inserted = 0, rejected = 0, trades = 0, events = 0, rounds = 0
        var timedNanos: UInt64 = 0
        var cpu = 0.0
        var timestamp: Int64 = 1_767_225_600_000
        while timedNanos < UInt64(seconds * 1e9) {
            let engine = Engine(config: .standard)
            engine.applyInPlace(.markPrice(instrument: instrument, price: Self.mark), timestamp: timestamp)
            for a in 0..<(2 * perSide) {
                engine.applyInPlace(.openAccount(name: "insert\(a)", group: nil, feeTier: nil), timestamp: timestamp)
                engine.applyOnboarding(of: AccountID(UInt32(a)), at: timestamp)
                engine.applyInPlace(.deposit(account: AccountID(UInt32(a)), asset: "USD", amount: 1_000_000 * 1_000_000),
                                    timestamp: timestamp)
            }
            let cpuStart = processCPUSeconds()
            let start = monotonicNanos()
            for n in 0..<Self.roundSize {
                let k = inserted & mask
                inserted += 1
                let buy = k & 1 == 0
                let account = UInt32((k >> 1) % perSide + (buy ? 0 : perSide))
                // The clock advances 1 ms every 1,024 orders (a venue at ~1 M orders/s).
                if n & 1023 == 0 { timestamp += 1 }
                engine.applyInPlace(.placeOrder(PlaceOrder(account: AccountID(account), instrument: instrument,
                                                           side: buy ? .buy : .sell, type: .limit, timeInForce: .gtc,
                                                           price: prices[k], quantity: quantities[k])),
                                    timestamp: timestamp)
                if case .rejected = engine.events[0] { rejected += 1 }
                for e in engine.events { if case .trade = e { trades += 1 } }
                events += engine.events.count
            }
            timedNanos += monotonicNanos() - start
            cpu += processCPUSeconds() - cpuStart
            rounds += 1
        }
        let elapsed = Double(timedNanos) / 1e9
        print("[through the engine] BTC-PERP, mark 188.6, \(2 * perSide) funded accounts (own STP groups, buyers and sellers apart), postings on, \(rounds) rounds of \(Self.roundSize) orders on a fresh engine (setup untimed)")
        print("[through the engine] inserted: \(inserted) in \(format2(elapsed)) s; trades: \(trades); events: \(events); rejected: \(rejected)")
        print("[through the engine] cpu time: \(format2(cpu)) s of \(format2(elapsed)) s wall; inserts per CPU second: \(Int(Double(inserted) / cpu))")
        print("[through the engine] inserts_per_sec: \(Int(Double(inserted) / elapsed))")
        return Double(inserted) / elapsed
    }
}

/// Workload (a) through `Engine.applyInPlace`: throughput and per-command latency.
struct EngineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Whole-engine mix (place/cancel/IOC/amend over 10k accounts); commands/sec and latency percentiles."
    )

    @Option(help: "Measured wall time, in seconds (generation is not counted).")
    var seconds: Double = 3

    @Option(help: "PRNG seed.")
    var seed: UInt64 = 0x5EED

    @Flag(help: "Leave ledger postings out of the events (as `replay --no-postings`).")
    var noPostings = false

    func run() throws {
        let workload = EngineMixWorkload(seed: seed)
        workload.shadow.emitPostings = !noPostings
        let engine = EngineMixWorkload.makeEngine()
        engine.emitPostings = !noPostings
        let chunk = 1 << 16
        var batch: [Command] = []
        batch.reserveCapacity(chunk)
        // Per-command samples (ns), preallocated: up to 32 M commands are sampled.
        let capacity = min(32 << 20, max(chunk, Int(seconds * 8_000_000)))
        var samples = [UInt32](repeating: 0, count: capacity)
        var sampled = 0
        var sampledNs: UInt64 = 0
        var plainCommands = 0
        var plainNs: UInt64 = 0
        var events = 0
        var timestamp = EngineMixWorkload.firstTimestamp
        let target = UInt64(seconds * 1e9)
        var cpuMeasured = 0.0
        var round = 0
        // Chunks alternate: odd ones clock every command (latency), even ones only the
        // chunk (throughput without the clock's own cost).
        while sampledNs + plainNs < target || round < 2 {
            workload.fill(&batch, count: chunk)
            let cpu0 = processCPUSeconds()
            if round & 1 == 1 && sampled + chunk <= capacity {
                samples.withUnsafeMutableBufferPointer { s in
                    let start = monotonicNanos()
                    var t0 = start
                    for c in batch {
                        timestamp += 1
                        engine.applyInPlace(c, timestamp: timestamp)
                        let t1 = monotonicNanos()
                        s[sampled] = UInt32(clamping: t1 - t0)
                        sampled += 1
                        t0 = t1
                        events &+= engine.events.count
                    }
                    sampledNs += t0 - start
                }
            } else {
                let start = monotonicNanos()
                for c in batch {
                    timestamp += 1
                    engine.applyInPlace(c, timestamp: timestamp)
                    events &+= engine.events.count
                }
                plainNs += monotonicNanos() - start
                plainCommands += chunk
            }
            cpuMeasured += processCPUSeconds() - cpu0
            round += 1
        }
        samples.withUnsafeMutableBufferPointer { s in
            var part = s[0..<sampled]
            part.sort()
        }
        func pct(_ p: Double) -> UInt32 { samples[min(sampled - 1, Int(Double(sampled) * p))] }
        let total = sampled + plainCommands
        let mix = workload.mix.map { Double($0) * 100 / Double(max(1, workload.mix.reduce(0, +))) }
        print("workload: engine mix, 10000 funded accounts, BTC-PERP + ETH-PERP, postings \(noPostings ? "off" : "on")")
        print("mix: place GTC \(format1(mix[0]))%, cancel \(format1(mix[1]))%, IOC/market \(format1(mix[2]))%, amend \(format1(mix[3]))%")
        print("commands: \(total) (\(sampled) clocked per command); events: \(events); resting at end: \(workload.restingOrders)")
        print("commands_per_sec (chunk-timed): \(Int(Double(plainCommands) / (Double(plainNs) / 1e9)))")
        print("commands_per_sec (clocked per command): \(Int(Double(sampled) / (Double(sampledNs) / 1e9)))")
        print("cpu time while measuring: \(format2(cpuMeasured)) s of \(format2(Double(sampledNs + plainNs) / 1e9)) s wall; commands per CPU second: \(Int(Double(total) / cpuMeasured))")
        print("latency_ns p50: \(pct(0.50)) p90: \(pct(0.90)) p99: \(pct(0.99)) p99.9: \(pct(0.999)) p99.99: \(pct(0.9999)) max: \(samples[sampled - 1])")
    }
}

func format1(_ x: Double) -> String { String(Double(Int((x * 10).rounded())) / 10) }
func format2(_ x: Double) -> String { String(Double(Int((x * 100).rounded())) / 100) }
