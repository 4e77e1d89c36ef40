import Benchmark
import HarbourCore
import Matching

/// Workload (b): Liquibook's insert benchmark on the venue's matching loop (`Matcher`, the
/// loop `Engine` runs) over a bare book (`BookOnlyMatching`: no risk); buys by account 0 and
/// sells by account 1, in different STP groups:
/// alternating buy and sell limit orders, buys uniform in 1880...1889, sells in
/// 1884...1893, quantities 100...1000 by 100, all into one book that keeps growing
/// (as in Liquibook). Orders are pre-generated; one iteration inserts 1,000 of them.
final class InsertState {
    static let count = 1 << 22
    var prices = [Int64](repeating: 0, count: count)
    var quantities = [Int64](repeating: 0, count: count)
    var matcher = BookOnlyMatching(accounts: 2)
    var next: Int64 = 0

    init() {
        // SplitMix64, seed 1 (as `harbour bench insert`).
        var state: UInt64 = 1
        func random(_ n: UInt64) -> Int64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int64((z ^ (z >> 31)) % n)
        }
        for k in 0..<Self.count {
            prices[k] = random(10) + (k & 1 == 0 ? 1880 : 1884)
            quantities[k] = (random(10) + 1) * 100
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )

    var state: InsertState?

    Benchmark("LiquibookInsert Matcher") { benchmark in
        let s: InsertState
        if let existing = state { s = existing } else { s = InsertState(); state = s }
        let mask = InsertState.count - 1
        var id = s.next
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let k = Int(id) & mask
            id += 1
            let side = UInt32(k & 1)
            blackHole(s.matcher.submit(orderId: id, account: side, group: side, side: side == 0 ? .buy : .sell,
                                       price: s.prices[k], quantity: s.quantities[k]))
        }
        benchmark.stopMeasurement()
        s.next = id
    }
}
