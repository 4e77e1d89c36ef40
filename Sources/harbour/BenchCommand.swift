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
        abstract: "Performance benches: the matching core alone (insert), the whole engine (engine), margin monitoring at scale (monitor).",
        subcommands: [InsertBench.self, EngineBench.self, MonitorBench.self]
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

/// Liquibook's classic insert workload on `BasicMatcher`.
struct InsertBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insert",
        abstract: "Liquibook insert workload on the plain matcher; last line: inserts_per_sec: N."
    )

    @Option(help: "Wall time to insert for, in seconds.")
    var seconds: Double = 3

    @Option(help: "PRNG seed.")
    var seed: UInt64 = 1

    func run() throws {
        // Pre-generated orders (the PRNG is not measured): alternating buy and sell,
        // buys uniform in 1880...1889, sells in 1884...1893, quantities 100...1000 by 100.
        // Even index = buy. The array is cycled; every insert gets a fresh order id.
        let count = 1 << 22
        let mask = count - 1
        var rng = SplitMix64(seed: seed)
        var prices = [Int64](repeating: 0, count: count)
        var quantities = [Int64](repeating: 0, count: count)
        for k in 0..<count {
            prices[k] = Int64(rng.below(10)) + (k & 1 == 0 ? 1880 : 1884)
            quantities[k] = Int64(rng.below(10) + 1) * 100
        }
        let matcher = BasicMatcher(accounts: 1)
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
                        filled &+= matcher.submit(orderId: inserted, account: 0, group: 0, side: k & 1 == 0 ? .buy : .sell,
                                                  price: p[k], quantity: q[k])
                    }
                    now = monotonicNanos()
                }
            }
        }
        let elapsed = Double(now - start) / 1e9
        let cpu = processCPUSeconds() - cpuStart
        print("workload: Liquibook insert (buy 1880-1889, sell 1884-1893, qty 100-1000), BasicMatcher, 1 book")
        print("inserted: \(inserted) in \(format2(elapsed)) s; fills: \(matcher.fillCount); quantity filled: \(filled)")
        print("resting at end: \(matcher.book.orderCount) orders, \(matcher.book.bids.levels.count) bid and \(matcher.book.asks.levels.count) ask levels")
        print("cpu time: \(format2(cpu)) s of \(format2(elapsed)) s wall; inserts per CPU second: \(Int(Double(inserted) / cpu))")
        print("inserts_per_sec: \(Int(Double(inserted) / elapsed))")
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
