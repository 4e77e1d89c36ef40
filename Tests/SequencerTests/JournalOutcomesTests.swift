import Engine
import Foundation
import HarbourCore
import Matching
import Storage
import Synchronization
import Testing
@testable import Sequencer

/// Replaying the journal for its projections (read models, the audit trail, the PostgreSQL
/// copy): a replay after a sequence starts from a snapshot and renders exactly what a full
/// replay renders; it stops at the bound it is given; and it ends cleanly however its
/// consumer leaves it.
@Suite struct JournalOutcomesTests {
    struct Seen: Equatable {
        let sequence: UInt64, timestamp: Int64, payload: [UInt8], commandLine: String, eventLines: [String]
    }

    /// A closed data directory of `orders` crossing orders after the seed, snapshots every `snapshotEvery`.
    static func journal(orders: Int, snapshotEvery: Int = 0) async throws -> (URL, VenueConfig, last: UInt64) {
        let dir = temporaryDirectory()
        let host = try VenueHost(options: .init(dataDirectory: dir, snapshotEvery: snapshotEvery))
        try await VenueHostTests.seed(host)
        var last: UInt64 = 0
        for k in 0..<orders {
            let o = try await host.submit(.placeOrder(PlaceOrder(account: AccountID(UInt32(k % 3)), instrument: InstrumentID(0),
                                                                 side: k % 2 == 0 ? .buy : .sell, price: 500_000 + Int64(k % 7 - 3) * 10,
                                                                 quantity: 5, clientOrderId: "o\(k)")))
            last = o.sequence
        }
        let config = host.options.config
        host.shutdown()
        return (dir, config, last)
    }

    static func fullReplay(_ dir: URL, _ config: VenueConfig, after: UInt64) throws -> [Seen] {
        var out: [Seen] = []
        try JournalOutcomes.forEachRecord(dataDirectory: dir, config: config) { seq, ts, payload, line, events in
            if seq > after { out.append(Seen(sequence: seq, timestamp: ts, payload: Array(payload), commandLine: line, eventLines: events)) }
        }
        return out
    }

    static func seen(_ outcomes: [JournalOutcomes.Outcome]) -> [Seen] {
        outcomes.map { Seen(sequence: $0.sequence, timestamp: $0.timestamp, payload: $0.payload, commandLine: $0.commandLine, eventLines: $0.eventLines) }
    }

    /// Issue 18: a catch-up used to replay the whole journal for the last few records.
    @Test func aReplayAfterASequenceStartsAtTheNewestSnapshotBeforeItAndRendersTheSame() async throws {
        let (dir, config, last) = try await Self.journal(orders: 300, snapshotEvery: 50)
        defer { try? FileManager.default.removeItem(at: dir) }
        let snapshots = try SnapshotStore(directory: dir.appendingPathComponent("snapshots")).list().map(\.sequence)
        #expect(snapshots.count == 3, "the store keeps the newest three: \(snapshots)")
        let oldest = try #require(snapshots.min())
        for after in [oldest + 20, last - 3, oldest - 10] {
            let expected = try Self.fullReplay(dir, config, after: after)
            #expect(expected.count == Int(last - after) && expected.contains { !$0.eventLines.isEmpty })
            let got = Mutex<[Seen]>([])
            let replay = try await JournalOutcomes.chunks(dataDirectory: dir, config: config, after: after, chunk: 7) { outcomes in
                got.withLock { $0 += Self.seen(outcomes) }
            }
            #expect(got.withLock { $0 } == expected, "after \(after): the same records, command lines and events as a full replay")
            let start = snapshots.filter { $0 <= after }.max() ?? 0
            #expect(replay.startedAfter == start, "after \(after): started at snapshot \(start)")
            #expect(replay.replayed == Int(last - start), "only the records after the snapshot were applied")
            #expect(replay.lastSequence == last)
            let (_, fullHash) = try JournalOutcomes.forEach(dataDirectory: dir, config: config) { _, _, _, _ in }
            #expect(replay.stateHash == fullHash)
        }
        // Without seek, the same answer from the first record.
        let full = try await JournalOutcomes.chunks(dataDirectory: dir, config: config, after: last - 3, seek: false) { _ in }
        #expect(full.startedAfter == 0 && full.replayed == Int(last))
    }

