import Foundation
import Testing
@testable import Storage

@Suite struct SnapshotStoreTests {
    static func snapshot(_ sequence: UInt64, size: Int = 1000) -> Snapshot {
        Snapshot(
            sequence: sequence,
            stateHash: (0..<32).map { UInt8(truncatingIfNeeded: Int(sequence) + $0) },
            payload: (0..<size).map { UInt8(truncatingIfNeeded: Int(sequence) &* 13 &+ $0) }
        )
    }

    @Test func roundTripAndNewestIsChosen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = SnapshotStore(directory: directory.url.appendingPathComponent("snapshots"))
        #expect(try store.loadNewest() == nil)
        try store.write(Self.snapshot(100))
        try store.write(Self.snapshot(250, size: 0))
        try store.write(Self.snapshot(180))
        #expect(try store.loadNewest() == Self.snapshot(250, size: 0))
        let url = store.directory.appendingPathComponent("snapshot-00000000000000000100.bin")
        #expect(try store.load(from: url) == Self.snapshot(100))
    }

    @Test func corruptNewestIsSkipped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = SnapshotStore(directory: directory.url)
        try store.write(Self.snapshot(10))
        try store.write(Self.snapshot(20))
        let newest = try store.write(Self.snapshot(30))

        var bytes = try Data(contentsOf: newest)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: newest)
        var skipped: [JournalError] = []
        #expect(try store.loadNewest { skipped.append($0) } == Self.snapshot(20))
        #expect(skipped == [.corruptSnapshot(file: newest.path, reason: "checksum mismatch")])

        // A truncated file and a file whose contents belong to another sequence are skipped too.
        let middle = store.directory.appendingPathComponent(SnapshotStore.fileName(sequence: 20))
        try Data(try Data(contentsOf: middle).dropLast(1)).write(to: middle)
        #expect(try store.loadNewest() == Self.snapshot(10))
        let oldest = store.directory.appendingPathComponent(SnapshotStore.fileName(sequence: 10))
        try FileManager.default.moveItem(at: oldest, to: store.directory.appendingPathComponent(SnapshotStore.fileName(sequence: 5)))
        #expect(try store.loadNewest() == nil)
    }

    @Test func pruningKeepsTheNewest() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = SnapshotStore(directory: directory.url, retainCount: 3)
        for sequence in [5, 1, 9, 3, 7] as [UInt64] {
            try store.write(Self.snapshot(sequence))
        }
        #expect(try store.list().map(\.sequence) == [9, 7, 5])
        // A stale temporary file from a crashed write is removed at the next write.
        let stale = store.directory.appendingPathComponent(SnapshotStore.fileName(sequence: 11) + ".tmp")
        #expect(FileManager.default.createFile(atPath: stale.path, contents: Data([1, 2, 3])))
        try store.write(Self.snapshot(12))
        #expect(try store.list().map(\.sequence) == [12, 9, 7])
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path).count == 3)
    }

    @Test func fileLayoutIsAsDocumented() {
        let bytes = SnapshotStore.encode(Self.snapshot(0x0102, size: 3))
        #expect(bytes.count == 52 + 3 + 4)
        #expect(Array(bytes[0..<4]) == Array("HSN1".utf8))
        #expect(Array(bytes[4..<12]) == [0x02, 0x01, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[44..<52]) == [3, 0, 0, 0, 0, 0, 0, 0])
    }
}
