import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the journal back for recovery and verification: every committed record in
/// sequence order across segments, checksums, commit markers and sequence continuity
/// verified. Reading never changes a byte on disk; `remove(_:)` is the one write, and only
/// for a torn tail this reader found.
///
/// A record is delivered only once the commit marker of its batch has been read and agrees
/// with it, so a batch whose fsync never returned is never applied. What fails to read is
/// judged by where it is (docs/JOURNAL.md):
/// - a **torn tail** — the bytes after the last commit marker of the **newest** segment,
///   no longer than one batch (the segment header's bound), ending in a record or marker
///   cut short, at a record boundary, or in zeros, with no intact commit marker after it —
///   was never acknowledged: it is reported in `JournalReadSummary.tornTail`;
/// - anything else (a checksum mismatch, a damaged magic or length, a marker that does not
///   match its batch, damage in an older segment, more unreadable bytes than one batch, an
///   intact marker after the damage) is `JournalError.corruptRecord` naming the file, the
///   byte offset and the first sequence that cannot be read;
/// - an intact record or segment with the wrong sequence number is a `sequenceGap`.
///
/// Segments are memory-mapped and walked in place; `forEach` hands each payload to the
/// caller as an `UnsafeRawBufferPointer` into the mapping, without copying it.
public struct JournalReader: Sendable {
    /// Where the segments live.
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// The segments on disk, oldest first.
    public func segments() throws -> [JournalSegment] {
        try JournalSegment.list(in: directory)
    }

    /// Calls `body` for every committed record with sequence ≥ `start`, in order.
    ///
    /// The payload pointer is valid only during the call. Segments entirely before `start`
    /// are not read. Throws `missingRecords` if `start` is older than the oldest segment.
    @discardableResult
    public func forEach(
        from start: UInt64 = 1,
        _ body: (_ sequence: UInt64, _ timestamp: Int64, _ payload: UnsafeRawBufferPointer) throws -> Void
    ) throws -> JournalReadSummary {
        let start = max(start, 1)
        let segments = try segments()
        guard let oldest = segments.first else {
            return JournalReadSummary(recordsDelivered: 0, lastSequence: nil, tornTail: nil)
        }
        if start < oldest.firstSequence {
            throw JournalError.missingRecords(requestedFrom: start, firstAvailable: oldest.firstSequence)
        }
        // The last segment whose first record is at or before `start` may hold `start`.
        let firstIndex = segments.lastIndex { $0.firstSequence <= start } ?? 0

        var scan = Scan(start: start, expected: segments[firstIndex].firstSequence)
        for index in firstIndex..<segments.count {
            let segment = segments[index]
            if segment.firstSequence != scan.expected {
                throw JournalError.sequenceGap(
                    file: segment.url.path, offset: 0, expected: scan.expected, found: segment.firstSequence
                )
            }
            try read(segment, isLast: index == segments.count - 1, scan: &scan, body)
        }
        let last = scan.expected - 1
        return JournalReadSummary(
            recordsDelivered: scan.delivered,
            lastSequence: last == 0 ? nil : last,
            tornTail: scan.tornTail
        )
    }

    /// Every committed record with sequence ≥ `start`, copied into memory. Convenient for
    /// tests and small journals; recovery should use `forEach`.
    public func readAll(from start: UInt64 = 1) throws -> (records: [JournalRecord], summary: JournalReadSummary) {
        var records: [JournalRecord] = []
        let summary = try forEach(from: start) { sequence, timestamp, payload in
            records.append(JournalRecord(sequence: sequence, timestamp: timestamp, payload: Array(payload)))
        }
        return (records, summary)
    }

    /// Finds the torn tail of the newest segment without changing anything (nil if the
    /// journal ends in a commit marker). Throws what `forEach` throws for damage there.
    public func tornTail() throws -> JournalTornTail? {
        try forEach(from: .max) { _, _, _ in }.tornTail
    }

