import Benchmark
import Engine
import HarbourCore

/// Margin monitoring at scale (RISK-3) on the `MarginMonitorWorkload` of `harbour bench
/// monitor` (shared source): 100,000 open positions on BTC-PERP, 1,000 of them near
/// liquidation. Setup (~200k commands) runs once per benchmark process, outside every
/// measured region.
/// - no-cross: one iteration applies 1,000 mark updates alternating 60000.0 / 59990.0
///   (no trigger crossed); metrics per update.
/// - crossing 1,000: one iteration restores the state from a snapshot (not measured) and
///   applies one mark update that crosses the 1,000 near triggers (liquidations included).
/// - full scan: one iteration computes the margin of all 100,001 accounts (the naive
///   monitor the index replaces).
final class MarginMonitorState {
    static let positions = 100_000
    static let near = 1_000
    let workload: MarginMonitorWorkload
    let snapshot: [UInt8]
    var flip = false
    init() {
        do { workload = try MarginMonitorWorkload(positions: Self.positions, nearLiquidation: Self.near) } catch {
            fatalError("MarginMonitor setup: \(error)")
        }
        snapshot = workload.engine.snapshot()
    }
}

let benchmarks: @Sendable () -> Void = {
    var state: MarginMonitorState?
    func shared() -> MarginMonitorState {
        if let s = state { return s }
        let s = MarginMonitorState()
        state = s
        return s
    }

    Benchmark("MarginMonitor no-cross mark update, 100k positions, 1k near",
              configuration: .init(metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident],
                                   warmupIterations: 5, scalingFactor: .kilo, maxDuration: .seconds(5), maxIterations: 2_000)) { benchmark in
        let s = shared()
        let e = s.workload.engine
        var flip = s.flip
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            flip.toggle()
            e.applyInPlace(.markPrice(instrument: MarginMonitorWorkload.instrument,
                                      price: flip ? MarginMonitorWorkload.quietMark : MarginMonitorWorkload.openMark),
                           timestamp: MarginMonitorWorkload.timestamp)
            blackHole(e.events.count)
        }
        benchmark.stopMeasurement()
        s.flip = flip
    }

    Benchmark("MarginMonitor mark update crossing 1k of 100k positions",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
                                   warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(60), maxIterations: 5)) { benchmark in
        let s = shared()
        do { try s.workload.restore(s.snapshot) } catch { fatalError("restore: \(error)") }
        let e = s.workload.engine
        let price = s.workload.crossingMark(MarginMonitorState.near)
        benchmark.startMeasurement()
        e.applyInPlace(.markPrice(instrument: MarginMonitorWorkload.instrument, price: price), timestamp: MarginMonitorWorkload.timestamp)
        benchmark.stopMeasurement()
        blackHole(e.events.count)
    }

    Benchmark("MarginMonitor full margin scan, 100k positions",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal],
                                   warmupIterations: 1, scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 50)) { benchmark in
        let s = shared()
        benchmark.startMeasurement()
        blackHole(MarginMonitorWorkload.fullScan(s.workload.engine))
        benchmark.stopMeasurement()
    }
}
