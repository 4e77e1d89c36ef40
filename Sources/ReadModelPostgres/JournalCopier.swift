import Foundation
import Storage
import Synchronization

/// Copies the venue's journal into PostgreSQL (`JournalReplica`) as it is written, in the
/// background and never on the acknowledgement path (OPS-4): it follows the stream of
/// durable outcomes — a command is acknowledged once its journal batch is fsynced locally,
/// whether or not it has been copied yet — and writes what has arrived in one transaction
/// per batch, so batches grow by themselves when PostgreSQL is slow.
///
/// Each record's audit hash (REG-2) is chained here from the previous record's, the same
/// value as the audit trail's. If PostgreSQL is unreachable the copier keeps what it has
/// and retries every second; `lag` grows meanwhile (it is in /metrics).
///
/// If the stream skips a sequence (the copier fell so far behind — PostgreSQL slow or down
/// — that the host's subscription dropped outcomes), a copier given a `CatchUp` reads the
/// missing records from the local journal, in bounded chunks (at most `maxBatch` records
/// waiting in memory), while the live stream waits in its own bounded buffer, then follows
/// the stream again — no restart. Without one (or if the journal cannot give the records)
/// copying stops with `progress.stopped` set, and the venue's next start catches the copy up.
public final class JournalCopier: Sendable {
    /// One durable command as the copier receives it.
    public struct Entry: Sendable {
        public let sequence: UInt64
        public let timestamp: Int64
        /// The command exactly as journaled (`CommandCodec`).
        public let payload: [UInt8]
        /// The command and its events in the replay format, for the audit hash.
        public let commandLine: String
        public let eventLines: [String]

        public init(sequence: UInt64, timestamp: Int64, payload: [UInt8], commandLine: String, eventLines: [String]) {
            self.sequence = sequence
            self.timestamp = timestamp
            self.payload = payload
            self.commandLine = commandLine
            self.eventLines = eventLines
        }
    }

    /// What the copier has done so far.
    public struct Progress: Sendable, Equatable {
        /// The last sequence stored in PostgreSQL.
        public var copied: UInt64
        /// The last sequence received (copied or waiting).
        public var received: UInt64
        /// Set once copying stopped for good (a gap in the stream).
        public var stopped: String?
        /// The last write error, if the last write failed (cleared by the next success).
        public var lastError: String?
        /// Times the copier fell behind the stream and caught up from the journal.
        public var catchUps: Int = 0
    }

    /// Reads the local journal's records after `after` through at least `through` (every one
    /// of them durable; it may go further, to what the venue has made durable since) and hands
    /// them to `deliver` in order, in chunks it bounds, awaiting each.
    public typealias CatchUp = @Sendable (_ after: UInt64, _ through: UInt64,
                                          _ deliver: ([Entry]) async throws -> Void) async throws -> Void

    public let replica: JournalReplica
    public let maxBatch: Int
    private let log: @Sendable (String) -> Void
    private let pending = Mutex<[ReplicatedRecord]>([])
    /// A catch-up waiting for the backlog to fall to `maxBatch` (resumed by `drain`).
    private let roomWaiter = Mutex<(continuation: CheckedContinuation<Void, Never>, limit: Int)?>(nil)
    /// At most this many records wait in memory for PostgreSQL: beyond it the copier stops
    /// taking from the live stream (the host's bounded buffer then drops, and the copier
    /// catches up from the journal), so a PostgreSQL outage never grows the venue's memory.
    public let maxBacklog: Int
    private let chain: Mutex<(sequence: UInt64, hash: String)>
    private let state: Mutex<Progress>
    private let retryDelay: Duration

