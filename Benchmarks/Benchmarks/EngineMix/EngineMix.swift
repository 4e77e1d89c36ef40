import Benchmark
import Engine
import HarbourCore
import Matching

/// Workload (a): the whole engine path (pre-trade risk, matching, ledger) on the
/// place / cancel / IOC / amend mix of `EngineMixWorkload` (shared with `harbour bench
/// engine`). One iteration applies 1,000 commands; metrics are scaled per command.
final class EngineMixState {
    let workload = EngineMixWorkload()
    let engine = EngineMixWorkload.makeEngine()
    var batch: [Command] = []
    var timestamp = EngineMixWorkload.firstTimestamp
    init() { batch.reserveCapacity(1_000) }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 3_000
    )

    var state: EngineMixState?

    Benchmark("EngineMix place50/cancel35/ioc10/amend5 10k accounts") { benchmark in
        let s: EngineMixState
        if let existing = state { s = existing } else { s = EngineMixState(); state = s }
        // Generation (which runs the commands on the generator's own shadow engine) is
        // outside the measured region.
        s.workload.fill(&s.batch, count: benchmark.scaledIterations.count)
        let engine = s.engine
        var ts = s.timestamp
        benchmark.startMeasurement()
        for k in benchmark.scaledIterations {
            ts += 1
            engine.applyInPlace(s.batch[k], timestamp: ts)
            blackHole(engine.events.count)
        }
        benchmark.stopMeasurement()
        s.timestamp = ts
    }
}
