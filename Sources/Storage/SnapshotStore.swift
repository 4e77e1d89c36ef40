import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps engine snapshots on disk: written atomically, loaded newest-valid-first, and pruned
/// to the newest `retainCount`.
///
/// Each snapshot is one file `snapshot-<sequence, 20 digits>.bin`, little-endian:
///
/// ```
/// offset  size  field
///      0     4  magic        0x314E5348 ("HSN1" in file byte order)
///      4     8  sequence     UInt64, must match the file name
///     12    32  state hash
///     44     8  length       payload length (UInt64)
///     52     n  payload
///   52+n     4  checksum     CRC-32C of bytes 0 ..< 52+n
/// ```
///
/// A write goes to `snapshot-<sequence>.bin.tmp`, is fsynced, renamed into place, and the
/// directory is fsynced, so a crash leaves either the old set or the new snapshot complete.
/// Meant for one writer (the engine's snapshot task); reading concurrently is safe.
public struct SnapshotStore: Sendable {
    /// Where the snapshots live.
    public let directory: URL
    /// How many snapshots `write` keeps (the newest ones).
    public let retainCount: Int

    static let magic: UInt32 = 0x314E_5348
    static let headerSize = 52

    /// A store in `directory` (created on first write) keeping the newest `retainCount`.
    public init(directory: URL, retainCount: Int = 3) {
        precondition(retainCount >= 1, "retainCount must be at least 1")
        self.directory = directory
        self.retainCount = retainCount
    }

    /// The file name of the snapshot covering `sequence`.
    public static func fileName(sequence: UInt64) -> String {
        let digits = String(sequence)
        return "snapshot-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".bin"
    }

    /// The sequence encoded in a snapshot file name, or nil if `name` is not one.
    public static func sequence(fromFileName name: String) -> UInt64? {
        guard name.hasPrefix("snapshot-"), name.hasSuffix(".bin") else { return nil }
        let digits = name.dropFirst("snapshot-".count).dropLast(".bin".count)
        guard digits.count == 20, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    /// Snapshot files on disk, newest first (valid or not).
    public func list() throws -> [(sequence: UInt64, url: URL)] {
        guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return names.compactMap { name in
            Self.sequence(fromFileName: name).map { ($0, directory.appendingPathComponent(name)) }
        }.sorted { $0.sequence > $1.sequence }
    }

    /// Writes `snapshot` durably and atomically, then prunes to the newest `retainCount`.
    /// Returns the file written.
    @discardableResult
    public func write(_ snapshot: Snapshot) throws -> URL {
        if !FileManager.default.fileExists(atPath: directory.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try POSIXFile.syncDirectory(directory.deletingLastPathComponent().path)
        }
        let final = directory.appendingPathComponent(Self.fileName(sequence: snapshot.sequence))
        let temporary = directory.appendingPathComponent(final.lastPathComponent + ".tmp")
        let bytes = Self.encode(snapshot)

        let fd = try POSIXFile.open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try bytes.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: temporary.path) }
            try POSIXFile.syncData(fd, path: temporary.path)
        } catch {
            POSIXFile.closeQuietly(fd)
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        POSIXFile.closeQuietly(fd)
        if rename(temporary.path, final.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw JournalError.io(operation: "rename", path: final.path, errno: code)
        }
        try POSIXFile.syncDirectory(directory.path)
        try prune()
        return final
    }

    /// The newest snapshot that reads back intact, or nil if there is none. Damaged files
    /// are skipped and reported to `onSkip`.
    public func loadNewest(onSkip: (JournalError) -> Void = { _ in }) throws -> Snapshot? {
        for (_, url) in try list() {
            do {
                return try load(from: url)
            } catch let error as JournalError {
                onSkip(error)
            }
        }
        return nil
    }

    /// Reads and verifies one snapshot file.
    public func load(from url: URL) throws -> Snapshot {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw JournalError.corruptSnapshot(file: url.path, reason: "unreadable: \(error)")
        }
        return try data.withUnsafeBytes { try Self.decode($0, file: url) }
    }

    /// Deletes all but the newest `retainCount` snapshots, and leftover temporary files.
    public func prune() throws {
        let snapshots = try list()
        var removed = false
        for (_, url) in snapshots.dropFirst(retainCount) {
            try FileManager.default.removeItem(at: url)
            removed = true
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path)
        where name.hasPrefix("snapshot-") && name.hasSuffix(".bin.tmp") {
            try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
            removed = true
        }
        if removed { try POSIXFile.syncDirectory(directory.path) }
    }

    static func encode(_ snapshot: Snapshot) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize + snapshot.payload.count + 4)
        withUnsafeBytes(of: magic.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: snapshot.sequence.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: snapshot.stateHash)
        withUnsafeBytes(of: UInt64(snapshot.payload.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: snapshot.payload)
        let crc = CRC32C.checksum(bytes)
        withUnsafeBytes(of: crc.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, file: URL) throws -> Snapshot {
        func corrupt(_ reason: String) -> JournalError { .corruptSnapshot(file: file.path, reason: reason) }
        guard bytes.count >= headerSize + 4 else { throw corrupt("only \(bytes.count) bytes") }
        guard UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self)) == magic else { throw corrupt("bad magic") }
        let sequence = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt64.self))
        let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 44, as: UInt64.self))
        guard length == UInt64(bytes.count - headerSize - 4) else {
            throw corrupt("payload length \(length) does not match file size \(bytes.count)")
        }
        let end = headerSize + Int(length)
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: end, as: UInt32.self))
        guard stored == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<end])) else {
            throw corrupt("checksum mismatch")
        }
        if let named = Self.sequence(fromFileName: file.lastPathComponent), named != sequence {
            throw corrupt("holds sequence \(sequence) but is named for \(named)")
        }
        return Snapshot(
            sequence: sequence,
            stateHash: Array(bytes[12..<44]),
            payload: Array(bytes[headerSize..<end])
        )
    }
}
