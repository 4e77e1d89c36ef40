import ArgumentParser
import Engine
import HarbourCore
import Foundation

/// `harbour bench monitor`: the cost of continuous margin monitoring (RISK-3) as the
/// number of open positions grows, against a full margin scan (docs/PERFORMANCE.md,
/// "Margin monitoring at scale").
struct MonitorBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Mark updates with 1k…1M open positions (1,000 near liquidation): no-cross and k-crossing updates vs a full margin scan."
    )

    @Option(help: "Largest number of open positions (1000, 10000, 100000, 1000000; sizes above are skipped).")
    var maxPositions: Int = 1_000_000

    @Flag(help: "Fewer repetitions (one crossing run per k, one full scan, 2,000 no-cross updates).")
    var quick = false

    @Option(help: "No-cross mark updates timed per size (default 20,000; 2,000 with --quick).")
    var updates: Int?

    @Option(help: "Single-shot repetitions of each crossing update and of the full scan (median reported; default 5, 1 with --quick).")
    var repetitions: Int?

    /// Figures of one size.
    struct Row {
        var positions = 0, near = 0
        var setupSeconds = 0.0, setupCommands = 0
        var quietP50 = 0.0, quietP99 = 0.0, quietMax = 0.0
        var cross: [Int: Double] = [:]
        var scan = 0.0
        var rssMB = 0
        /// One RISK-6 risk sweep over all positions in one command (O(N), every 60 s of
        /// command time), as a venue of at most `riskSweepAccountsPerCommand` accounts runs it.
        var sweep = 0.0
        /// The same sweep spread over commands (`RiskSweepPass`): the commands it took and
        /// the slowest of them.
        var sliceCommands = 0
        var sliceMax = 0.0
        var slowestSlice = 0
        var sliceP50 = 0.0
        /// Alerts and add-on steps the sweep published (an add-on step re-checks every account).
        var sweepAlerts = 0
    }

    func run() throws {
        let sizes = [1_000, 10_000, 100_000, 1_000_000].filter { $0 <= maxPositions }
        let reps = max(1, repetitions ?? (quick ? 1 : 5))
        let quiet = max(2, updates ?? (quick ? 2_000 : 20_000))
        let ks = [0, 10, 100, 1_000]
        print("workload: BTC-PERP, positions of 0.1 BTC opened at 60000.0 in long/short pairs; K near liquidation = min(1000, N/10) longs at 50x,")
        print("          triggers ~1 tick apart ~1.7% below 60000.0; the rest at 2x; market maker bid under all near triggers; one timestamp; postings off")
        print("no-cross: \(quiet) mark updates alternating 60000.0 / 59990.0, each clocked; crossing: mark set to the k-th highest near trigger,")
        print("          single shot (liquidations included; state put back in O(k) commands between runs, not timed), median of \(reps); full scan: marginSummary of every account, median of \(reps)")
        var rows: [Row] = []
        for n in sizes {
            var row = Row()
            row.positions = n
            row.near = min(1_000, n / 10)
            let t0 = monotonicNanos()
            let w = try MarginMonitorWorkload(positions: n, nearLiquidation: row.near)
            row.setupSeconds = Double(monotonicNanos() - t0) / 1e9
            row.setupCommands = w.setupCommands
            print("N=\(n): setup \(format2(row.setupSeconds)) s (\(w.setupCommands) commands, \(w.engine.accountCount) accounts), near triggers \(w.nearTriggers.first ?? 0)…\(w.nearTriggers.last ?? 0) raw, MM bid \(w.bidPrice)")

            // (c) Full scan.
            var scans: [Double] = []
            for _ in 0..<reps {
                let s0 = monotonicNanos()
                let below = MarginMonitorWorkload.fullScan(w.engine)
                scans.append(Double(monotonicNanos() - s0))
                guard below == 0 else { throw ValidationError("full scan found \(below) accounts below maintenance at rest") }
            }
            row.scan = median(scans)

            // (a) No-cross mark updates.
            var samples = [UInt64](repeating: 0, count: quiet)
            var liquidated = 0
            let e = w.engine
            for r in 0..<quiet {
                let price = r & 1 == 0 ? MarginMonitorWorkload.quietMark : MarginMonitorWorkload.openMark
                let s0 = monotonicNanos()
                e.applyInPlace(.markPrice(instrument: MarginMonitorWorkload.instrument, price: price), timestamp: MarginMonitorWorkload.timestamp)
                samples[r] = monotonicNanos() - s0
                for ev in e.events { if case .liquidation = ev { liquidated += 1 } }
            }
            if e.marks[0] != MarginMonitorWorkload.openMark {
                e.applyInPlace(.markPrice(instrument: MarginMonitorWorkload.instrument, price: MarginMonitorWorkload.openMark), timestamp: MarginMonitorWorkload.timestamp)
            }
            guard liquidated == 0 else { throw ValidationError("a no-cross update liquidated \(liquidated) accounts") }
            samples.sort()
            row.quietP50 = Double(samples[quiet / 2])
            row.quietP99 = Double(samples[min(quiet - 1, quiet * 99 / 100)])
            row.quietMax = Double(samples[quiet - 1])

            // (b) Crossing k triggers, single shot each, the state put back in O(k)
            // commands after every run (`reset(afterCrossing:)`, not timed).
            for k in ks where k <= row.near {
                var times: [Double] = []
                for _ in 0..<reps {
                    let price = w.crossingMark(k)
                    let c0 = monotonicNanos()
                    let gone = MarginMonitorWorkload.markUpdate(w.engine, price)
                    times.append(Double(monotonicNanos() - c0))
                    guard gone == Set(w.nearAccounts.prefix(k).map(\.index)) else {
                        throw ValidationError("crossing \(k) liquidated \(gone.count) accounts, not exactly the \(k) expected")
                    }
                    try w.reset(afterCrossing: k)
                }
                row.cross[k] = median(times)
            }
            guard w.engine.ledger.sum == 0 else { throw ValidationError("ledger does not sum to zero") }
            // (d) The periodic risk sweep (last: it moves the engine's clock): as the venue
            // runs it (sliced beyond riskSweepAccountsPerCommand accounts: ticks 1 ms apart
            // until the pass is over, each clocked), then in one command for comparison.
            if let due = w.engine.nextRiskSweepAtMs {
                var t = due
                var times: [Double] = []
                repeat {
                    let c0 = monotonicNanos()
                    w.engine.applyInPlace(.tick, timestamp: t)
                    times.append(Double(monotonicNanos() - c0))
                    for case .riskAlert in w.engine.events { row.sweepAlerts += 1 }
                    t += 1
                } while w.engine.riskSweepInProgress
                row.sliceCommands = times.count
                row.sliceMax = times.max() ?? 0
                row.slowestSlice = times.firstIndex(of: row.sliceMax) ?? 0
                row.sliceP50 = times.sorted()[times.count / 2]
            }
            if let due = w.engine.nextRiskSweepAtMs {
                let perCommand = w.engine.riskSweepAccountsPerCommand
                w.engine.riskSweepAccountsPerCommand = Int.max
                let c0 = monotonicNanos()
                w.engine.applyInPlace(.tick, timestamp: due)
                row.sweep = Double(monotonicNanos() - c0)
                w.engine.riskSweepAccountsPerCommand = perCommand
            }
            row.rssMB = peakRSSMegabytes()
            rows.append(row)
            print("  no-cross p50 \(ns(row.quietP50)) p99 \(ns(row.quietP99)) max \(ns(row.quietMax)); full scan \(ns(row.scan)); risk sweep in one command \(ns(row.sweep)); sliced: \(row.sliceCommands) commands, p50 \(ns(row.sliceP50)), slowest \(ns(row.sliceMax)) (command \(row.slowestSlice + 1)), \(row.sweepAlerts) alerts; peak RSS \(row.rssMB) MB")
        }
        print("")
        print("| positions N | near K | setup | no-cross update p50 / p99 | cross k=0 | k=10 | k=100 | k=1000 | full scan | scan ÷ no-cross p50 |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in rows {
            let cells = ks.map { k in r.cross[k].map(ns) ?? "—" }
            print("| \(r.positions) | \(r.near) | \(format1(r.setupSeconds)) s | \(ns(r.quietP50)) / \(ns(r.quietP99)) | \(cells.joined(separator: " | ")) | \(ns(r.scan)) | \(Int((r.scan / r.quietP50).rounded()))× |")
        }
    }

    func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// A duration in nanoseconds, in the unit that reads best.
    func ns(_ x: Double) -> String {
        if x < 10_000 { return "\(Int(x.rounded())) ns" }
        if x < 10_000_000 { return "\(format1(x / 1_000)) µs" }
        return "\(format1(x / 1_000_000)) ms"
    }

    /// Peak resident set (VmHWM) of this process, MB; 0 where /proc is not available.
    func peakRSSMegabytes() -> Int {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}
