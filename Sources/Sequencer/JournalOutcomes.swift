import Engine
import Foundation
import Storage
import Synchronization

/// Replays a data directory's journal through an engine and hands out each command's
/// outcome as the live venue rendered it — the replay-format command line (before the
/// command is applied) and the event lines (after) — for everything that is a projection of
/// the journal: read models (`harbour rebuild`), the audit trail (`harbour audit`) and the
/// PostgreSQL journal copy.
///
/// A replay that only needs the records after some sequence (`after`) starts from the newest
/// sound snapshot at or before it, not from the first record (`seek`), so catching a copy up
/// costs what is missing plus at most one snapshot interval, whatever the journal's length.
public enum JournalOutcomes {
    /// One replayed record: the journaled payload and what the venue rendered for it.
    public struct Outcome: Sendable {
        public let sequence: UInt64
        public let timestamp: Int64
        public let payload: [UInt8]
        public let commandLine: String
        public let eventLines: [String]
    }

    /// What a replay did.
    public struct Replay: Sendable, Equatable {
        /// The snapshot the replay started from (0: the journal's first record).
        public var startedAfter: UInt64
        /// Records applied to the engine (from `startedAfter + 1`).
        public var replayed: Int
        /// The last sequence applied (0: none).
        public var lastSequence: UInt64
        /// The engine's state hash after `lastSequence`.
        public var stateHash: String
    }

    /// Calls `body` for every committed record in order (a full replay from the first
    /// record); returns the records replayed and the final state hash.
    @discardableResult
    public static func forEach(dataDirectory root: URL, config: VenueConfig,
                               _ body: (_ sequence: UInt64, _ timestamp: Int64, _ commandLine: String, _ eventLines: [String]) throws -> Void)
        throws -> (count: Int, stateHash: String) {
        let r = try forEachRecord(dataDirectory: root, config: config) { seq, ts, _, line, events in try body(seq, ts, line, events) }
        return (r.replayed, r.stateHash)
    }

    /// `forEach` with each record's journaled payload, for the records after `after` through
    /// `through` (the replay stops there: records after it are not read, whatever the file
    /// holds). With `seek`, the engine starts from the newest snapshot at or before `after`
    /// that restores to its recorded state hash (as recovery does); without, or without one,
    /// from an empty engine at the first record. `body` sees only records after `after`.
    @discardableResult
    public static func forEachRecord(dataDirectory root: URL, config: VenueConfig, after: UInt64 = 0, through: UInt64 = .max,
                                     seek: Bool = false,
                                     _ body: (_ sequence: UInt64, _ timestamp: Int64, _ payload: UnsafeRawBufferPointer,
                                              _ commandLine: String, _ eventLines: [String]) throws -> Void)
        throws -> Replay {
        let (engine, start) = seek && after > 0 ? startingPoint(root: root, config: config, atOrBefore: after) : (Engine(config: config), 0)
        let commands = CommandEncoder(), events = EventEncoder()
        var replay = Replay(startedAfter: start, replayed: 0, lastSequence: start, stateHash: "")
        struct ReachedEnd: Error {}
        do {
            try JournalReader(directory: root.appendingPathComponent("journal")).forEach(from: start + 1) { seq, ts, payload in
                guard seq <= through else { throw ReachedEnd() }
                let command = try CommandCodec.decode(payload)
                let line = seq > after ? commands.encode(command, timestamp: ts, engine: engine) : ""
                engine.applyInPlace(command, timestamp: ts)
                replay.replayed += 1
                replay.lastSequence = seq
                if seq > after {
                    try body(seq, ts, payload, line, engine.events.map { events.encode($0, seq: Int64(seq), engine: engine) })
                }
            }
        } catch is ReachedEnd {}
        replay.stateHash = engine.stateHash()
        return replay
    }

    /// The newest snapshot in `root/snapshots` at or before `sequence` that restores to its
    /// recorded state hash, as an engine ready to render outcomes (postings on, as the live
    /// venue's), or an empty engine at 0. A snapshot pruned or damaged meanwhile is skipped.
    static func startingPoint(root: URL, config: VenueConfig, atOrBefore sequence: UInt64) -> (Engine, UInt64) {
        let store = SnapshotStore(directory: root.appendingPathComponent("snapshots"))
        for (seq, url) in (try? store.list()) ?? [] where seq <= sequence && seq > 0 {
            guard let snap = try? store.load(from: url), let engine = try? Engine(snapshot: snap.payload, config: config),
                  Recovery.hex(snap.stateHash) == engine.stateHash() else { continue }
            engine.emitPostings = true
            return (engine, snap.sequence)
        }
        return (Engine(config: config), 0)
    }

    /// Replays the journal on a thread of its own and hands the outcomes with a sequence
    /// above `after` (through `through`) to `body` in chunks of `chunk`, awaiting each (an
    /// async store writes it) before the replay runs more than two chunks ahead; `seek` as in
    /// `forEachRecord` (on by default: only what is asked for, and a snapshot interval, is
    /// replayed). Returns what the replay did.
    ///
    /// However it ends — the journal's end, `through`, a throw from `body`, the task's
    /// cancellation — the replay thread is stopped and waited for before this returns or
    /// throws, so nothing it uses is released while it runs and nothing reads the directory
    /// afterwards. A throw from `body` is rethrown; cancellation throws `CancellationError`.
    @discardableResult
    public static func chunks(dataDirectory root: URL, config: VenueConfig, after: UInt64, through: UInt64 = .max,
                              chunk: Int = 2_000, seek: Bool = true,
                              _ body: ([Outcome]) async throws -> Void) async throws -> Replay {
        let chunk = max(1, chunk)
        let (stream, continuation) = AsyncStream<[Outcome]>.makeStream()
        // Room for two chunks ahead of `body`. Made at 0 and signalled up: libdispatch crashes
        // the process when a semaphore is released holding less than its initial value, which
        // is where an early exit used to leave it.
        let room = DispatchSemaphore(value: 0)
        room.signal()
        room.signal()
        let stop = Atomic<Bool>(false)
        let result = Mutex<Result<Replay, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        struct Stopped: Error {}
        let thread = Thread {
            defer { continuation.finish(); done.signal() }
            var buffer: [Outcome] = []
            do {
                let r = try forEachRecord(dataDirectory: root, config: config, after: after, through: through, seek: seek) { seq, ts, payload, line, events in
                    buffer.append(Outcome(sequence: seq, timestamp: ts, payload: Array(payload), commandLine: line, eventLines: events))
                    if buffer.count >= chunk {
                        room.wait()
                        if stop.load(ordering: .acquiring) { throw Stopped() }
                        continuation.yield(buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                if !buffer.isEmpty {
                    room.wait()
                    if stop.load(ordering: .acquiring) { throw Stopped() }
                    continuation.yield(buffer)
                }
                result.withLock { $0 = .success(r) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        var failure: (any Error)?
        for await outcomes in stream {
            do { try await body(outcomes) } catch {
                failure = error
                break
            }
            room.signal()
        }
        // The loop ended: the stream finished, `body` threw, or the task was cancelled. The
        // thread waits on `room` at most once at a time, so one signal lets it see `stop`.
        stop.store(true, ordering: .releasing)
        room.signal()
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { done.wait(); c.resume() }
        }
        if let failure { throw failure }
        let outcome = result.withLock { $0! }
        if case .failure(let e) = outcome, e is Stopped { throw CancellationError() }
        if Task.isCancelled { throw CancellationError() } // chunks may not all have been delivered
        return try outcome.get()
    }
}
