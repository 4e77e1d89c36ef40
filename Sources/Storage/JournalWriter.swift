import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends records to the on-disk journal with group commit. Owned by the single sequencer
/// thread; not Sendable.
///
/// Usage: `append` each command of a batch (this only encodes into memory and assigns the
/// next sequence number), then call `sync()` once: it issues one `write` of all buffered
/// bytes and one fsync. Only after `sync()` returns may the batch be acknowledged. If
/// `sync()` throws, nothing since the previous successful sync may be acknowledged, and the
/// writer refuses further work (after a failed fsync the file's state is unknown): recover
/// by reading the journal and opening a new writer.
///
/// Each sync writes the batch's records followed by a `JournalCommitMarker`, in one write,
/// then fsyncs: a batch is committed exactly when its marker is on disk. A batch never
/// exceeds `maxBatchBytes` (an `append` that would overflow it first syncs what is
/// pending), so after a crash at most one batch of bytes can follow the last marker; the
/// bound is written in every segment header and is how the reader tells a torn write from
/// damage (docs/JOURNAL.md).
///
/// Segments are named `journal-<first sequence, 20 digits>.log` and start with a
/// `JournalSegmentHeader`. Every writer starts a new segment at `lastSequence + 1` (reusing
/// an empty file of that name), so a reopened writer never appends behind a tail it has
/// not verified. After a sync leaves the current segment at or beyond `segmentSizeLimit`
/// bytes, the next sync starts a new segment; a batch is never split across segments.
/// Creating a segment fsyncs the directory.
public final class JournalWriter {
    /// Default size after which a new segment is started: 256 MiB.
    public static let defaultSegmentSizeLimit = 256 << 20
    /// Default bound on one batch (records and marker): 4 MiB, some 10,000 orders.
    public static let defaultMaxBatchBytes = 4 << 20

    /// Where the segments live.
    public let directory: URL
    /// Size in bytes after which the next sync starts a new segment.
    public let segmentSizeLimit: Int
    /// The most bytes one batch (its records and commit marker) may occupy.
    public let maxBatchBytes: Int
    /// The sequence number given to the most recent `append`.
    public private(set) var lastAppendedSequence: UInt64
    /// The highest sequence number known to be on stable storage.
    public private(set) var lastDurableSequence: UInt64

    private var buffer: [UInt8] = []
    private var bufferFirstSequence: UInt64?
    /// Running checksum over the stored checksums of the buffered records.
    private var bufferRecordsCRC: UInt32 = 0
    private var fd: Int32 = -1
    private var segmentPath = ""
    private var segmentBytes = 0
    private var failure: JournalError?
    private var closed = false

    /// Opens a writer that continues the journal in `directory` after `lastSequence`
    /// (0 for an empty journal: the first record gets sequence 1).
    ///
    /// `lastSequence` must be the last intact record of the journal (from `JournalReader`,
    /// after `truncateTornTail()`), or the snapshot's sequence if the journal holds nothing
    /// newer. Throws `segmentConflict` if a non-empty segment starting at or after
    /// `lastSequence + 1` exists. Creates the directory if needed.
    public init(
        directory: URL,
        startingAfter lastSequence: UInt64,
        segmentSizeLimit: Int = JournalWriter.defaultSegmentSizeLimit,
        maxBatchBytes: Int = JournalWriter.defaultMaxBatchBytes
    ) throws {
        precondition(segmentSizeLimit > 0, "segmentSizeLimit must be positive")
        precondition(maxBatchBytes >= 256 && maxBatchBytes <= Int(UInt32.max), "maxBatchBytes out of range")
        self.directory = directory
        self.segmentSizeLimit = segmentSizeLimit
        self.maxBatchBytes = maxBatchBytes
        self.lastAppendedSequence = lastSequence
        self.lastDurableSequence = lastSequence
        buffer.reserveCapacity(1 << 16)

        if !FileManager.default.fileExists(atPath: directory.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try POSIXFile.syncDirectory(directory.deletingLastPathComponent().path)
        }
        for segment in try JournalSegment.list(in: directory) where segment.firstSequence > lastSequence {
            let attributes = try FileManager.default.attributesOfItem(atPath: segment.url.path)
            let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
            if segment.firstSequence > lastSequence + 1 || size != 0 {
                throw JournalError.segmentConflict(file: segment.url.lastPathComponent, startingAfter: lastSequence)
            }
        }
    }

    deinit {
        if fd >= 0 { POSIXFile.closeQuietly(fd) }
    }

