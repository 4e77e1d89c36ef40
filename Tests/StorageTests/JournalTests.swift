import Foundation
import Testing
@testable import Storage

@Suite struct JournalTests {
    /// A deterministic payload for `sequence` whose length varies from 0 to 200 bytes.
    static func payload(_ sequence: UInt64) -> [UInt8] {
        let count = Int(sequence &* 37 % 201)
        return (0..<count).map { UInt8(truncatingIfNeeded: Int(sequence) &* 31 &+ $0) }
    }

    /// Writes records `first...last` in batches of `batch`, syncing after each batch.
    static func write(_ directory: URL, after start: UInt64, through last: UInt64, batch: Int = 17, segmentSize: Int) throws {
        let writer = try JournalWriter(directory: directory, startingAfter: start, segmentSizeLimit: segmentSize)
        var pending = 0
        for sequence in (start + 1)...last {
            let assigned = try writer.append(timestamp: Int64(sequence) * 1000, payload: payload(sequence))
            #expect(assigned == sequence)
            pending += 1
            if pending == batch {
                #expect(try writer.sync() == sequence)
                pending = 0
            }
        }
        try writer.sync()
        #expect(writer.lastDurableSequence == last)
        writer.close()
    }

    static func expectRecords(_ records: [JournalRecord], _ range: ClosedRange<UInt64>) {
        #expect(records.count == range.count)
        for (record, sequence) in zip(records, range) {
            #expect(record.sequence == sequence)
            #expect(record.timestamp == Int64(sequence) * 1000)
            #expect(record.payload == payload(sequence))
        }
    }

    @Test func roundTripAcrossSegmentRolls() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(directory.url, after: 0, through: 5000, segmentSize: 16 << 10)

        let reader = JournalReader(directory: directory.url)
        let segments = try reader.segments()
        #expect(segments.count > 10)
        #expect(segments.first?.firstSequence == 1)
        #expect(segments.first?.url.lastPathComponent == "journal-00000000000000000001.log")

        let (records, summary) = try reader.readAll()
        Self.expectRecords(records, 1...5000)
        #expect(summary == JournalReadSummary(recordsDelivered: 5000, lastSequence: 5000, tornTail: nil))

