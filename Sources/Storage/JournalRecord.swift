/// One entry of the command journal: a sequence number, the sequencer's timestamp, and an
/// opaque payload (the engine's encoded command).
///
/// On-disk framing, all integers little-endian. Records are packed back to back in a
/// segment after its `JournalSegmentHeader`, each group-commit batch followed by a
/// `JournalCommitMarker` (the whole format: docs/JOURNAL.md):
///
/// ```
/// offset  size  field
///      0     4  magic        0x314A5248 ("HRJ1" in file byte order)
///      4     4  length       payload length in bytes (UInt32, at most maxPayloadSize)
///      8     8  sequence     UInt64, exactly one more than the previous record
///     16     8  timestamp    Int64, milliseconds since the Unix epoch
///     24     n  payload      `length` opaque bytes
///   24+n     4  checksum     CRC-32C of bytes 0 ..< 24+n (header and payload)
/// ```
///
/// A record therefore occupies `28 + length` bytes. The checksum covers the header, so a
/// damaged length or sequence is detected like damaged payload. Whether a record that
/// fails to read is a torn write or damage is decided by where it is relative to the last
/// commit marker (`JournalReader`), never by the record alone.
public struct JournalRecord: Sendable, Equatable {
    /// The sequence number; strictly increasing by one across the whole journal.
    public var sequence: UInt64
    /// Milliseconds since the Unix epoch, assigned by the sequencer.
    public var timestamp: Int64
    /// Opaque bytes; the journal never interprets them.
    public var payload: [UInt8]

    public init(sequence: UInt64, timestamp: Int64, payload: [UInt8]) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.payload = payload
    }

    /// The first four bytes of every record.
    public static let magic: UInt32 = 0x314A_5248
    /// Bytes before the payload: magic, length, sequence, timestamp.
    public static let headerSize = 24
    /// Bytes after the payload: the checksum.
    public static let trailerSize = 4
    /// The largest payload a record may carry (1 MiB; a command is a few hundred bytes);
    /// longer lengths are treated as damage.
    public static let maxPayloadSize = 1 << 20

    /// Bytes a record with a payload of `payloadCount` bytes occupies on disk.
    public static func encodedSize(payloadCount: Int) -> Int {
        headerSize + payloadCount + trailerSize
    }

    /// This record in its on-disk framing.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.encodedSize(payloadCount: payload.count))
        payload.withUnsafeBytes {
            Self.append(sequence: sequence, timestamp: timestamp, payload: $0, to: &bytes)
        }
        return bytes
    }

    /// Appends the framing of one record to `buffer` and returns its checksum. The caller
    /// checks the payload size.
    @discardableResult
    static func append(sequence: UInt64, timestamp: Int64, payload: UnsafeRawBufferPointer, to buffer: inout [UInt8]) -> UInt32 {
        let start = buffer.count
        withUnsafeBytes(of: magic.littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: sequence.littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: timestamp.littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: payload)
        let crc = buffer.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        withUnsafeBytes(of: crc.littleEndian) { buffer.append(contentsOf: $0) }
        return crc
    }

    /// What is found at one offset of a segment.
    enum Frame {
        /// An intact record; the payload is `payloadCount` bytes at `payloadOffset`.
        case record(sequence: UInt64, timestamp: Int64, payloadOffset: Int, payloadCount: Int, size: Int, checksum: UInt32)
        /// The bytes end before the record does.
        case truncated(reason: String)
        /// The record is complete in length but damaged; `size` is its claimed size when the
        /// length field was plausible.
        case corrupt(reason: String, size: Int?)
    }

    /// Decodes the record starting at `offset` in `bytes` without copying the payload.
    static func frame(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Frame {
        let available = bytes.count - offset
        guard available >= headerSize else {
            return .truncated(reason: "\(available) bytes left, fewer than a record header")
        }
        let magicFound = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        guard magicFound == magic else {
            return .corrupt(reason: "bad magic 0x\(String(magicFound, radix: 16))", size: nil)
        }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        guard length <= maxPayloadSize else {
            return .corrupt(reason: "implausible payload length \(length)", size: nil)
        }
        let size = headerSize + length + trailerSize
        guard available >= size else {
            return .truncated(reason: "record of \(size) bytes but only \(available) bytes left")
        }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + headerSize + length, as: UInt32.self))
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + headerSize + length)]))
        guard stored == computed else {
            return .corrupt(
                reason: "checksum mismatch (stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16)))",
                size: size
            )
        }
        let sequence = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        let timestamp = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 16, as: Int64.self))
        return .record(sequence: sequence, timestamp: timestamp, payloadOffset: offset + headerSize, payloadCount: length, size: size, checksum: stored)
    }
}
