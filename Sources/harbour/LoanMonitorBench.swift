import ArgumentParser
import Financing
import Foundation
import HarbourCore

/// `harbour bench loans`: margin-call monitoring of the financing book (FIN-5) on a BTC
/// price change, with 1k…100k loans of which 100 cross, against a full scan of every loan
/// (docs/PERFORMANCE.md, "Margin-call monitoring").
struct LoanMonitorBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loans",
        abstract: "BTC price changes with 1k…100k margin loans (100 crossing into a call) vs a full scan of every loan."
    )

    @Option(help: "Largest number of loans (1000, 10000, 100000).")
    var maxLoans: Int = 100_000

    @Option(help: "Repetitions of each timed step (median and max reported).")
    var repetitions: Int = 21

    func run() throws {
        print("workload: one loan per client, 1 BTC pledged, drawn at 80,000, valued at 60,000; 100 loans owe 23,400–23,499 (call below 58,500),")
        print("          the rest 10,000. quiet: 60,000 → 60,010 → 60,000 (no zone crossed); crossing: 60,000 → 58,000 (100 calls), then back to 60,000 (calls met; not timed)")
        print("| loans | setup s | quiet move µs p50 / max | loans visited | crossing move µs p50 / max | loans visited | full scan µs p50 | scan ÷ crossing |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in [1_000, 10_000, 100_000] where n <= maxLoans {
            let t0 = monotonicNanos()
            var w = try LoanMonitorWorkload(loans: n, near: 100)
            let setup = Double(monotonicNanos() - t0) / 1e9
            var quiet: [Double] = [], crossing: [Double] = [], scans: [Double] = []
            var quietVisited = 0, crossVisited = 0
            for _ in 0..<repetitions {
                var a = monotonicNanos()
                quietVisited = try w.move(to: LoanMonitorWorkload.quiet)
                quiet.append(Double(monotonicNanos() - a) / 1e3)
                _ = try w.move(to: LoanMonitorWorkload.open)
                a = monotonicNanos()
                crossVisited = try w.move(to: LoanMonitorWorkload.crossing)
                crossing.append(Double(monotonicNanos() - a) / 1e3)
                _ = try w.move(to: LoanMonitorWorkload.open)   // back above the loans: the 100 calls are met (not timed)
                a = monotonicNanos()
                _ = w.fullScan()
                scans.append(Double(monotonicNanos() - a) / 1e3)
            }
            func p50(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
            print("| \(n) | \(format2(setup)) | \(format2(p50(quiet))) / \(format2(quiet.max()!)) | \(quietVisited) | \(format2(p50(crossing))) / \(format2(crossing.max()!)) | \(crossVisited) | \(format2(p50(scans))) | \(format2(p50(scans) / p50(crossing)))× |")
        }
    }
}