        // Starting in the middle skips earlier segments but still starts exactly at `from`.
        let tail = try reader.readAll(from: 4321)
        Self.expectRecords(tail.records, 4321...5000)
        #expect(tail.summary.lastSequence == 5000)
    }

    @Test func reopenAndContinueAppending() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(directory.url, after: 0, through: 300, segmentSize: 1 << 20)
        let reader = JournalReader(directory: directory.url)
        let last = try #require(try reader.forEach { _, _, _ in }.lastSequence)
        #expect(last == 300)
        try Self.write(directory.url, after: last, through: 650, segmentSize: 1 << 20)
        try Self.write(directory.url, after: 650, through: 651, segmentSize: 1 << 20)

        let (records, summary) = try reader.readAll()
        Self.expectRecords(records, 1...651)
        #expect(summary.lastSequence == 651)
        #expect(try reader.segments().map(\.firstSequence) == [1, 301, 651])
    }

    @Test func writerRefusesToStartBehindExistingRecords() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(directory.url, after: 0, through: 10, segmentSize: 1 << 20)
        try Self.write(directory.url, after: 10, through: 20, segmentSize: 1 << 20)
        // Continuing after 10 would collide with the segment starting at 11.
        #expect(throws: JournalError.segmentConflict(file: "journal-00000000000000000011.log", startingAfter: 10)) {
            _ = try JournalWriter(directory: directory.url, startingAfter: 10)
        }
        // Continuing after 5 would leave segments beyond it.
        #expect(throws: JournalError.self) {
            _ = try JournalWriter(directory: directory.url, startingAfter: 5)
        }
    }

    @Test func emptySegmentLeftByACrashIsReused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(directory.url, after: 0, through: 10, segmentSize: 1 << 20)
        let empty = directory.url.appendingPathComponent(JournalSegment.fileName(firstSequence: 11))
        #expect(FileManager.default.createFile(atPath: empty.path, contents: nil))
        let reader = JournalReader(directory: directory.url)
        #expect(try reader.forEach { _, _, _ in }.lastSequence == 10)
        try Self.write(directory.url, after: 10, through: 12, segmentSize: 1 << 20)
        Self.expectRecords(try reader.readAll().records, 1...12)
    }

    @Test func unsyncedAppendsAreNotWritten() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try JournalWriter(directory: directory.url, startingAfter: 0)
        try writer.append(timestamp: 1000, payload: Self.payload(1))
        try writer.sync()
        try writer.append(timestamp: 2000, payload: Self.payload(2))
        #expect(writer.pendingBytes > 0)
        #expect(writer.lastAppendedSequence == 2 && writer.lastDurableSequence == 1)
        writer.close()
        #expect(throws: JournalError.writerClosed) { try writer.append(timestamp: 0, payload: [UInt8]()) }
        Self.expectRecords(try JournalReader(directory: directory.url).readAll().records, 1...1)
    }

    @Test func tornTailAtEveryOffsetOfTheLastRecord() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = directory.url.appendingPathComponent("source")
        try Self.write(source, after: 0, through: 40, segmentSize: 1 << 20)
        let segment = source.appendingPathComponent(JournalSegment.fileName(firstSequence: 1))
        let full = try Data(contentsOf: segment)
        let lastSize = JournalRecord.encodedSize(payloadCount: Self.payload(40).count)
        let lastStart = full.count - lastSize

        let work = directory.url.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let file = work.appendingPathComponent(segment.lastPathComponent)
        let reader = JournalReader(directory: work)
        for cut in lastStart..<full.count {
            try full.prefix(cut).write(to: file)
            let (records, summary) = try reader.readAll()
            Self.expectRecords(records, 1...39)
            #expect(summary.lastSequence == 39)
            if cut == lastStart {
                #expect(summary.tornTail == nil)
            } else {
                let torn = try #require(summary.tornTail)
                #expect(torn.offset == UInt64(lastStart))
                #expect(torn.discardedBytes == UInt64(cut - lastStart))
            }
        }

        // After truncating the tail, a writer continues cleanly.
        try full.prefix(full.count - 3).write(to: file)
        let removed = try #require(try reader.truncateTornTail())
        #expect(removed.discardedBytes == UInt64(lastSize - 3))
        #expect(try reader.truncateTornTail() == nil)
        #expect(try Data(contentsOf: file).count == lastStart)
        try Self.write(work, after: 39, through: 60, segmentSize: 1 << 20)
        let after = try reader.readAll()
        Self.expectRecords(after.records, 1...60)
        #expect(after.summary.tornTail == nil)
    }

    @Test func garbageOrZerosAfterTheLastRecordAreATornTail() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(directory.url, after: 0, through: 25, segmentSize: 1 << 20)
        let file = directory.url.appendingPathComponent(JournalSegment.fileName(firstSequence: 1))
        let intact = try Data(contentsOf: file)
        let reader = JournalReader(directory: directory.url)
        for tail in [Data(count: 4096), Data((0..<100).map { UInt8($0 * 7 % 256) })] {
            try (intact + tail).write(to: file)
            let (records, summary) = try reader.readAll()
            Self.expectRecords(records, 1...25)
            #expect(summary.tornTail?.offset == UInt64(intact.count))
            #expect(summary.tornTail?.discardedBytes == UInt64(tail.count))
        }
    }

    @Test func damageInAMiddleSegmentIsAHardErrorWithFileAndOffset() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(directory.url, after: 0, through: 2000, segmentSize: 8 << 10)
        let reader = JournalReader(directory: directory.url)
        let segments = try reader.segments()
        #expect(segments.count >= 4)
        let victim = segments[segments.count / 2]

        // Locate the third record of the victim segment and flip a byte in its payload.
        var recordStart = 0
        for sequence in victim.firstSequence..<(victim.firstSequence + 2) {
            recordStart += JournalRecord.encodedSize(payloadCount: Self.payload(sequence).count)
        }
        var bytes = try Data(contentsOf: victim.url)
        bytes[recordStart + JournalRecord.headerSize] ^= 0x40
        try bytes.write(to: victim.url)

        do {
            _ = try reader.readAll()
            Issue.record("expected a corruption error")
        } catch let JournalError.corruptRecord(file, offset, reason) {
            #expect(file == victim.url.path)
            #expect(offset == UInt64(recordStart))
            #expect(reason.contains("checksum"))
        }
        // Reading from after the damaged segment does not touch it.
        let later = segments[segments.count / 2 + 1].firstSequence
        #expect(try reader.readAll(from: later).records.first?.sequence == later)
    }

    @Test func damagedRecordFollowedByIntactOnesInTheLastSegmentIsAHardError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(directory.url, after: 0, through: 30, segmentSize: 1 << 20)
        let file = directory.url.appendingPathComponent(JournalSegment.fileName(firstSequence: 1))
        var bytes = try Data(contentsOf: file)
        let offset = JournalRecord.encodedSize(payloadCount: Self.payload(1).count)
        bytes[offset + 9] ^= 0x01 // sequence field of record 2
        try bytes.write(to: file)
        #expect(throws: JournalError.self) { _ = try JournalReader(directory: directory.url).readAll() }
    }

    @Test func missingSegmentIsASequenceGap() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(directory.url, after: 0, through: 1000, segmentSize: 4 << 10)
        let reader = JournalReader(directory: directory.url)
        let segments = try reader.segments()
        try FileManager.default.removeItem(at: segments[2].url)
        #expect(throws: JournalError.sequenceGap(
            file: segments[3].url.path, offset: 0,
            expected: segments[2].firstSequence, found: segments[3].firstSequence
        )) { _ = try reader.readAll() }
        #expect(throws: JournalError.missingRecords(requestedFrom: 1, firstAvailable: 5)) {
            try FileManager.default.removeItem(at: segments[0].url)
            try FileManager.default.moveItem(
                at: segments[1].url,
                to: directory.url.appendingPathComponent(JournalSegment.fileName(firstSequence: 5))
            )
            _ = try reader.readAll()
        }
    }

    @Test func encodedRecordMatchesTheDocumentedLayout() {
        let record = JournalRecord(sequence: 0x0102, timestamp: -1, payload: [0xAA, 0xBB])
        let bytes = record.encoded()
        #expect(bytes.count == 30)
        #expect(Array(bytes[0..<4]) == Array("HRJ1".utf8))
        #expect(Array(bytes[4..<8]) == [2, 0, 0, 0])
        #expect(Array(bytes[8..<16]) == [0x02, 0x01, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[16..<24]) == [UInt8](repeating: 0xFF, count: 8))
        #expect(Array(bytes[24..<26]) == [0xAA, 0xBB])
        let crc = CRC32C.checksum(Array(bytes[0..<26]))
        #expect(Array(bytes[26..<30]) == [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)])
    }
}

