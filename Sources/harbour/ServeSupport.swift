import Disclosures
import HarbourCore
import Engine
import Foundation
import Gateway
import Logging
import ReadModel
import Sequencer
import Storage
import Synchronization

/// Pieces of `harbour serve` that connect optional parts: history (read models) and time.
enum ServeSupport {
    /// Publishes each contract's disclosure version to the engine when the library has a
    /// newer one than the engine's (a journaled `publishDisclosure`, PI-2): the engine then
    /// refuses risk-increasing orders of clients who have not acknowledged it.
    static func publish(_ library: DisclosureLibrary, host: VenueHost, logger: Logger) async throws {
        for current in library.all() {
            if current.document.symbol == FinancingDisclosure.id {
                try await publishFinancing(current, host: host, logger: logger)
                continue
            }
            let (instrument, known) = try await host.read { engine -> (InstrumentID?, Int64) in
                guard let i = engine.instrumentID(symbol: current.document.symbol) else { return (nil, 0) }
                return (i, engine.disclosureVersion(i))
            }
            guard let instrument, Int64(current.version) > known else { continue }
            let outcome = try await host.submit(.compliance(.publishDisclosure(instrument: instrument, version: Int64(current.version),
                                                                               by: "disclosure-library")))
            logger.notice("disclosure version published: clients acknowledge it before their next risk-increasing order",
                          metadata: ["symbol": "\(current.document.symbol)", "version": "\(current.version)",
                                     "sequence": "\(outcome.sequence)"])
        }
    }

    /// Publishes the margin-financing disclosure's version when it is newer than the
    /// engine's (then a drawdown needs it acknowledged).
    static func publishFinancing(_ current: DisclosureLibrary.Current, host: VenueHost, logger: Logger) async throws {
        let known = try await host.read { $0.financingDisclosureVersion }
        guard Int64(current.version) > known else { return }
        let outcome = try await host.submit(.compliance(.publishFinancingDisclosure(version: Int64(current.version), by: "disclosure-library")))
        logger.notice("financing disclosure version published: margin clients acknowledge it before their next drawdown",
                      metadata: ["symbol": "\(current.document.symbol)", "version": "\(current.version)", "sequence": "\(outcome.sequence)"])
    }

