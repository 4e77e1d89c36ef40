import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the journal back for recovery: every record in sequence order across segments,
/// checksums and sequence continuity verified.
///
/// Damage is judged by where it is:
/// - in the **last** segment, the first record that is cut short or fails its checksum ends
///   the journal: it and everything after it is a torn tail (a write that never completed
///   its fsync, so nothing in it was acknowledged). It is reported in
///   `JournalReadSummary.tornTail` and removed by `truncateTornTail()`. One exception: a
///   damaged record followed by an intact record carrying the next sequence number is a
///   damaged acknowledged record, not a torn write, and is a hard error.
/// - anywhere else, damage is a hard `JournalError.corruptRecord` naming file and offset.
/// - an intact record with the wrong sequence number is always a `sequenceGap` error.
///
/// Segments are memory-mapped and walked in place; `forEach` hands each payload to the
/// caller as an `UnsafeRawBufferPointer` into the mapping, without copying or allocating.
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

    /// Calls `body` for every intact record with sequence ≥ `start`, in order.
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

    /// Every intact record with sequence ≥ `start`, copied into memory. Convenient for
    /// tests and small journals; recovery should use `forEach`.
    public func readAll(from start: UInt64 = 1) throws -> (records: [JournalRecord], summary: JournalReadSummary) {
        var records: [JournalRecord] = []
        let summary = try forEach(from: start) { sequence, timestamp, payload in
            records.append(JournalRecord(sequence: sequence, timestamp: timestamp, payload: Array(payload)))
        }
        return (records, summary)
    }

    /// Removes a torn tail from the last segment (truncate + fsync) so a writer can continue
    /// cleanly, and returns what was removed (nil if the tail was intact). Only the last
    /// segment is read.
    @discardableResult
    public func truncateTornTail() throws -> JournalTornTail? {
        let summary = try forEach(from: .max) { _, _, _ in }
        guard let tornTail = summary.tornTail else { return nil }
        try POSIXFile.truncate(tornTail.file.path, to: tornTail.offset)
        return tornTail
    }

    /// Progress of one pass over the journal.
    private struct Scan {
        let start: UInt64
        var expected: UInt64
        var delivered = 0
        var tornTail: JournalTornTail?

        init(start: UInt64, expected: UInt64) {
            self.start = start
            self.expected = expected
        }
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
        let bytes = UnsafeRawBufferPointer(start: mapping, count: size)

        var offset = 0
        while offset < size {
            switch JournalRecord.frame(in: bytes, at: offset) {
            case let .record(sequence, timestamp, payloadOffset, payloadCount, recordSize):
                guard sequence == scan.expected else {
                    throw JournalError.sequenceGap(
                        file: path, offset: UInt64(offset), expected: scan.expected, found: sequence
                    )
                }
                if sequence >= scan.start {
                    try body(sequence, timestamp, UnsafeRawBufferPointer(rebasing: bytes[payloadOffset..<(payloadOffset + payloadCount)]))
                    scan.delivered += 1
                }
                scan.expected += 1
                offset += recordSize

            case let .truncated(reason):
                guard isLast else {
                    throw JournalError.corruptRecord(file: path, offset: UInt64(offset), reason: reason)
                }
                scan.tornTail = tornTail(segment, offset: offset, size: size, reason: reason)
                return

            case let .corrupt(reason, recordSize):
                guard isLast else {
                    throw JournalError.corruptRecord(file: path, offset: UInt64(offset), reason: reason)
                }
                if let recordSize, offset + recordSize < size,
                   case let .record(nextSequence, _, _, _, _) = JournalRecord.frame(in: bytes, at: offset + recordSize),
                   nextSequence == scan.expected + 1 {
                    throw JournalError.corruptRecord(
                        file: path, offset: UInt64(offset),
                        reason: reason + "; an intact record \(nextSequence) follows, so this is not a torn tail"
                    )
                }
                scan.tornTail = tornTail(segment, offset: offset, size: size, reason: reason)
                return
            }
        }
    }

    private func tornTail(_ segment: JournalSegment, offset: Int, size: Int, reason: String) -> JournalTornTail {
        JournalTornTail(file: segment.url, offset: UInt64(offset), discardedBytes: UInt64(size - offset), reason: reason)
    }
}
