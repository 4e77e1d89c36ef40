import Engine
import Foundation
import Storage
import Synchronization

/// The sequencer and the engine's home (OPS-4): the one place commands enter the engine.
///
/// Every command gets the next journal sequence number and a timestamp (wall clock,
/// never going backwards), is appended to the journal and applied to the engine on one
/// dedicated thread. Commands are taken in batches: the whole batch is applied, the
/// journal is flushed with one fsync (group commit), and only then are the callers
/// answered and subscribers told — nothing is acknowledged before it is durable.
/// Reads run on the same thread after the batch is durable, so they never see state
/// that a crash could still take back.
///
/// Start-up recovers by the rules of `Recovery` (shared with `harbour verify`): the journal
/// is replayed into a fresh engine (from the newest sound snapshot), the state hash is
/// checked against the last recorded checkpoint, and only when all of that holds is the
/// torn tail of the journal (a batch cut by a crash, never acknowledged) cut. Damage is an
/// error naming the segment, offset and sequence, and nothing on disk is changed.
public final class VenueHost: Sendable {
    public struct Options: Sendable {
        public var dataDirectory: URL
        public var config: VenueConfig
        /// Segment size before the journal rolls to a new file.
        public var segmentSize: Int
        /// A snapshot is taken after this many commands (0: never).
        public var snapshotEvery: Int
        /// Where command timestamps come from (milliseconds since the Unix epoch); the wall
        /// clock by default, a fake one in tests. A timestamp never goes backwards.
        public var clock: @Sendable () -> Int64

        public init(dataDirectory: URL, config: VenueConfig = .standard, segmentSize: Int = 256 << 20,
                    snapshotEvery: Int = 100_000, clock: @escaping @Sendable () -> Int64 = VenueHost.nowMillis) {
            self.dataDirectory = dataDirectory
            self.config = config
            self.segmentSize = segmentSize
            self.snapshotEvery = snapshotEvery
            self.clock = clock
        }
    }

    /// What recovery found, for logs and `harbour verify`.
    public struct RecoveryReport: Sendable {
        /// Sequence of the snapshot recovery started from (0: none, full replay).
        public let snapshotSequence: UInt64
        /// Why a snapshot on disk was not used, if one was skipped.
        public let snapshotProblem: String?
        public let recordsReplayed: Int
        public let lastSequence: UInt64
        public let tornTailBytesDiscarded: UInt64
        public let checkpointVerified: Checkpoint?
        public let stateHash: String
        /// How long recovery took, in milliseconds.
        public let milliseconds: Int64
    }

    private enum Request {
        case command(Command, Reply)
        case read(@Sendable (Engine) -> Void)
    }

    /// Who waits for a command's outcome.
    private enum Reply {
        case continuation(CheckedContinuation<CommandOutcome, any Error>)
        case callback(@Sendable (Result<CommandOutcome, any Error>) -> Void)

        func resume(_ outcome: CommandOutcome) {
            switch self {
            case .continuation(let c): c.resume(returning: outcome)
            case .callback(let f): f(.success(outcome))
            }
        }
    }

    private struct Shared {
        var queue: [Request] = []
        var running = true
        var subscribers: [UInt64: AsyncStream<CommandOutcome>.Continuation] = [:]
        var nextSubscriber: UInt64 = 0
    }

    private let shared = Mutex(Shared())
    private let wake = NSConditionBox()
    private let state: EngineState
    public let recovery: RecoveryReport
    /// Account names, symbols and specs, readable from any thread (for decoding requests).
    public let names: NameDirectory
    public let options: Options
    private let finished = NSConditionBox()
    private let done = Mutex(false)
    private let durable: Atomic<UInt64>

    /// The last sequence known to be on disk (fsynced): recovery's last record (flushed at
    /// start), then each batch's last once its fsync returned — set before the batch is
    /// acknowledged or sent to subscribers. Readable from any thread; what a copy of the
    /// journal may take (`JournalOutcomes.chunks(through:)`), never more.
    public var durableSequence: UInt64 { durable.load(ordering: .acquiring) }

