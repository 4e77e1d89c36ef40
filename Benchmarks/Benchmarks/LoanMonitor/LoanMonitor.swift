import Benchmark
import Financing
import HarbourCore

/// Margin-call monitoring of the financing book (FIN-5) on the `LoanMonitorWorkload` of
/// `harbour bench loans` (shared source): 100,000 loans, 100 of which a BTC move from
/// 60,000 to 58,000 puts under a margin call. Setup runs once per process, unmeasured.
/// - quiet: one iteration moves BTC 60,000 → 60,010 → 60,000 (no zone crossed);
/// - crossing 100: one iteration moves 60,000 → 58,000 (100 calls; measured), then back (not measured);
/// - full scan: every loan's zone at the current price (the naive monitor the index replaces).
final class LoanMonitorState {
    var workload: LoanMonitorWorkload
    init() {
        do { workload = try LoanMonitorWorkload(loans: 100_000, near: 100) } catch { fatalError("LoanMonitor setup: \(error)") }
    }
}

let benchmarks: @Sendable () -> Void = {
    var state: LoanMonitorState?
    func shared() -> LoanMonitorState {
        if let s = state { return s }
        let s = LoanMonitorState()
        state = s
        return s
    }

    Benchmark("LoanMonitor quiet BTC move, 100k loans",
              configuration: .init(metrics: [.throughput, .wallClock, .mallocCountTotal], warmupIterations: 5, scalingFactor: .kilo,
                                   maxDuration: .seconds(5), maxIterations: 2_000)) { benchmark in
        let s = shared()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try? s.workload.move(to: LoanMonitorWorkload.quiet))
            blackHole(try? s.workload.move(to: LoanMonitorWorkload.open))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("LoanMonitor BTC move crossing 100 of 100k loans",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], warmupIterations: 1, scalingFactor: .one,
                                   maxDuration: .seconds(20), maxIterations: 200)) { benchmark in
        let s = shared()
        benchmark.startMeasurement()
        blackHole(try? s.workload.move(to: LoanMonitorWorkload.crossing))
        benchmark.stopMeasurement()
        blackHole(try? s.workload.move(to: LoanMonitorWorkload.open))
    }

    Benchmark("LoanMonitor full scan of 100k loans",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], warmupIterations: 1, scalingFactor: .one,
                                   maxDuration: .seconds(10), maxIterations: 50)) { benchmark in
        let s = shared()
        benchmark.startMeasurement()
        blackHole(s.workload.fullScan())
        benchmark.stopMeasurement()
    }
}
