import Engine
import Foundation
import Storage
import Testing
@testable import Sequencer

/// How long a journal copy's catch-up takes to read the last `HARBOUR_CATCHUP_MISSING`
/// records of the data directory `HARBOUR_CATCHUP_DATA`, replaying from the first record
/// (`seek: false`, what every catch-up did before issue 18 item 2) and from the newest
/// snapshot before them (`seek: true`, now). A measurement for docs/PERFORMANCE.md, run only
/// when asked; it asserts that both hand over the same records.
enum CatchUpTiming {
    static var data: String? { ProcessInfo.processInfo.environment["HARBOUR_CATCHUP_DATA"] }
}

@Suite(.enabled(if: CatchUpTiming.data != nil, "set HARBOUR_CATCHUP_DATA (and HARBOUR_CATCHUP_MISSING) to measure"))
struct CatchUpTimingTests {
    static var missing: UInt64 { ProcessInfo.processInfo.environment["HARBOUR_CATCHUP_MISSING"].flatMap(UInt64.init) ?? 50_000 }

    @Test func catchUpFromTheStartAndFromASnapshot() async throws {
        let root = URL(fileURLWithPath: try #require(CatchUpTiming.data))
        let config = VenueConfig.standard
        let last = try #require(try JournalReader(directory: root.appendingPathComponent("journal")).forEach(from: .max) { _, _, _ in }.lastSequence)
        let after = last > Self.missing ? last - Self.missing : 0
        var digests: [Int] = []
        for seek in [false, true] {
            let clock = ContinuousClock()
            let t0 = clock.now
            let count = LockedCounter()
            let replay = try await JournalOutcomes.chunks(dataDirectory: root, config: config, after: after, chunk: 5_000, seek: seek) { o in
                count.add(o.count, o.reduce(0) { $0 &+ $1.eventLines.count &* 31 &+ Int($1.sequence) })
            }
            let d = clock.now - t0
            let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            print("catch-up of \(last - after) records of \(last) (seek: \(seek)): \(String(format: "%.2f", s)) s, "
                  + "replayed \(replay.replayed) records from \(replay.startedAfter)")
            #expect(count.records == Int(last - after))
            digests.append(count.digest)
        }
        #expect(digests[0] == digests[1], "the same records and events either way")
        // Of which: finding, loading and restoring the snapshot (and checking its state hash).
        let clock = ContinuousClock()
        let t0 = clock.now
        let (_, at) = JournalOutcomes.startingPoint(root: root, config: config, atOrBefore: after)
        let d = clock.now - t0
        print("restoring snapshot \(at): \(String(format: "%.2f", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)) s")
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var r = 0, d = 0
    func add(_ n: Int, _ digest: Int) { lock.lock(); r += n; d = d &* 1_000_003 &+ digest; lock.unlock() }
    var records: Int { lock.lock(); defer { lock.unlock() }; return r }
    var digest: Int { lock.lock(); defer { lock.unlock() }; return d }
}