    /// Cuts a torn tail found by this reader (truncate + fsync), after checking that the
    /// file still has exactly the size it had when the tail was found.
    public func remove(_ tail: JournalTornTail) throws {
        let fd = try POSIXFile.open(tail.file.path, O_RDONLY)
        let size: Int
        do { size = try POSIXFile.size(fd, path: tail.file.path) } catch {
            POSIXFile.closeQuietly(fd)
            throw error
        }
        POSIXFile.closeQuietly(fd)
        guard UInt64(size) == tail.offset + tail.discardedBytes else {
            throw JournalError.segmentConflict(file: tail.file.lastPathComponent, startingAfter: tail.firstSequence - 1)
        }
        try POSIXFile.truncate(tail.file.path, to: tail.offset)
    }

    /// Finds and cuts the torn tail of the newest segment, returning what was removed (nil
    /// if there was none). Damage is thrown before anything is written.
    @discardableResult
    public func truncateTornTail() throws -> JournalTornTail? {
        guard let tail = try tornTail() else { return nil }
        try remove(tail)
        return tail
    }

    // MARK: - Scanning

    /// Progress of one pass over the journal.
    private struct Scan {
        let start: UInt64
        var expected: UInt64
        var delivered = 0
        var tornTail: JournalTornTail?
        /// The records of the batch being read, delivered once its marker checks out.
        var batch: [PendingRecord] = []

        init(start: UInt64, expected: UInt64) {
            self.start = start
            self.expected = expected
        }
    }

    /// A record read from a batch whose commit marker has not been seen yet.
    private struct PendingRecord {
        let sequence: UInt64
        let timestamp: Int64
        let payloadOffset: Int
        let payloadCount: Int
    }

    /// Why the bytes after the last commit marker did not form a committed batch.
    private struct Failure: Error {
        enum Kind { case endOfData, truncated, zeros, damaged }
        let offset: Int
        let kind: Kind
        let reason: String
    }

    /// One mapped segment and where it sits in the journal.
    private struct Mapped {
        let segment: JournalSegment
        let bytes: UnsafeRawBufferPointer
        let isLast: Bool
        var path: String { segment.url.path }
    }

    private func read(
        _ segment: JournalSegment,
        isLast: Bool,
        scan: inout Scan,
        _ body: (UInt64, Int64, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let path = segment.url.path
        let fd = try POSIXFile.open(path, O_RDONLY)
        defer { POSIXFile.closeQuietly(fd) }
        let size = try POSIXFile.size(fd, path: path)
        guard size > 0 else { return }
        let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let mapping, mapping != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw JournalError.io(operation: "mmap", path: path, errno: errno)
        }
        defer { munmap(mapping, size) }
        _ = madvise(mapping, size, MADV_SEQUENTIAL)
        let mapped = Mapped(segment: segment, bytes: UnsafeRawBufferPointer(start: mapping, count: size), isLast: isLast)
        if size >= 4 && mapped.bytes.loadLittleEndianUInt32(at: 0) == JournalRecord.magic {
            try readFormat1(mapped, scan: &scan, body)
        } else {
            try readFormat2(mapped, scan: &scan, body)
        }
    }