    /// Encodes a record into the in-memory batch and returns its sequence number. Nothing
    /// is durable until `sync()` returns.
    @discardableResult
    public func append(timestamp: Int64, payload: UnsafeRawBufferPointer) throws -> UInt64 {
        try checkUsable()
        let limit = min(JournalRecord.maxPayloadSize,
                        maxBatchBytes - JournalCommitMarker.size - JournalRecord.encodedSize(payloadCount: 0))
        guard payload.count <= limit else {
            throw JournalError.payloadTooLarge(size: payload.count, limit: limit)
        }
        let recordSize = JournalRecord.encodedSize(payloadCount: payload.count)
        if bufferFirstSequence != nil && buffer.count + recordSize + JournalCommitMarker.size > maxBatchBytes {
            try sync() // the batch is full: commit it before starting the next
        }
        let sequence = lastAppendedSequence + 1
        let checksum = JournalRecord.append(sequence: sequence, timestamp: timestamp, payload: payload, to: &buffer)
        bufferRecordsCRC = JournalCommitMarker.accumulate(checksum, into: bufferRecordsCRC)
        if bufferFirstSequence == nil { bufferFirstSequence = sequence }
        lastAppendedSequence = sequence
        return sequence
    }

    /// Encodes a record into the in-memory batch and returns its sequence number.
    @discardableResult
    public func append(timestamp: Int64, payload: [UInt8]) throws -> UInt64 {
        try payload.withUnsafeBytes { try append(timestamp: timestamp, payload: $0) }
    }

    /// Bytes appended but not yet synced (records only; the marker is added by `sync`).
    public var pendingBytes: Int { buffer.count }

    /// Makes every appended record durable: one write of the whole batch and its commit
    /// marker, then one fsync.
    /// Returns the highest durable sequence number. A no-op when nothing is pending.
    @discardableResult
    public func sync() throws -> UInt64 {
        try checkUsable()
        guard let firstSequence = bufferFirstSequence else { return lastDurableSequence }
        let recordBytes = buffer.count
        JournalCommitMarker(batchBytes: recordBytes, firstSequence: firstSequence,
                            lastSequence: lastAppendedSequence, recordsCRC: bufferRecordsCRC).append(to: &buffer)
        do {
            if fd < 0 { try openSegment(firstSequence: firstSequence) }
            try buffer.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: segmentPath) }
            try POSIXFile.syncData(fd, path: segmentPath)
        } catch let error as JournalError {
            failure = error
            throw error
        }
        segmentBytes += buffer.count
        buffer.removeAll(keepingCapacity: true)
        bufferFirstSequence = nil
        bufferRecordsCRC = 0
        lastDurableSequence = lastAppendedSequence
        if segmentBytes >= segmentSizeLimit {
            POSIXFile.closeQuietly(fd)
            fd = -1
        }
        return lastDurableSequence
    }

    /// Closes the current segment. Records appended since the last `sync()` are dropped
    /// (they were never acknowledged); call `sync()` first to keep them.
    public func close() {
        if fd >= 0 { POSIXFile.closeQuietly(fd) }
        fd = -1
        closed = true
        buffer.removeAll()
        bufferFirstSequence = nil
        bufferRecordsCRC = 0
    }

    private func checkUsable() throws {
        if closed { throw JournalError.writerClosed }
        if let failure { throw JournalError.writerFailed(underlying: failure.description) }
    }

    private func openSegment(firstSequence: UInt64) throws {
        let path = directory.appendingPathComponent(JournalSegment.fileName(firstSequence: firstSequence)).path
        let descriptor: Int32
        do {
            descriptor = try POSIXFile.open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND)
        } catch JournalError.io(_, _, EEXIST) {
            // Left behind empty by a crash right after creation: reuse it, never append to data.
            let existing = try POSIXFile.open(path, O_WRONLY | O_APPEND)
            let size: Int
            do { size = try POSIXFile.size(existing, path: path) } catch {
                POSIXFile.closeQuietly(existing)
                throw error
            }
            guard size == 0 else {
                POSIXFile.closeQuietly(existing)
                throw JournalError.segmentConflict(file: (path as NSString).lastPathComponent, startingAfter: firstSequence - 1)
            }
            descriptor = existing
        }
        fd = descriptor
        segmentPath = path
        let header = JournalSegmentHeader(firstSequence: firstSequence, maxBatchBytes: maxBatchBytes).encoded()
        try header.withUnsafeBytes { try POSIXFile.writeAll(descriptor, $0, path: path) }
        segmentBytes = header.count
        try POSIXFile.syncDirectory(directory.path)
    }
}

@available(*, unavailable, message: "JournalWriter is owned by the single sequencer thread")
extension JournalWriter: Sendable {}