@Suite struct JournalSegmentTests {
    @Test func namesRoundTrip() {
        #expect(JournalSegment.fileName(firstSequence: 42) == "journal-00000000000000000042.log")
        #expect(JournalSegment.fileName(firstSequence: .max) == "journal-18446744073709551615.log")
        #expect(JournalSegment.firstSequence(fromFileName: "journal-18446744073709551615.log") == .max)
        #expect(JournalSegment.firstSequence(fromFileName: "journal-42.log") == nil)
        #expect(JournalSegment.firstSequence(fromFileName: "snapshot-00000000000000000042.bin") == nil)
    }

    @Test func removesOnlySegmentsCoveredBySnapshot() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try JournalTests.write(directory.url, after: 0, through: 1000, segmentSize: 4 << 10)
        let segments = try JournalSegment.list(in: directory.url)
        let cut = segments[3].firstSequence + 1 // inside segment 3: segments 0...2 are covered
        let removed = try JournalSegment.removeSegments(in: directory.url, coveredThrough: cut)
        #expect(removed == Array(segments[0...2]))
        let reader = JournalReader(directory: directory.url)
        JournalTests.expectRecords(try reader.readAll(from: cut + 1).records, (cut + 1)...1000)
        // The last segment is never removed, even when fully covered.
        try JournalSegment.removeSegments(in: directory.url, coveredThrough: 5000)
        #expect(try JournalSegment.list(in: directory.url) == [segments.last!])
        #expect(try reader.forEach(from: 5001) { _, _, _ in }.lastSequence == 1000)
    }
}