    /// A snapshot that does not restore to its recorded hash is passed over for an older one.
    @Test func aDamagedSnapshotIsPassedOver() async throws {
        let (dir, config, last) = try await Self.journal(orders: 120, snapshotEvery: 40)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = SnapshotStore(directory: dir.appendingPathComponent("snapshots"))
        let listed = try store.list()
        let newest = try #require(listed.first), older = try #require(listed.dropFirst().first)
        var bytes = try Data(contentsOf: newest.url)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: newest.url)
        let expected = try Self.fullReplay(dir, config, after: newest.sequence)
        let got = Mutex<[Seen]>([])
        let replay = try await JournalOutcomes.chunks(dataDirectory: dir, config: config, after: newest.sequence) { o in got.withLock { $0 += Self.seen(o) } }
        #expect(replay.startedAfter == older.sequence)
        #expect(got.withLock { $0 } == expected && replay.lastSequence == last)
    }

    /// Issue 18 item 4: a copy takes only what the venue made durable — the replay stops at
    /// `through` whatever else the journal's files hold.
    @Test func theReplayStopsAtItsBound() async throws {
        let (dir, config, last) = try await Self.journal(orders: 60)
        defer { try? FileManager.default.removeItem(at: dir) }
        let got = Mutex<[UInt64]>([])
        let replay = try await JournalOutcomes.chunks(dataDirectory: dir, config: config, after: 10, through: 40, chunk: 8) { o in
            got.withLock { $0 += o.map(\.sequence) }
        }
        #expect(last > 40)
        #expect(got.withLock { $0 } == Array(11...40))
        #expect(replay.lastSequence == 40 && replay.replayed == 40)
    }

    struct Refused: Error, Equatable {}

    /// Issue 18 item 3: a throw from the body used to return while the replay thread still
    /// held the semaphore; its release then crashed the process ("Semaphore object
    /// deallocated while in use"). Now the error comes back, the thread is gone, and the
    /// directory can be replayed again at once.
    @Test(.timeLimit(.minutes(2))) func aThrowFromTheBodyEndsTheReplayCleanly() async throws {
        let (dir, config, last) = try await Self.journal(orders: 200)
        defer { try? FileManager.default.removeItem(at: dir) }
        for throwAt in [1, 2, 5, Int(last) / 10] { // the first chunk, the second, the middle, the last
            let calls = Mutex(0)
            await #expect(throws: Refused.self) {
                try await JournalOutcomes.chunks(dataDirectory: dir, config: config, after: 0, chunk: 10) { _ in
                    let n = calls.withLock { $0 += 1; return $0 }
                    if n == throwAt { throw Refused() }
                }
            }
            #expect(calls.withLock { $0 } == throwAt, "nothing delivered after the throw")
        }
        // Give a thread left behind (the old code) the moment it needs to release the semaphore
        // and crash this process, then check the directory still replays whole.
        for _ in 0..<5 {
            let replay = try await JournalOutcomes.chunks(dataDirectory: dir, config: config, after: 0, chunk: 10) { _ in }
            #expect(replay.lastSequence == last)
        }
    }

    /// A cancelled task leaves the replay promptly with `CancellationError` (it used to wait
    /// for a replay thread blocked on room nobody would give it).
    @Test(.timeLimit(.minutes(2))) func aCancelledReplayEndsWithCancellation() async throws {
        let (dir, config, _) = try await Self.journal(orders: 200)
        defer { try? FileManager.default.removeItem(at: dir) }
        let task = Task {
            try await JournalOutcomes.chunks(dataDirectory: dir, config: config, after: 0, chunk: 5) { _ in
                withUnsafeCurrentTask { $0?.cancel() }
            }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    /// Start-up flushes what recovery read, and the host reports as durable exactly what it
    /// has acknowledged.
    @Test func theDurableSequenceIsWhatWasAcknowledged() async throws {
        let (dir, _, last) = try await Self.journal(orders: 5)
        defer { try? FileManager.default.removeItem(at: dir) }
        let host = try VenueHost(options: .init(dataDirectory: dir))
        defer { host.shutdown() }
        #expect(host.durableSequence == last && host.recovery.lastSequence == last)
        let o = try await host.submit(.cancelAll(account: AccountID(0), instrument: nil))
        #expect(o.sequence == last + 1 && host.durableSequence == o.sequence)
    }
}
