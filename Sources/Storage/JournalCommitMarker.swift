/// The 32 bytes the writer appends after the records of every group-commit batch, in the
/// same `write` as the records and before the one fsync that makes the batch durable.
///
/// ```
/// offset  size  field
///      0     4  magic          0x31435248 ("HRC1" in file byte order)
///      4     4  batchBytes     UInt32, bytes of the batch's records (the marker excluded)
///      8     8  firstSequence  UInt64, the batch's first record
///     16     8  lastSequence   UInt64, the batch's last record
///     24     4  recordsCRC     CRC-32C over the records' own checksums, in order
///     28     4  checksum       CRC-32C of bytes 0 ..< 28
/// ```
///
/// A batch counts as committed only when its marker is intact and agrees with the records
/// before it (their byte length, first and last sequence and checksums). Records after the
/// last committed batch were never acknowledged; anything else that fails to read is
/// damage (docs/JOURNAL.md).
public struct JournalCommitMarker: Sendable, Equatable {
    public let batchBytes: Int
    public let firstSequence: UInt64
    public let lastSequence: UInt64
    public let recordsCRC: UInt32

    public init(batchBytes: Int, firstSequence: UInt64, lastSequence: UInt64, recordsCRC: UInt32) {
        self.batchBytes = batchBytes
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.recordsCRC = recordsCRC
    }

    /// "HRC1" in file byte order.
    public static let magic: UInt32 = 0x3143_5248
    /// Bytes a marker occupies.
    public static let size = 32

    /// Appends this marker in its on-disk form to `buffer`.
    func append(to buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.appendLittleEndian(Self.magic)
        buffer.appendLittleEndian(UInt32(batchBytes))
        buffer.appendLittleEndian(firstSequence)
        buffer.appendLittleEndian(lastSequence)
        buffer.appendLittleEndian(recordsCRC)
        let crc = buffer.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        buffer.appendLittleEndian(crc)
    }

    /// This marker in its on-disk form.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        append(to: &bytes)
        return bytes
    }

    /// The marker at `offset`, if `size` bytes there carry the marker magic and a matching
    /// checksum; nil otherwise (the caller knows whether a marker was expected there).
    static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> JournalCommitMarker? {
        guard offset >= 0, bytes.count - offset >= size, bytes.loadLittleEndianUInt32(at: offset) == magic else { return nil }
        let stored = bytes.loadLittleEndianUInt32(at: offset + 28)
        guard stored == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 28)])) else { return nil }
        return JournalCommitMarker(
            batchBytes: Int(bytes.loadLittleEndianUInt32(at: offset + 4)),
            firstSequence: bytes.loadLittleEndianUInt64(at: offset + 8),
            lastSequence: bytes.loadLittleEndianUInt64(at: offset + 16),
            recordsCRC: bytes.loadLittleEndianUInt32(at: offset + 24)
        )
    }

    /// Continues the running checksum of a batch with one record's stored checksum.
    static func accumulate(_ recordChecksum: UInt32, into running: UInt32) -> UInt32 {
        withUnsafeBytes(of: recordChecksum.littleEndian) { CRC32C.checksum($0, continuing: running) }
    }
}
