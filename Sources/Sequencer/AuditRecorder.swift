import Foundation
import Storage

/// Keeps the audit trail (REG-2) beside a running venue: takes every durable command
/// outcome in sequence order, writes it as a hash-chained record (batched, one fsync per
/// flush, never on the acknowledgement path), and publishes the chain head on request.
/// The trail is a deterministic function of the journal, so after a crash it is caught up
/// from the journal before it follows the host (`harbour serve` does both).
public actor AuditRecorder {
    private let writer: AuditTrailWriter
    /// The last published head, if any.
    public private(set) var lastHead: AuditHead?
    private var unflushed = 0

    public init(directory: URL) throws {
        writer = try AuditTrailWriter(directory: directory)
        lastHead = AuditTrail(directory: directory).heads().last
    }

    /// The last sequence written to the trail.
    public var lastSequence: UInt64 { writer.lastSequence }
    /// The hash of the last record written.
    public var lastHash: String { writer.lastHash }
    /// Bytes of a partial last line that opening cut (a crash while writing).
    public var cutBytes: Int { writer.cutBytes }

    /// Records one outcome (skipped if already recorded). Flushes every 512 records.
    public func record(sequence: UInt64, timestamp: Int64, command: String, events: [String]) throws {
        guard try writer.append(sequence: sequence, timestamp: timestamp, command: command, events: events) else { return }
        unflushed += 1
        if unflushed >= 512 { try flush() }
    }

    /// Records a durable outcome of the host.
    public func record(_ outcome: CommandOutcome) throws {
        try record(sequence: outcome.sequence, timestamp: outcome.timestamp, command: outcome.commandLine, events: outcome.json)
    }

    /// Writes and syncs what is buffered.
    public func flush() throws {
        try writer.flush()
        unflushed = 0
    }

    /// Flushes and publishes the current head (appended to heads.log); returns it. A head is
    /// published only when records were added since the last one.
    @discardableResult
    public func publishHead(at now: Int64) throws -> AuditHead? {
        try flush()
        if let lastHead, lastHead.sequence == writer.lastSequence { return nil }
        guard writer.lastSequence > 0 else { return nil }
        let head = try writer.publishHead(at: now)
        lastHead = head
        return head
    }
}
