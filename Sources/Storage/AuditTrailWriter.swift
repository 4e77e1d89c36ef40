import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends to the audit trail (REG-2), off the acknowledgement path: the server feeds it
/// every durable command outcome in sequence order, and it writes them in batches with one
/// fsync. After a crash the trail may end before the journal, or in a line cut short:
/// opening cuts that partial line, and the caller catches up from the journal (the trail is
/// a deterministic function of it). Owned by one task; not Sendable.
public final class AuditTrailWriter {
    public let trail: AuditTrail
    /// The last record written (0 and the chain start when empty).
    public private(set) var lastSequence: UInt64
    public private(set) var lastHash: String
    /// Bytes of a partial last line cut at open.
    public let cutBytes: Int
    private var buffer: [UInt8] = []
    private var fd: Int32 = -1
    private var segmentPath = ""
    private var segmentBytes = 0
    private let segmentLimit: Int

    /// Opens the trail in `directory` (created if needed) to continue after its last record.
    public init(directory: URL, segmentLimit: Int = 256 << 20) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        trail = AuditTrail(directory: directory)
        self.segmentLimit = segmentLimit
        let start = trail.chainStart()
        lastSequence = start.after
        lastHash = start.previousHash
        var cut = 0
        if let newest = try trail.segments().last {
            let data = try Data(contentsOf: newest.url)
            let end = data.lastIndex(of: 10).map { $0 + 1 } ?? 0
            if end < data.count {
                try POSIXFile.truncate(newest.url.path, to: UInt64(end))
                cut = data.count - end
            }
            let lines = data[0..<end].split(separator: 10)
            if let last = lines.last {
                guard let record = AuditRecord.inspect(Substring(decoding: last, as: UTF8.self)), record.claimed == record.actual else {
                    throw JournalError.corruptRecord(file: newest.url.path, offset: UInt64(end - last.count - 1), sequence: 0,
                                                     reason: "the last audit record does not verify; run `harbour audit verify`")
                }
                lastSequence = record.sequence
                lastHash = record.claimed
            }
        }
        cutBytes = cut
    }

    deinit { if fd >= 0 { POSIXFile.closeQuietly(fd) } }

    /// Buffers the record of one command outcome. Sequences at or below the last record
    /// are skipped (catch-up may overlap); a gap is an error.
    @discardableResult
    public func append(sequence: UInt64, timestamp: Int64, command: String, events: [String]) throws -> Bool {
        if sequence <= lastSequence { return false }
        guard sequence == lastSequence + 1 else {
            throw JournalError.sequenceGap(file: trail.directory.path, offset: 0, expected: lastSequence + 1, found: sequence)
        }
        let (line, hash) = AuditRecord(previousHash: lastHash, sequence: sequence, timestamp: timestamp,
                                       command: command, events: events).sealed()
        if fd < 0 || segmentBytes >= segmentLimit { try openSegment(first: sequence) }
        buffer.append(contentsOf: line.utf8)
        buffer.append(10)
        segmentBytes += line.utf8.count + 1
        lastSequence = sequence
        lastHash = hash
        return true
    }

    /// Writes what is buffered and syncs it.
    public func flush() throws {
        guard !buffer.isEmpty, fd >= 0 else { return }
        try buffer.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: segmentPath) }
        try POSIXFile.syncData(fd, path: segmentPath)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, then records the current head in heads.log and returns it.
    public func publishHead(at now: Int64) throws -> AuditHead {
        try flush()
        let head = AuditHead(sequence: lastSequence, hash: lastHash, publishedAt: now)
        try AuditTrail.appendLine(head.line, to: trail.headsFile)
        return head
    }

    /// Continues the newest segment when this writer has none open and it is not full;
    /// otherwise starts a segment named after `first`.
    private func openSegment(first: UInt64) throws {
        try flush()
        var path = trail.directory.appendingPathComponent(AuditTrail.segmentName(first: first)).path
        if fd < 0, let newest = try trail.segments().last {
            let size = (try FileManager.default.attributesOfItem(atPath: newest.url.path)[.size] as? NSNumber)?.intValue ?? 0
            if size < segmentLimit { path = newest.url.path }
        }
        if fd >= 0 { POSIXFile.closeQuietly(fd) }
        fd = try POSIXFile.open(path, O_WRONLY | O_CREAT | O_APPEND)
        segmentPath = path
        segmentBytes = try POSIXFile.size(fd, path: path)
        try POSIXFile.syncDirectory(trail.directory.path)
    }
}
