import Engine
import Foundation
import Storage
import Synchronization

/// Replays a data directory's journal through a fresh engine and hands out each command's
/// outcome as the live venue rendered it — the replay-format command line (before the
/// command is applied) and the event lines (after) — for everything that is a projection of
/// the journal: read models (`harbour rebuild`), the audit trail (`harbour audit`) and the
/// PostgreSQL journal copy.
enum JournalOutcomes {
    /// One replayed record: the journaled payload and what the venue rendered for it.
    struct Outcome: Sendable {
        let sequence: UInt64
        let timestamp: Int64
        let payload: [UInt8]
        let commandLine: String
        let eventLines: [String]
    }

    /// Calls `body` for every committed record in order; returns the records replayed and
    /// the final state hash.
    @discardableResult
    static func forEach(dataDirectory root: URL, config: VenueConfig,
                        _ body: (_ sequence: UInt64, _ timestamp: Int64, _ commandLine: String, _ eventLines: [String]) throws -> Void)
        throws -> (count: Int, stateHash: String) {
        try forEachRecord(dataDirectory: root, config: config) { seq, ts, _, line, events in try body(seq, ts, line, events) }
    }

    /// `forEach` with each record's journaled payload as well.
    @discardableResult
    static func forEachRecord(dataDirectory root: URL, config: VenueConfig,
                              _ body: (_ sequence: UInt64, _ timestamp: Int64, _ payload: UnsafeRawBufferPointer,
                                       _ commandLine: String, _ eventLines: [String]) throws -> Void)
        throws -> (count: Int, stateHash: String) {
        let engine = Engine(config: config)
        let commands = CommandEncoder(), events = EventEncoder()
        var count = 0
        try JournalReader(directory: root.appendingPathComponent("journal")).forEach { seq, ts, payload in
            let command = try CommandCodec.decode(payload)
            let line = commands.encode(command, timestamp: ts, engine: engine)
            engine.applyInPlace(command, timestamp: ts)
            count += 1
            try body(seq, ts, payload, line, engine.events.map { events.encode($0, seq: Int64(seq), engine: engine) })
        }
        return (count, engine.stateHash())
    }

    /// Replays the journal on a thread of its own and hands the outcomes with a sequence
    /// above `after` to `body` in chunks of `chunk`, awaiting each (an async store writes
    /// it) before the replay runs more than one chunk ahead. Returns the records replayed
    /// and the final state hash.
    static func chunks(dataDirectory root: URL, config: VenueConfig, after: UInt64, chunk: Int = 2_000,
                       _ body: ([Outcome]) async throws -> Void) async throws -> (count: Int, stateHash: String) {
        let (stream, continuation) = AsyncStream<[Outcome]>.makeStream()
        let room = DispatchSemaphore(value: 2)
        let stop = Atomic<Bool>(false)
        let result = Mutex<Result<(count: Int, stateHash: String), any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { continuation.finish(); done.signal() }
            struct Stopped: Error {}
            var buffer: [Outcome] = []
            do {
                let r = try forEachRecord(dataDirectory: root, config: config) { seq, ts, payload, line, events in
                    guard seq > after else { return }
                    buffer.append(Outcome(sequence: seq, timestamp: ts, payload: Array(payload), commandLine: line, eventLines: events))
                    if buffer.count >= chunk {
                        room.wait()
                        if stop.load(ordering: .acquiring) { throw Stopped() }
                        continuation.yield(buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
                if !buffer.isEmpty { room.wait(); continuation.yield(buffer) }
                result.withLock { $0 = .success(r) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        do {
            for await outcomes in stream {
                try await body(outcomes)
                room.signal()
            }
        } catch {
            stop.store(true, ordering: .releasing)
            room.signal()
            room.signal()
            throw error
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { done.wait(); c.resume() }
        }
        return try result.withLock { $0! }.get()
    }
}
