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
/// and retries every second; `lag` grows meanwhile (it is in /metrics). If the stream
/// skips a sequence (the copier fell so far behind that the host dropped outcomes), copying
/// stops with `lastError` set: the venue's next start catches the copy up from the journal.
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
    }

    public let replica: JournalReplica
    public let maxBatch: Int
    private let log: @Sendable (String) -> Void
    private let pending = Mutex<[ReplicatedRecord]>([])
    private let chain: Mutex<(sequence: UInt64, hash: String)>
    private let state: Mutex<Progress>
    private let retryDelay: Duration

    /// Starts after the replica's last record: `after` and its audit hash `previousHash`
    /// (0 and 64 zeros for an empty replica).
    public init(replica: JournalReplica, after: UInt64, previousHash: String, maxBatch: Int = 5_000,
                retryDelay: Duration = .seconds(1),
                log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(("journal copy: " + $0 + "\n").utf8)) }) {
        self.replica = replica
        self.maxBatch = max(1, maxBatch)
        self.retryDelay = retryDelay
        self.log = log
        chain = Mutex((after, previousHash))
        state = Mutex(Progress(copied: after, received: after, stopped: nil, lastError: nil))
    }

    /// Opens a copier continuing `replica` where it ends.
    public static func resuming(_ replica: JournalReplica, maxBatch: Int = 5_000,
                                log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(("journal copy: " + $0 + "\n").utf8)) })
        async throws -> JournalCopier {
        let last = try await replica.last()
        return JournalCopier(replica: replica, after: last?.sequence ?? 0, previousHash: last?.auditHash ?? AuditRecord.genesis,
                             maxBatch: maxBatch, log: log)
    }

    public var progress: Progress { state.withLock { $0 } }

    /// Records received but not yet stored in PostgreSQL.
    public var backlog: Int { pending.withLock { $0.count } }

    /// Chains `entry` to the previous record and queues it. Entries at or below the last
    /// one queued are skipped (catch-up and the live stream may overlap); a gap stops copying.
    /// Returns false once copying has stopped.
    @discardableResult
    public func enqueue(_ entry: Entry) -> Bool {
        let record: ReplicatedRecord? = chain.withLock { c in
            guard entry.sequence > c.sequence else { return nil }
            guard entry.sequence == c.sequence + 1 else { return nil }
            let hash = AuditRecord(previousHash: c.hash, sequence: entry.sequence, timestamp: entry.timestamp,
                                   command: entry.commandLine, events: entry.eventLines).hash
            c = (entry.sequence, hash)
            return ReplicatedRecord(sequence: entry.sequence, timestamp: entry.timestamp, payload: entry.payload, auditHash: hash)
        }
        if let record {
            pending.withLock { $0.append(record) }
            state.withLock { $0.received = record.sequence }
            return true
        }
        let expected = chain.withLock { $0.sequence } + 1
        if entry.sequence > expected {
            let why = "stopped at \(expected - 1): the outcome stream skipped to \(entry.sequence); the next start copies the rest from the journal"
            log(why)
            state.withLock { if $0.stopped == nil { $0.stopped = why } }
            return false
        }
        return state.withLock { $0.stopped == nil }
    }

    /// Writes everything queued, `maxBatch` records per transaction, retrying a failed
    /// write until it succeeds or the task is cancelled.
    public func drain() async {
        while !Task.isCancelled {
            let batch: [ReplicatedRecord] = pending.withLock { Array($0.prefix(maxBatch)) }
            if batch.isEmpty { return }
            do {
                try await replica.append(batch)
                pending.withLock { $0.removeFirst(batch.count) }
                state.withLock { $0.copied = batch.last!.sequence; $0.lastError = nil }
            } catch let mismatch as JournalReplica.Mismatch {
                let why = "stopped: \(mismatch)"
                log(why)
                state.withLock { $0.stopped = why }
                pending.withLock { $0.removeAll() }
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
    /// what is left and returns.
    public func run<S: AsyncSequence & Sendable>(_ entries: S) async where S.Element == Entry {
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                do {
                    for try await e in entries {
                        guard enqueue(e) else { break }
                        wake.yield()
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