    /// Follows the host and regenerates the disclosures whenever what they describe changes:
    /// the margin-financing one after an approved haircut or limit change, a contract's after
    /// a new risk-limit version (PERP-1) or a newly registered market maker (MM-1). A changed
    /// text is a new version, published to the engine (clients acknowledge it before their
    /// next risk-increasing order), so a document never disagrees with the engine.
    static func keepDisclosures(_ library: DisclosureLibrary, host: VenueHost, logger: Logger,
                                afterPublish: (@Sendable () async throws -> Void)? = nil) async {
        for await outcome in host.subscribe(buffer: 1_000) {
            let financing = outcome.json.contains { $0.hasPrefix(#"{"type":"haircutSet""#) || $0.hasPrefix(#"{"type":"limitsSet""#) }
            let products = outcome.json.contains {
                $0.hasPrefix(#"{"type":"riskParametersSet""#) || $0.hasPrefix(#"{"type":"marketMakerRegistered""#)
            }
            do {
                if financing {
                    let config = try await host.read { $0.loanBook?.config }
                    if let fresh = try library.refreshFinancing(config) { try await publishFinancing(fresh, host: host, logger: logger) }
                }
                if products {
                    let (config, makers) = try await host.read { engine in
                        (engine.liveConfig, engine.marketMakers.map { engine.accountName($0.account) })
                    }
                    if !(try library.refreshProducts(config, marketMakers: makers)).isEmpty {
                        try await publish(library, host: host, logger: logger)
                        try await afterPublish?()
                    }
                }
            } catch {
                logger.error("disclosure not regenerated: \(error)")
            }
        }
    }

    /// Opens the read models (SQLite or PostgreSQL, `--store`), catches them up from the
    /// journal if they lag (they are a projection and may be behind after a crash), and keeps
    /// them following the host. Returns the history the gateway serves, the projector (for
    /// the lag metric) and the task that follows the host (it ends once the host has shut
    /// down and the projector has written everything).
    static func openHistory(location: StoreLocation, dataDirectory: URL, host: VenueHost,
                            logger: Logger) async throws -> (any HistoryProvider, ReadModelProjector, Task<Void, Never>) {
        let store = try await location.open()
        // Subscribed before catching up, so nothing falls between the two (the store skips overlaps by sequence).
        let outcomes = host.subscribe().map { o in
            ProjectedOutcome(sequence: o.sequence, timestamp: o.timestamp, commandLine: o.commandLine, eventLines: o.json)
        }
        let behind = try await store.lastSequence
        if behind < host.recovery.lastSequence {
            // A projection may lag the journal after a crash: catch up before serving.
            logger.info("catching read models up from the journal",
                        metadata: ["store": "\(location)", "readModel": "\(behind)", "journal": "\(host.recovery.lastSequence)"])
            try await RebuildCommand.project(dataDirectory: dataDirectory, config: host.options.config, into: store, after: behind)
        }
        let projector = ReadModelProjector(store: store)
        let following = Task.detached { await projector.run(outcomes) }
        return (ReadModelHistory(store: store), projector, following)
    }

    /// Waits for `tasks` to end, at most `limit`; logs the ones left (their work is caught
    /// up from the journal at the next start).
    static func finish(_ tasks: [Task<Void, Never>], within limit: Duration, logger: Logger) async {
        final class Once: Sendable {
            let done = Mutex(false)
            func first() -> Bool { done.withLock { d in defer { d = true }; return !d } }
        }
        let finished = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            let once = Once()
            Task {
                for t in tasks { await t.value }
                if once.first() { c.resume(returning: true) }
            }
            Task {
                try? await Task.sleep(for: limit) // a deadline, not synchronisation
                if once.first() { c.resume(returning: false) }
            }
        }
        if !finished { logger.warning("stores still writing after \(limit); the next start catches them up from the journal") }
    }

    /// Opens the audit trail (REG-2) in `DATA/audit`, catches it up from the journal (it may
    /// lag after a crash; it is a function of the journal), and keeps it following the host.
    static func openAudit(dataDirectory: URL, host: VenueHost, logger: Logger) async throws -> AuditRecorder {
        let recorder = try AuditRecorder(directory: dataDirectory.appendingPathComponent("audit"))
        let cut = await recorder.cutBytes
        if cut > 0 { logger.notice("audit trail: cut a last line left unfinished by a crash", metadata: ["bytes": "\(cut)"]) }
        let behind = await recorder.lastSequence
        if behind < host.recovery.lastSequence {
            logger.info("catching the audit trail up from the journal", metadata: ["audit": "\(behind)", "journal": "\(host.recovery.lastSequence)"])
            var pending: [(UInt64, Int64, String, [String])] = []
            try JournalOutcomes.forEach(dataDirectory: dataDirectory, config: host.options.config) { seq, ts, line, events in
                if seq > behind { pending.append((seq, ts, line, events)) }
            }
            for (seq, ts, line, events) in pending { try await recorder.record(sequence: seq, timestamp: ts, command: line, events: events) }
            try await recorder.flush()
        }
        let outcomes = host.subscribe()
        Task.detached {
            do {
                for await outcome in outcomes { try await recorder.record(outcome) }
                try await recorder.flush()
            } catch {
                logger.error("audit trail stopped following the venue: \(error)")
            }
        }
        return recorder
    }

    /// Flushes the audit trail every second and publishes its head every `interval`.
    static func keepAudit(_ recorder: AuditRecorder, interval: Int, logger: Logger) async {
        var elapsed = 0
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: 1_000_000_000)
            elapsed += 1
            do {
                try await recorder.flush()
                if elapsed >= interval {
                    elapsed = 0
                    try await publish(recorder, logger: logger)
                }
            } catch {
                logger.error("audit trail flush failed: \(error)")
            }
        }
    }

    /// Publishes the head (heads.log and a notice-level log line, for log shipping).
    static func publish(_ recorder: AuditRecorder, logger: Logger) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        if let head = try await recorder.publishHead(at: now) {
            logger.notice("audit head", metadata: ["sequence": "\(head.sequence)", "hash": "\(head.hash)"])
        }
    }

    /// Lets time pass in the engine (funding, sampling) when no other command arrives.
    static func tick(_ host: VenueHost) async throws {
        _ = try await host.submit(.tick)
    }
}
