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
    static func start(url: PostgresURL, dataDirectory: URL, host: VenueHost, logger: Logger) async throws -> (JournalCopier, Task<Void, Never>) {
        let replica = try await JournalReplica(url: url)
        // Subscribed before catching up, so nothing falls between the two (overlaps are skipped by sequence).
        let live = host.subscribe()
        let copier = try await JournalCopier.resuming(replica) { line in logger.error("journal copy: \(line)") }
        let copied = copier.progress.copied
        if copied > host.recovery.lastSequence {
            throw ReplicaAhead(copied: copied, journal: host.recovery.lastSequence)
        }
        if copied < host.recovery.lastSequence {
            logger.info("copying the journal to PostgreSQL", metadata: ["copied": "\(copied)", "journal": "\(host.recovery.lastSequence)"])
            try await JournalOutcomes.chunks(dataDirectory: dataDirectory, config: host.options.config, after: copied, chunk: 5_000) { outcomes in
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
        let following = Task.detached { await copier.run(entries, catchUp: catchUp(dataDirectory: dataDirectory, config: config, host: host)) }
        return (copier, following)
    }

    /// Reads records from the local journal for a copier that fell behind: replays the
    /// journal (the audit hash needs each record's events) and hands over the records after
    /// `after` through `through` — or through the venue's last command if that is further (the
    /// live stream's buffer holds the newest outcomes, so stopping at the gap would leave the
    /// copier chasing what the buffer keeps dropping) — in chunks of 5,000. It reads to the journal's end rather than
    /// stop early, and keeps a failure of `deliver` until the replay ends: `JournalOutcomes.chunks`
    /// must not be left by a throw from its body while its replay thread runs (its semaphore
    /// would be freed in use, which crashes the process).
    static func catchUp(dataDirectory: URL, config: VenueConfig, host: VenueHost) -> JournalCopier.CatchUp {
        { after, gapEnd, deliver in
            let through = max(gapEnd, UInt64(try await host.read { $0.commandCount }))
            var failure: (any Error)?
            try await JournalOutcomes.chunks(dataDirectory: dataDirectory, config: config, after: after, chunk: 5_000) { outcomes in
                guard failure == nil else { return }
                let wanted = outcomes.prefix { $0.sequence <= through }.map {
                    JournalCopier.Entry(sequence: $0.sequence, timestamp: $0.timestamp, payload: $0.payload,
                                        commandLine: $0.commandLine, eventLines: $0.eventLines)
                }
                do { if !wanted.isEmpty { try await deliver(wanted) } } catch { failure = error } // rethrown below, not through chunks
            }
            if let failure { throw failure }
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
