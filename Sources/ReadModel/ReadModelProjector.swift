import Foundation
import Synchronization

/// Feeds a read-model store (SQLite or PostgreSQL, any `ReadModelStorage`) from a stream of command outcomes, in the background.
///
/// Two loops: a reader drains the outcome sequence into a buffer as fast as it arrives
/// (so the producer — the venue — is never held up by the database), and a writer takes
/// everything buffered at once and writes it in one transaction, so the batch size grows
/// by itself when the projection falls behind (bounded by `maxBatch`). A projection error
/// never stops the venue: the failed batch is retried outcome by outcome, the outcome
/// that fails is logged and skipped, and projection goes on.
public final class ReadModelProjector: Sendable {
    public let store: any ReadModelStorage
    public let maxBatch: Int
    private let log: @Sendable (String) -> Void
    private let pending = Mutex<[ProjectedOutcome]>([])
    private let counters = Mutex(ProjectionStats())

    /// `log` receives one line per problem; by default it goes to stderr.
    public init(store: any ReadModelStorage, maxBatch: Int = 2_000,
                log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(("readmodel: " + $0 + "\n").utf8)) }) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
        self.log = log
    }

    /// What has been projected so far.
    public var stats: ProjectionStats { counters.withLock { $0 } }

    /// Outcomes received but not yet written.
    public var backlog: Int { pending.withLock { $0.count } }

    /// Consumes `outcomes` until the sequence ends (or the task is cancelled), then
    /// writes what is left and returns. An error thrown by the sequence is logged.
    public func run<S: AsyncSequence & Sendable>(_ outcomes: S) async where S.Element == ProjectedOutcome {
        let (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                do {
                    for try await o in outcomes {
                        pending.withLock { $0.append(o) }
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

    /// Writes everything buffered, `maxBatch` outcomes per transaction.
    private func drain() async {
        while true {
            let batch: [ProjectedOutcome] = pending.withLock { buffer in
                let n = min(buffer.count, maxBatch)
                let b = Array(buffer.prefix(n))
                buffer.removeFirst(n)
                return b
            }
            if batch.isEmpty { return }
            await write(batch)
        }
    }

    private func write(_ batch: [ProjectedOutcome]) async {
        do {
            let n = try await store.applyAsync(batch: batch)
            counters.withLock { $0.applied += n; $0.batches += 1 }
        } catch {
            log("batch of \(batch.count) from sequence \(batch[0].sequence) failed (\(error)); retrying one by one")
            for o in batch {
                do {
                    let n = try await store.applyAsync(batch: [o])
                    counters.withLock { $0.applied += n; $0.batches += 1 }
                } catch {
                    log("skipping outcome \(o.sequence): \(error)")
                    counters.withLock { $0.failed += 1; $0.lastError = "\(error)" }
                }
            }
        }
    }
}