    /// Starts after the replica's last record: `after` and its audit hash `previousHash`
    /// (0 and 64 zeros for an empty replica).
    public init(replica: JournalReplica, after: UInt64, previousHash: String, maxBatch: Int = 5_000, maxBacklog: Int = 50_000,
                retryDelay: Duration = .seconds(1),
                log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(("journal copy: " + $0 + "\n").utf8)) }) {
        self.replica = replica
        self.maxBatch = max(1, maxBatch)
        self.maxBacklog = max(self.maxBatch, maxBacklog)
        self.retryDelay = retryDelay
        self.log = log
        chain = Mutex((after, previousHash))
        state = Mutex(Progress(copied: after, received: after, stopped: nil, lastError: nil))
    }

    /// Opens a copier continuing `replica` where it ends.
    public static func resuming(_ replica: JournalReplica, maxBatch: Int = 5_000, maxBacklog: Int = 50_000,
                                log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(("journal copy: " + $0 + "\n").utf8)) })
        async throws -> JournalCopier {
        let last = try await replica.last()
        return JournalCopier(replica: replica, after: last?.sequence ?? 0, previousHash: last?.auditHash ?? AuditRecord.genesis,
                             maxBatch: maxBatch, maxBacklog: maxBacklog, log: log)
    }

    public var progress: Progress { state.withLock { $0 } }

    /// Records received but not yet stored in PostgreSQL.
    public var backlog: Int { pending.withLock { $0.count } }

    /// What became of an entry offered to the copier.
    enum Admission: Equatable {
        case queued, skipped
        /// The entry is past the next expected sequence (`expected`): records are missing.
        case gap(expected: UInt64)
    }

    /// Chains `entry` to the previous record and queues it, or says why not.
    func admit(_ entry: Entry) -> Admission {
        let record: ReplicatedRecord?, expected: UInt64
        (record, expected) = chain.withLock { c in
            guard entry.sequence == c.sequence + 1 else { return (nil, c.sequence + 1) }
            let hash = AuditRecord(previousHash: c.hash, sequence: entry.sequence, timestamp: entry.timestamp,
                                   command: entry.commandLine, events: entry.eventLines).hash
            c = (entry.sequence, hash)
            return (ReplicatedRecord(sequence: entry.sequence, timestamp: entry.timestamp, payload: entry.payload, auditHash: hash),
                    entry.sequence + 1)
        }
        if let record {
            pending.withLock { $0.append(record) }
            state.withLock { $0.received = max($0.received, record.sequence) }
            return .queued
        }
        return entry.sequence < expected ? .skipped : .gap(expected: expected)
    }

    /// Chains `entry` to the previous record and queues it. Entries at or below the last
    /// one queued are skipped (catch-up and the live stream may overlap); a gap stops copying.
    /// Returns false once copying has stopped.
    @discardableResult
    public func enqueue(_ entry: Entry) -> Bool {
        switch admit(entry) {
        case .queued, .skipped:
            return state.withLock { $0.stopped == nil }
        case .gap(let expected):
            stop("stopped at \(expected - 1): the outcome stream skipped to \(entry.sequence); the next start copies the rest from the journal")
            return false
        }
    }

    private func stop(_ why: String) {
        log(why)
        state.withLock { if $0.stopped == nil { $0.stopped = why } }
        resumeWaiter()
    }

    /// Resumes a task waiting for room, if the backlog allows it or copying stopped.
    private func resumeWaiter(force: Bool = false) {
        let waiter: CheckedContinuation<Void, Never>? = pending.withLock { p in
            roomWaiter.withLock { w in
                guard let (c, limit) = w, force || p.count <= limit || state.withLock({ $0.stopped != nil }) else { return nil }
                w = nil
                return c
            }
        }
        waiter?.resume()
    }

    /// Waits until at most `limit` records are waiting to be written (or copying stopped, or
    /// the writer finished a pass); callers check again.
    private func waitForRoom(limit: Int) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now: Bool = pending.withLock { p in
                if p.count <= limit || state.withLock({ $0.stopped != nil }) { return true }
                roomWaiter.withLock { $0 = (c, limit) }
                return false
            }
            if now { c.resume() }
        }
    }

    /// Fills the gap before `through + 1` from the local journal: chunk by chunk, each
    /// queued and handed to the writer, never more than about `maxBatch` records waiting.
    /// Retries (every `retryDelay`) while the journal cannot be read; returns false if
    /// copying stopped or the task was cancelled.
    private func catchUp(through: UInt64, from read: CatchUp, wake: AsyncStream<Void>.Continuation) async -> Bool {
        let start = chain.withLock { $0.sequence }
        log("fell behind the venue at \(start) (the stream is at \(through + 1)): copying \(through - start) records from the local journal")
        while !Task.isCancelled {
            let after = chain.withLock { $0.sequence }
            if after >= through { break }
            do {
                try await read(after, through) { entries in
                    for e in entries {
                        if case .gap(let expected) = admit(e) {
                            throw CatchUpGap(expected: expected, got: e.sequence)
                        }
                    }
                    wake.yield()
                    while !Task.isCancelled, backlog > maxBatch, state.withLock({ $0.stopped == nil }) { await waitForRoom(limit: maxBatch) }
                    if let why = state.withLock({ $0.stopped }) { throw Stopped(reason: why) }
                }
            } catch is Stopped {
                return false
            } catch let gap as CatchUpGap {
                stop("stopped at \(gap.expected - 1): \(gap)")
                return false
            } catch {
                log("catching up from the local journal after \(after) failed (\(error)); retrying every \(retryDelay)")
                try? await Task.sleep(for: retryDelay) // a retry interval, not synchronisation
            }
        }
        if Task.isCancelled { return false }
        state.withLock { $0.catchUps += 1 }
        log("caught up from the local journal through \(through); following the venue again")
        return true
    }

    private struct Stopped: Error { let reason: String }
    private struct CatchUpGap: Error, CustomStringConvertible {
        let expected: UInt64, got: UInt64
        var description: String { "the journal gave \(got) where \(expected) was expected" }
    }

    /// Writes everything queued, `maxBatch` records per transaction, retrying a failed
    /// write until it succeeds or the task is cancelled.
    public func drain() async {
        defer { resumeWaiter(force: true) }
        while !Task.isCancelled {
            let batch: [ReplicatedRecord] = pending.withLock { Array($0.prefix(maxBatch)) }
            if batch.isEmpty { return }
            do {
                try await replica.append(batch)
                pending.withLock { $0.removeFirst(batch.count) }
                state.withLock { $0.copied = batch.last!.sequence; $0.lastError = nil }
                resumeWaiter()
            } catch let mismatch as JournalReplica.Mismatch {
                pending.withLock { $0.removeAll() }
                stop("stopped: \(mismatch)")
                return
            } catch {
                let why = PostgresStoreError.describe(error)
                let first = state.withLock { p -> Bool in
                    defer { p.lastError = why }
                    return p.lastError == nil
                }
                if first { log("write of \(batch.count) records from \(batch[0].sequence) failed (\(why)); retrying every \(retryDelay)") }
                try? await Task.sleep(for: retryDelay) // a retry interval, not synchronisation
            }
        }
    }

    /// Follows `entries` until the sequence ends (or the task is cancelled), then writes
    /// what is left and returns. With `catchUp`, a gap in `entries` is filled from the local
    /// journal and following goes on; without, copying stops at the gap.
    public func run<S: AsyncSequence & Sendable>(_ entries: S, catchUp: CatchUp? = nil) async where S.Element == Entry {
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                do {
                    following: for try await e in entries {
                        switch admit(e) {
                        case .queued, .skipped:
                            break
                        case .gap(let expected):
                            guard let catchUp else {
                                stop("stopped at \(expected - 1): the outcome stream skipped to \(e.sequence); "
                                     + "the next start copies the rest from the journal")
                                break following
                            }
                            // Every record before `e` is durable: `e` is, and the journal is written in order.
                            guard await self.catchUp(through: e.sequence - 1, from: catchUp, wake: wake) else { break following }
                            _ = admit(e)
                        }
                        if state.withLock({ $0.stopped != nil }) { break following }
                        wake.yield()
                        // PostgreSQL behind: stop taking from the stream rather than grow memory.
                        while !Task.isCancelled, backlog > maxBacklog, state.withLock({ $0.stopped == nil }) {
                            await waitForRoom(limit: maxBacklog)
                        }
                    }
                } catch {
                    log("outcome stream failed: \(error)")
                }
                wake.finish()
            }
            group.addTask { [self] in
                for await _ in wakeups { await drain() }
                await drain()
            }
        }
    }
}
