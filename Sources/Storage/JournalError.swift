#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything that can go wrong while writing or reading the journal and snapshots.
///
/// Corruption errors name the file, the byte offset of the damage and the first sequence
/// that cannot be read, so an operator can inspect it (docs/OPERATOR.md, "A damaged
/// journal"). A genuine torn tail — bytes after the last commit marker of the newest
/// segment, no longer than one batch, ending in a write cut short — is *not* an error (it
/// is reported as a `JournalTornTail`); anything else that fails to read is.
public enum JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed. `errno` is the raw error number.
    case io(operation: String, path: String, errno: Int32)
    /// Bytes that fail their framing or checksum and cannot be a torn tail. `sequence` is
    /// the first record that cannot be read (the first of the damaged batch).
    case corruptRecord(file: String, offset: UInt64, sequence: UInt64, reason: String)
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
        case let .corruptRecord(file, offset, sequence, reason):
            return "journal damaged in \(file) at byte offset \(offset), sequence \(sequence) onwards cannot be read: \(reason)"
                + " (nothing on disk was changed; see docs/OPERATOR.md, \"A damaged journal\")"
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
