import Engine
import Foundation
import Logging
import ReadModelPostgres
import Sequencer

/// `harbour serve --store postgres://...`: copies the journal into PostgreSQL (OPS-4).
/// At start the copy is caught up from the local journal (it may lag after a crash or an
/// outage); then it follows the host's durable outcomes through a `JournalCopier`, off the
/// acknowledgement path; if it falls so far behind that the host drops outcomes for it, it
/// catches up from the local journal (`catchUp`) and follows again, without a restart.
/// docs/OPERATOR.md "PostgreSQL" explains what this copy promises.
/// Returns the copier and the task following the host (it ends once the host has shut down
/// and everything received is stored).
enum JournalCopyService {
    /// How much the copier may hold and the host may buffer for it. The defaults are the
    /// production bounds; tests and drills (`harbour serve --journal-copy-backlog`) make
    /// them small so a copy falls behind, and catches up, within a few hundred records.
    struct Bounds: Sendable {
        /// Records waiting in memory for PostgreSQL before the copier stops taking from the stream.
        var maxBacklog = 50_000
        /// Records per PostgreSQL transaction, and per chunk read from the journal.
        var maxBatch = 5_000
        /// Outcomes the host buffers for the copier before it drops the oldest.
        var streamBuffer = 100_000

        /// Bounds for a backlog of `n`: batches of at most a tenth of it, a stream buffer of twice it.
        static func backlog(_ n: Int) -> Bounds {
            let n = max(2, n)
            return Bounds(maxBacklog: n, maxBatch: max(1, min(5_000, n / 10)), streamBuffer: 2 * n)
        }
    }

    static func start(url: PostgresURL, dataDirectory: URL, host: VenueHost, bounds: Bounds = Bounds(),
                      logger: Logger) async throws -> (JournalCopier, Task<Void, Never>) {
        let replica = try await JournalReplica(url: url)
        // Subscribed before catching up, so nothing falls between the two (overlaps are skipped by sequence).
        let live = host.subscribe(buffer: bounds.streamBuffer)
        let copier = try await JournalCopier.resuming(replica, maxBatch: bounds.maxBatch, maxBacklog: bounds.maxBacklog) { line in
            logger.error("journal copy: \(line)")
        }
        let copied = copier.progress.copied
        // Everything recovery found is on disk (the host flushed it at start), and no more is
        // copied here: records the host appends meanwhile come through the stream once fsynced.
        let recovered = host.recovery.lastSequence
        if copied > recovered {
            throw ReplicaAhead(copied: copied, journal: recovered)
        }
        if copied < recovered {
            logger.info("copying the journal to PostgreSQL", metadata: ["copied": "\(copied)", "journal": "\(recovered)"])
            try await JournalOutcomes.chunks(dataDirectory: dataDirectory, config: host.options.config, after: copied, through: recovered,
                                             chunk: bounds.maxBatch) { outcomes in
                for o in outcomes {
                    copier.enqueue(.init(sequence: o.sequence, timestamp: o.timestamp, payload: o.payload,
                                         commandLine: o.commandLine, eventLines: o.eventLines))
                }
                await copier.drain()
                if let error = copier.progress.stopped { throw ReplicaStopped(reason: error) }
            }
        }
        let entries = live.map { o -> JournalCopier.Entry in
            var payload: [UInt8] = []
            CommandCodec.encode(o.command, into: &payload)
            return JournalCopier.Entry(sequence: o.sequence, timestamp: o.timestamp, payload: payload,
                                       commandLine: o.commandLine, eventLines: o.json)
        }
        let config = host.options.config
        let read = catchUp(dataDirectory: dataDirectory, config: config, chunk: bounds.maxBatch, durable: { host.durableSequence })
        let following = Task.detached { await copier.run(entries, catchUp: read) }
        return (copier, following)
    }

    /// Reads records from the local journal for a copier that fell behind: replays the
    /// journal from the newest snapshot at or before `after` (the audit hash needs each
    /// record's events, so the engine must be rebuilt; the snapshot makes that cost what is
    /// missing plus at most one snapshot interval, not the whole journal) and hands over the
    /// records after `after` through `through` — or through the venue's last durable record if
    /// that is further (the live stream's buffer holds the newest outcomes, so stopping at the
    /// gap would leave the copier chasing what the buffer keeps dropping) — in chunks. Never
    /// past `durable()`: a record written but not yet fsynced is not the copier's to take
    /// (it could vanish with the venue's machine and leave the copy ahead of the journal).
    static func catchUp(dataDirectory: URL, config: VenueConfig, chunk: Int = 5_000,
                        durable: @escaping @Sendable () -> UInt64) -> JournalCopier.CatchUp {
        { after, gapEnd, deliver in
            let through = max(gapEnd, durable())
            try await JournalOutcomes.chunks(dataDirectory: dataDirectory, config: config, after: after, through: through, chunk: chunk) { outcomes in
                try await deliver(outcomes.map {
                    JournalCopier.Entry(sequence: $0.sequence, timestamp: $0.timestamp, payload: $0.payload,
                                        commandLine: $0.commandLine, eventLines: $0.eventLines)
                })
            }
        }
    }

    /// The PostgreSQL copy has records this journal does not: it belongs to another venue
    /// (or this data directory lost records). Refused rather than mixed.
    struct ReplicaAhead: Error, CustomStringConvertible {
        let copied: UInt64, journal: UInt64
        var description: String {
            "the PostgreSQL journal copy ends at \(copied) but the local journal at \(journal): it is another venue's copy, "
                + "or this data directory lost records — restore it with 'harbour restore', or use another schema"
        }
    }

    struct ReplicaStopped: Error, CustomStringConvertible {
        let reason: String
        var description: String { "journal copy: \(reason)" }
    }
}
