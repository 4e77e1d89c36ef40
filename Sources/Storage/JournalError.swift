#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything that can go wrong while writing or reading the journal and snapshots.
///
/// Corruption errors name the file and the byte offset of the damaged record, so an
/// operator can inspect it. A torn tail in the last journal segment is *not* an error
/// (it is reported as a `JournalTornTail`); the same damage anywhere else is.
public enum JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed. `errno` is the raw error number.
    case io(operation: String, path: String, errno: Int32)
    /// A record that is not at the tail of the log fails its framing or checksum.
    case corruptRecord(file: String, offset: UInt64, reason: String)
    /// A record or segment does not carry the sequence number that should come next.
    case sequenceGap(file: String, offset: UInt64, expected: UInt64, found: UInt64)
    /// Replay was asked to start at a sequence older than the oldest segment on disk.
    case missingRecords(requestedFrom: UInt64, firstAvailable: UInt64)
    /// The writer would start a segment that already holds records, or segments exist
    /// beyond the sequence the writer was told to continue after.
    case segmentConflict(file: String, startingAfter: UInt64)
    /// A payload exceeds `JournalRecord.maxPayloadSize`.
    case payloadTooLarge(size: Int, limit: Int)
    /// The writer was closed.
    case writerClosed
    /// An earlier write or fsync failed; the writer refuses further work because the state
    /// of the file after a failed fsync is unknown. Recover by reopening from the journal.
    case writerFailed(underlying: String)
    /// A snapshot file is damaged or not a snapshot.
    case corruptSnapshot(file: String, reason: String)

    public var description: String {
        switch self {
        case let .io(operation, path, code):
            return "\(operation) failed for \(path): \(String(cString: strerror(code))) (errno \(code))"
        case let .corruptRecord(file, offset, reason):
            return "corrupt journal record in \(file) at byte offset \(offset): \(reason)"
        case let .sequenceGap(file, offset, expected, found):
            return "journal sequence gap in \(file) at byte offset \(offset): expected \(expected), found \(found)"
        case let .missingRecords(requestedFrom, firstAvailable):
            return "journal replay requested from sequence \(requestedFrom) but the oldest segment starts at \(firstAvailable)"
        case let .segmentConflict(file, startingAfter):
            return "journal segment \(file) conflicts with continuing after sequence \(startingAfter)"
        case let .payloadTooLarge(size, limit):
            return "journal payload of \(size) bytes exceeds the limit of \(limit) bytes"
        case .writerClosed:
            return "journal writer is closed"
        case let .writerFailed(underlying):
            return "journal writer is unusable after an earlier failure: \(underlying)"
        case let .corruptSnapshot(file, reason):
            return "corrupt snapshot \(file): \(reason)"
        }
    }
}