    /// A segment with a header, records in batches each closed by a commit marker.
    private func readFormat2(_ mapped: Mapped, scan: inout Scan, _ body: (UInt64, Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        let bytes = mapped.bytes
        let header: JournalSegmentHeader
        switch JournalSegmentHeader.decode(bytes) {
        case .success(let decoded):
            header = decoded
        case .failure(let problem):
            // A segment created but whose header never reached the disk: nothing in it was committed.
            if mapped.isLast && (bytes.count < JournalSegmentHeader.size || bytes.allZero(0..<bytes.count)) {
                scan.tornTail = tornTail(mapped, cutAt: 0, sequence: scan.expected, reason: problem.reason)
                return
            }
            throw JournalError.corruptRecord(file: mapped.path, offset: 0, sequence: scan.expected, reason: problem.reason)
        }
        guard header.firstSequence == mapped.segment.firstSequence else {
            throw JournalError.corruptRecord(
                file: mapped.path, offset: 8, sequence: scan.expected,
                reason: "segment header says it starts at sequence \(header.firstSequence), its file name says \(mapped.segment.firstSequence)"
            )
        }
        var offset = JournalSegmentHeader.size
        var committedAny = false
        while offset < bytes.count {
            switch try readBatch(mapped, from: offset, scan: &scan) {
            case .success(let end):
                for record in scan.batch where record.sequence >= scan.start {
                    try body(record.sequence, record.timestamp,
                             UnsafeRawBufferPointer(rebasing: bytes[record.payloadOffset..<(record.payloadOffset + record.payloadCount)]))
                    scan.delivered += 1
                }
                scan.expected += UInt64(scan.batch.count)
                offset = end
                committedAny = true
            case .failure(let failure):
                try judgeTail(mapped, header: header, batchStart: offset, failure: failure, sequence: scan.expected)
                scan.tornTail = tornTail(mapped, cutAt: committedAny ? offset : 0, sequence: scan.expected, reason: failure.reason)
                return
            }
        }
        if !committedAny && mapped.isLast {
            // Created and its header written, but the first batch never was: remove the file's
            // content so the writer can reuse the empty segment.
            scan.tornTail = tornTail(mapped, cutAt: 0, sequence: scan.expected, reason: "the segment holds no committed batch")
        }
    }

    /// Reads the records of one batch from `start` up to and including its commit marker.
    /// Success gives the offset after the marker, with the records in `scan.batch`.
    private func readBatch(_ mapped: Mapped, from start: Int, scan: inout Scan) throws -> Result<Int, Failure> {
        let bytes = mapped.bytes
        scan.batch.removeAll(keepingCapacity: true)
        var offset = start
        var expected = scan.expected
        var recordsCRC: UInt32 = 0
        while true {
            let left = bytes.count - offset
            if left == 0 {
                return .failure(Failure(offset: offset, kind: .endOfData,
                                        reason: "the segment ends after \(scan.batch.count) records without a commit marker"))
            }
            if bytes.allZero(offset..<min(bytes.count, offset + 4)) && bytes.allZero(offset..<bytes.count) {
                return .failure(Failure(offset: offset, kind: .zeros, reason: "\(left) zero bytes where a record or commit marker should be"))
            }
            if left >= 4 && bytes.loadLittleEndianUInt32(at: offset) == JournalCommitMarker.magic {
                return checkMarker(mapped, at: offset, batchStart: start, lastSequence: expected - 1, recordsCRC: recordsCRC, scan: scan)
            }
            switch JournalRecord.frame(in: bytes, at: offset) {
            case let .record(sequence, timestamp, payloadOffset, payloadCount, size, checksum):
                guard sequence == expected else {
                    throw JournalError.sequenceGap(file: mapped.path, offset: UInt64(offset), expected: expected, found: sequence)
                }
                scan.batch.append(PendingRecord(sequence: sequence, timestamp: timestamp, payloadOffset: payloadOffset, payloadCount: payloadCount))
                recordsCRC = JournalCommitMarker.accumulate(checksum, into: recordsCRC)
                expected += 1
                offset += size
            case let .truncated(reason):
                return .failure(Failure(offset: offset, kind: .truncated, reason: "record \(expected) cut short: \(reason)"))
            case let .corrupt(reason, _):
                return .failure(Failure(offset: offset, kind: .damaged, reason: "record \(expected): \(reason)"))
            }
        }
    }

    /// Checks the commit marker at `offset` against the batch read before it.
    private func checkMarker(_ mapped: Mapped, at offset: Int, batchStart: Int, lastSequence: UInt64,
                             recordsCRC: UInt32, scan: Scan) -> Result<Int, Failure> {
        let bytes = mapped.bytes
        guard bytes.count - offset >= JournalCommitMarker.size else {
            return .failure(Failure(offset: offset, kind: .truncated,
                                    reason: "commit marker cut short: \(bytes.count - offset) of \(JournalCommitMarker.size) bytes"))
        }
        guard let marker = JournalCommitMarker.decode(bytes, at: offset) else {
            return .failure(Failure(offset: offset, kind: .damaged, reason: "commit marker checksum mismatch"))
        }
        let expected = JournalCommitMarker(batchBytes: offset - batchStart, firstSequence: scan.expected,
                                           lastSequence: lastSequence, recordsCRC: recordsCRC)
        guard !scan.batch.isEmpty, marker == expected else {
            return .failure(Failure(
                offset: offset, kind: .damaged,
                reason: "commit marker (sequences \(marker.firstSequence)...\(marker.lastSequence), \(marker.batchBytes) bytes) does not match the \(scan.batch.count) records before it"
            ))
        }
        return .success(offset + JournalCommitMarker.size)
    }

    /// Throws unless the bytes from `batchStart` to the end can be a torn write.
    private func judgeTail(_ mapped: Mapped, header: JournalSegmentHeader, batchStart: Int, failure: Failure, sequence: UInt64) throws {
        func damage(_ why: String) -> JournalError {
            JournalError.corruptRecord(file: mapped.path, offset: UInt64(failure.offset), sequence: sequence, reason: why)
        }
        guard mapped.isLast else {
            throw damage(failure.reason + "; this is not the newest segment, whose batches are all committed")
        }
        guard failure.kind != .damaged else { throw damage(failure.reason) }
        let tail = mapped.bytes.count - batchStart
        guard tail <= header.maxBatchBytes else {
            throw damage(failure.reason + "; \(tail) bytes follow the last commit marker, more than one batch (\(header.maxBatchBytes) bytes) can hold")
        }
        if let (at, marker) = firstMarker(in: mapped.bytes, after: batchStart) {
            throw damage(failure.reason + "; an intact commit marker for sequences \(marker.firstSequence)...\(marker.lastSequence) follows at offset \(at), so the bytes before it were committed")
        }
    }

    /// The first offset after `start` holding an intact commit marker.
    private func firstMarker(in bytes: UnsafeRawBufferPointer, after start: Int) -> (Int, JournalCommitMarker)? {
        var offset = start + 1
        while offset + JournalCommitMarker.size <= bytes.count {
            if let marker = JournalCommitMarker.decode(bytes, at: offset) { return (offset, marker) }
            offset += 1
        }
        return nil
    }

    /// A segment of format 1 (before commit markers): records from offset 0, no header.
    /// Only a record cut short (or zeros) at the end of the newest segment, with no intact
    /// record after it, is a torn tail.
    private func readFormat1(_ mapped: Mapped, scan: inout Scan, _ body: (UInt64, Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        let bytes = mapped.bytes
        var offset = 0
        while offset < bytes.count {
            let failure: Failure
            switch JournalRecord.frame(in: bytes, at: offset) {
            case let .record(sequence, timestamp, payloadOffset, payloadCount, size, _):
                guard sequence == scan.expected else {
                    throw JournalError.sequenceGap(file: mapped.path, offset: UInt64(offset), expected: scan.expected, found: sequence)
                }
                if sequence >= scan.start {
                    try body(sequence, timestamp, UnsafeRawBufferPointer(rebasing: bytes[payloadOffset..<(payloadOffset + payloadCount)]))
                    scan.delivered += 1
                }
                scan.expected += 1
                offset += size
                continue
            case let .truncated(reason):
                failure = Failure(offset: offset, kind: .truncated, reason: reason)
            case let .corrupt(reason, _):
                failure = Failure(offset: offset, kind: bytes.allZero(offset..<bytes.count) ? .zeros : .damaged, reason: reason)
            }
            let laterRecord = intactRecord(in: bytes, after: offset)
            guard mapped.isLast, failure.kind != .damaged, laterRecord == nil else {
                let why = laterRecord.map { "; an intact record follows at offset \($0)" } ?? ""
                throw JournalError.corruptRecord(file: mapped.path, offset: UInt64(offset), sequence: scan.expected, reason: failure.reason + why)
            }
            scan.tornTail = tornTail(mapped, cutAt: offset, sequence: scan.expected, reason: failure.reason)
            return
        }
    }

    /// The first offset after `start` where an intact format-1 record begins.
    private func intactRecord(in bytes: UnsafeRawBufferPointer, after start: Int) -> Int? {
        var offset = start + 1
        while offset + JournalRecord.headerSize + JournalRecord.trailerSize <= bytes.count {
            if bytes.loadLittleEndianUInt32(at: offset) == JournalRecord.magic,
               case .record = JournalRecord.frame(in: bytes, at: offset) {
                return offset
            }
            offset += 1
        }
        return nil
    }

    private func tornTail(_ mapped: Mapped, cutAt offset: Int, sequence: UInt64, reason: String) -> JournalTornTail {
        JournalTornTail(file: mapped.segment.url, offset: UInt64(offset), discardedBytes: UInt64(mapped.bytes.count - offset),
                        firstSequence: sequence, reason: reason)
    }
}
