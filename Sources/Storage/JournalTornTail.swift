import Foundation

/// The unfinished end of the newest journal segment, left by a crash in the middle of a
/// group-commit write.
///
/// The bytes from `offset` to the end of `file` follow the last commit marker and are no
/// longer than one batch, so their fsync never returned and nothing in them was
/// acknowledged. The reader skips them; recovery removes them with
/// `JournalReader.remove(_:)` only after it has decided to start.
public struct JournalTornTail: Sendable, Equatable {
    /// The segment holding the unfinished tail (always the newest segment).
    public let file: URL
    /// Byte offset where the cut goes; everything before it is committed. It is 0 when the
    /// segment holds no committed batch, so the writer can reuse the empty file.
    public let offset: UInt64
    /// Number of bytes from `offset` to the end of the file.
    public let discardedBytes: UInt64
    /// The sequence the next committed record will carry (the tail's first record, if any).
    public let firstSequence: UInt64
    /// Why the bytes after the last commit marker are not a committed batch.
    public let reason: String

    public init(file: URL, offset: UInt64, discardedBytes: UInt64, firstSequence: UInt64, reason: String) {
        self.file = file
        self.offset = offset
        self.discardedBytes = discardedBytes
        self.firstSequence = firstSequence
        self.reason = reason
    }
}