    /// Opens (creating if needed) a data directory, recovers, and starts the engine thread.
    public init(options: Options) throws {
        self.options = options
        let dirs = try DataDirectory(root: options.dataDirectory)
        let start = Date()
        // Decide first, then write: everything is read and checked before the one change
        // recovery makes (cutting a genuine torn tail), so a refusal leaves every byte as it was.
        let recovered = try Recovery.replay(root: dirs.root, config: options.config)
        if let torn = recovered.tornTail { try JournalReader(directory: dirs.journal).remove(torn) }
        // What recovery read may not all be on disk yet (a crash between a batch's write and
        // its fsync): flush it before anything — the journal copy among them — takes it as durable.
        try JournalSegment.syncAll(in: dirs.journal)
        durable = Atomic(recovered.lastSequence)
        let engine = recovered.engine
        let writer = try JournalWriter(directory: dirs.journal, startingAfter: recovered.lastSequence,
                                       segmentSizeLimit: options.segmentSize)
        state = EngineState(engine: engine, writer: writer, root: dirs.root, snapshots: SnapshotStore(directory: dirs.snapshots))
        names = NameDirectory(engine: engine)
        recovery = RecoveryReport(snapshotSequence: recovered.snapshotSequence, snapshotProblem: recovered.snapshotProblem,
                                  recordsReplayed: recovered.recordsReplayed, lastSequence: recovered.lastSequence,
                                  tornTailBytesDiscarded: recovered.tornTail?.discardedBytes ?? 0,
                                  checkpointVerified: recovered.checkpointVerified, stateHash: engine.stateHash(),
                                  milliseconds: Int64(Date().timeIntervalSince(start) * 1000))
        let thread = Thread { [self] in self.loop() }
        thread.name = "harbour-engine"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Sequences, journals and applies one command; returns once it is durable.
    public func submit(_ command: Command) async throws -> CommandOutcome {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<CommandOutcome, any Error>) in
            let accepted = shared.withLock { s -> Bool in
                guard s.running else { return false }
                s.queue.append(.command(command, .continuation(c)))
                return true
            }
            if accepted { wake.signal() } else { c.resume(throwing: VenueHostError.stopped) }
        }
    }

    /// Queues a command without waiting: commands enqueued by one caller are sequenced in
    /// the order they were enqueued, and `completion` runs (on the engine thread, keep it
    /// short) once the command is durable — in sequence order.
    public func enqueue(_ command: Command, completion: @escaping @Sendable (Result<CommandOutcome, any Error>) -> Void) {
        let accepted = shared.withLock { s -> Bool in
            guard s.running else { return false }
            s.queue.append(.command(command, .callback(completion)))
            return true
        }
        if accepted { wake.signal() } else { completion(.failure(VenueHostError.stopped)) }
    }

    /// Runs a read-only query on the engine thread, against durable state.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Engine) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
            let accepted = shared.withLock { s -> Bool in
                guard s.running else { return false }
                s.queue.append(.read({ engine in c.resume(returning: body(engine)) }))
                return true
            }
            if accepted { wake.signal() } else { c.resume(throwing: VenueHostError.stopped) }
        }
    }

    /// Every durable command outcome from now on, in sequence order. A subscriber that
    /// falls more than `buffer` outcomes behind loses the oldest (it sees a gap in sequences).
    public func subscribe(buffer: Int = 100_000) -> AsyncStream<CommandOutcome> {
        let (stream, continuation) = AsyncStream<CommandOutcome>.makeStream(bufferingPolicy: .bufferingNewest(max(1, buffer)))
        let id = shared.withLock { s -> UInt64 in
            let id = s.nextSubscriber
            s.nextSubscriber += 1
            s.subscribers[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.shared.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Commands waiting for the engine thread (a gauge for metrics).
    public var queueDepth: Int { shared.withLock { $0.queue.count } }

    /// Stops taking commands, finishes what is queued, writes a checkpoint and closes the journal.
    public func shutdown() {
        shared.withLock { $0.running = false }
        wake.signal()
        finished.wait(until: { self.done.withLock { $0 } })
    }

    private func loop() {
        var batch: [Request] = []
        var pending: [(Reply, CommandOutcome)] = []
        var reads: [@Sendable (Engine) -> Void] = []
        let encoder = EventEncoder()
        let commandEncoder = CommandEncoder()
        var payload: [UInt8] = []
        payload.reserveCapacity(256)
        while true {
            wake.wait(until: {
                self.shared.withLock { s in
                    if s.queue.isEmpty && s.running { return false }
                    swap(&batch, &s.queue)
                    return true
                }
            })
            let running = shared.withLock { $0.running }
            if batch.isEmpty && !running { break }
            let engine = state.engine
            for r in batch {
                switch r {
                case .read(let f): reads.append(f)
                case .command(let command, let c):
                    let ts = max(options.clock(), engine.lastTimestamp)
                    payload.removeAll(keepingCapacity: true)
                    CommandCodec.encode(command, into: &payload)
                    let seq: UInt64
                    do { seq = try payload.withUnsafeBytes { try state.writer.append(timestamp: ts, payload: $0) } } catch {
                        fatalError("journal append failed, stopping before anything unjournaled is acknowledged: \(error)")
                    }
                    let commandLine = commandEncoder.encode(command, timestamp: ts, engine: engine)
                    engine.applyInPlace(command, timestamp: ts)
                    let events = engine.events
                    let json = events.map { encoder.encode($0, seq: Int64(seq), engine: engine) }
                    if case .openAccount(let name, _, _) = command, let id = engine.accountID(named: name) { names.opened(name, id) }
                    pending.append((c, CommandOutcome(sequence: seq, timestamp: ts, command: command, commandLine: commandLine, events: events, json: json)))
                }
            }
            batch.removeAll(keepingCapacity: true)
            if !pending.isEmpty {
                do { try state.writer.sync() } catch {
                    fatalError("journal fsync failed, stopping before anything unjournaled is acknowledged: \(error)")
                }
                durable.store(state.writer.lastDurableSequence, ordering: .releasing)
                let subscribers = shared.withLock { Array($0.subscribers.values) }
                for (c, outcome) in pending {
                    for s in subscribers { s.yield(outcome) }
                    c.resume(outcome)
                }
                state.commandsSinceSnapshot += pending.count
                pending.removeAll(keepingCapacity: true)
                if options.snapshotEvery > 0 && state.commandsSinceSnapshot >= options.snapshotEvery {
                    takeSnapshot()
                }
            }
            for f in reads { f(engine) }
            reads.removeAll(keepingCapacity: true)
        }
        // Clean shutdown: checkpoint the state hash so the next start can prove recovery.
        let cp = Checkpoint(sequence: state.writer.lastDurableSequence, stateHash: state.engine.stateHash())
        try? cp.write(to: state.root)
        state.writer.close()
        state.snapshotWrites.wait()
        let subscribers = shared.withLock { s in
            defer { s.subscribers.removeAll() }
            return Array(s.subscribers.values)
        }
        // Finished outside the lock: finishing runs onTermination, which takes it.
        for c in subscribers { c.finish() }
        done.withLock { $0 = true }
        finished.signal()
    }

    /// Serialises the engine here (consistent with the durable journal position) and
    /// writes it on a background thread, so the engine only pauses for the encoding.
    private func takeSnapshot() {
        state.commandsSinceSnapshot = 0
        let snap = Snapshot(sequence: state.writer.lastDurableSequence, stateHash: Self.bytes(hex: state.engine.stateHash()),
                            payload: state.engine.snapshot())
        let store = state.snapshots
        let writes = state.snapshotWrites
        writes.enter()
        let t = Thread {
            defer { writes.leave() }
            do { _ = try store.write(snap) } catch {
                FileHandle.standardError.write(Data("snapshot \(snap.sequence) not written: \(error)\n".utf8))
            }
        }
        t.start()
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = hex.utf8.makeIterator()
        while let a = it.next(), let b = it.next() {
            out.append(UInt8(String(decoding: [a, b], as: UTF8.self), radix: 16) ?? 0)
        }
        return out
    }

    /// The wall clock in milliseconds since the Unix epoch (the default `Options.clock`).
    @Sendable public static func nowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// The engine and journal writer, touched only by the engine thread.
private final class EngineState: @unchecked Sendable {
    let engine: Engine
    let writer: JournalWriter
    let root: URL
    let snapshots: SnapshotStore
    var commandsSinceSnapshot = 0
    /// Snapshot files being written; shutdown waits for them.
    let snapshotWrites = DispatchGroup()
    init(engine: Engine, writer: JournalWriter, root: URL, snapshots: SnapshotStore) {
        self.engine = engine
        self.writer = writer
        self.root = root
        self.snapshots = snapshots
    }
}

/// A condition variable for the engine thread to sleep on.
final class NSConditionBox: @unchecked Sendable {
    private let condition = NSCondition()

    func signal() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until `ready()` returns true (checked under the lock).
    @discardableResult
    func wait(until ready: () -> Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !ready() { condition.wait() }
        return true
    }
}
