/// The first 32 bytes of every journal segment written by format version 2.
///
/// ```
/// offset  size  field
///      0     4  magic          0x32535248 ("HRS2" in file byte order)
///      4     4  version        UInt32, 2
///      8     8  firstSequence  UInt64, the sequence of the segment's first record (= file name)
///     16     4  maxBatchBytes  UInt32, the most bytes one group-commit batch may occupy
///     20     8  reserved       zero
///     28     4  checksum       CRC-32C of bytes 0 ..< 28
/// ```
///
/// `maxBatchBytes` is what lets recovery tell a torn tail from damage: nothing after the
/// last commit marker can be longer than one batch, because the writer never writes the
/// next batch before the previous one's fsync returned (docs/JOURNAL.md).
/// Segments without this header (format 1, records from offset 0) are still read.
public struct JournalSegmentHeader: Sendable, Equatable {
    /// The sequence of the segment's first record.
    public let firstSequence: UInt64
    /// The largest group-commit batch (records and commit marker) the writer produced.
    public let maxBatchBytes: Int

    public init(firstSequence: UInt64, maxBatchBytes: Int) {
        precondition(maxBatchBytes > 0 && maxBatchBytes <= Int(UInt32.max), "maxBatchBytes out of range")
        self.firstSequence = firstSequence
        self.maxBatchBytes = maxBatchBytes
    }

    /// "HRS2" in file byte order.
    public static let magic: UInt32 = 0x3253_5248
    /// The journal format version this header introduces.
    public static let version: UInt32 = 2
    /// Bytes the header occupies at the start of the segment.
    public static let size = 32

    /// This header in its on-disk form.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.size)
        bytes.appendLittleEndian(Self.magic)
        bytes.appendLittleEndian(Self.version)
        bytes.appendLittleEndian(firstSequence)
        bytes.appendLittleEndian(UInt32(maxBatchBytes))
        bytes.append(contentsOf: [UInt8](repeating: 0, count: 8))
        bytes.appendLittleEndian(CRC32C.checksum(bytes))
        return bytes
    }

    /// Decodes a header from the first `size` bytes of `bytes`; the reason when they are not one.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> Result<JournalSegmentHeader, HeaderProblem> {
        guard bytes.count >= size else { return .failure(.init(reason: "segment header cut short: \(bytes.count) of \(size) bytes")) }
        let found = bytes.loadLittleEndianUInt32(at: 0)
        guard found == magic else { return .failure(.init(reason: "bad segment magic 0x\(String(found, radix: 16))")) }
        let stored = bytes.loadLittleEndianUInt32(at: 28)
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<28]))
        guard stored == computed else {
            return .failure(.init(reason: "segment header checksum mismatch (stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16)))"))
        }
        let version = bytes.loadLittleEndianUInt32(at: 4)
        guard version == Self.version else { return .failure(.init(reason: "unknown journal format version \(version)")) }
        let maxBatch = Int(bytes.loadLittleEndianUInt32(at: 16))
        guard maxBatch > 0 else { return .failure(.init(reason: "segment header gives a zero batch bound")) }
        return .success(JournalSegmentHeader(firstSequence: bytes.loadLittleEndianUInt64(at: 8), maxBatchBytes: maxBatch))
    }

    /// Why the bytes at the start of a segment are not a valid header.
    struct HeaderProblem: Error {
        let reason: String
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

extension UnsafeRawBufferPointer {
    func loadLittleEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    func loadLittleEndianUInt64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Whether every byte in `range` is zero (pages a crash left unwritten read as zeros).
    func allZero(_ range: Range<Int>) -> Bool {
        for index in range where self[index] != 0 { return false }
        return true
    }
}
