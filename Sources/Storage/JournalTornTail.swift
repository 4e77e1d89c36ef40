import Foundation

/// The damaged end of the last journal segment, left by a crash in the middle of a write.
///
/// The bytes from `offset` to the end of `file` never completed an fsync, so no record in
/// them was acknowledged; they are skipped by the reader and removed by
/// `JournalReader.truncateTornTail()`.
public struct JournalTornTail: Sendable, Equatable {
    /// The segment holding the damaged tail (always the last segment).
    public let file: URL
    /// Byte offset of the first damaged record; everything before it is intact.
    public let offset: UInt64
    /// Number of bytes from `offset` to the end of the file.
    public let discardedBytes: UInt64
    /// Why the record at `offset` was rejected.
    public let reason: String

    public init(file: URL, offset: UInt64, discardedBytes: UInt64, reason: String) {
        self.file = file
        self.offset = offset
        self.discardedBytes = discardedBytes
        self.reason = reason
    }
}
