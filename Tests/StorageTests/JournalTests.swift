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

    /// Byte offsets of the records and commit markers of a format-2 segment.
    static func layout(_ url: URL) throws -> (records: [Int], markers: [Int]) {
        let bytes = [UInt8](try Data(contentsOf: url))
        var offset = JournalSegmentHeader.size
        var records: [Int] = [], markers: [Int] = []
        while offset < bytes.count {
            let word = bytes[offset..<(offset + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) }
            if word == JournalCommitMarker.magic {
                markers.append(offset)
                offset += JournalCommitMarker.size
            } else {
                let length = bytes[(offset + 4)..<(offset + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
                records.append(offset)
                offset += JournalRecord.encodedSize(payloadCount: length)
            }
        }
        return (records, markers)
    }

    @Test func tornTailAtEveryOffsetOfTheLastBatch() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = directory.url.appendingPathComponent("source")
        // Batches 1-13, 14-26, 27-39, then record 40 alone.
        try Self.write(source, after: 0, through: 40, batch: 13, segmentSize: 1 << 20)
        let segment = source.appendingPathComponent(JournalSegment.fileName(firstSequence: 1))
        let full = try Data(contentsOf: segment)
        let markers = try Self.layout(segment).markers
        #expect(markers.count == 4)
        let lastStart = markers[2] + JournalCommitMarker.size
        let lastSize = full.count - lastStart
        #expect(lastSize == JournalRecord.encodedSize(payloadCount: Self.payload(40).count) + JournalCommitMarker.size)

        let work = directory.url.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let file = work.appendingPathComponent(segment.lastPathComponent)
        let reader = JournalReader(directory: work)
        for cut in lastStart..<full.count {
            try full.prefix(cut).write(to: file)
            let (records, summary) = try reader.readAll()
            // Record 40 may be intact, but without its marker it was never committed.
            Self.expectRecords(records, 1...39)
            #expect(summary.lastSequence == 39)
            if cut == lastStart {
                #expect(summary.tornTail == nil)
            } else {
                let torn = try #require(summary.tornTail)
                #expect(torn.offset == UInt64(lastStart))
                #expect(torn.discardedBytes == UInt64(cut - lastStart))
                #expect(torn.firstSequence == 40)
            }
        }

        // After cutting the tail, a writer continues cleanly.
        try full.prefix(full.count - 3).write(to: file)
        let before = try Data(contentsOf: file)
        let found = try #require(try reader.tornTail())
        #expect(try Data(contentsOf: file) == before, "finding a torn tail writes nothing")
        let removed = try #require(try reader.truncateTornTail())
        #expect(removed == found)
        #expect(removed.discardedBytes == UInt64(lastSize - 3))
        #expect(try reader.truncateTornTail() == nil)
        #expect(try Data(contentsOf: file).count == lastStart)
        try Self.write(work, after: 39, through: 60, segmentSize: 1 << 20)
        let after = try reader.readAll()
        Self.expectRecords(after.records, 1...60)
        #expect(after.summary.tornTail == nil)
    }

    @Test func zerosAfterTheLastBatchAreATornTailButGarbageIsDamage() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(directory.url, after: 0, through: 25, segmentSize: 1 << 20)
        let file = directory.url.appendingPathComponent(JournalSegment.fileName(firstSequence: 1))
        let intact = try Data(contentsOf: file)
        let reader = JournalReader(directory: directory.url)
        try (intact + Data(count: 4096)).write(to: file)
        let (records, summary) = try reader.readAll()
        Self.expectRecords(records, 1...25)
        #expect(summary.tornTail?.offset == UInt64(intact.count))
        #expect(summary.tornTail?.discardedBytes == 4096)

        try (intact + Data((0..<100).map { UInt8($0 * 7 % 256) })).write(to: file)
        do {
            _ = try reader.readAll()
            Issue.record("garbage after the last batch must be refused")
        } catch let JournalError.corruptRecord(path, offset, sequence, reason) {
            #expect(path == file.path && offset == UInt64(intact.count) && sequence == 26)
            #expect(reason.contains("bad magic"))
        }
    }

    @Test func damageInAMiddleSegmentIsAHardErrorWithFileOffsetAndSequence() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(directory.url, after: 0, through: 2000, segmentSize: 8 << 10)
        let reader = JournalReader(directory: directory.url)
        let segments = try reader.segments()
        #expect(segments.count >= 4)
        let victim = segments[segments.count / 2]

        // Flip a byte in the payload of the third record of the victim segment.
        let recordStart = try Self.layout(victim.url).records[2]
        var bytes = try Data(contentsOf: victim.url)
        bytes[recordStart + JournalRecord.headerSize] ^= 0x40
        try bytes.write(to: victim.url)

        do {
            _ = try reader.readAll()
            Issue.record("expected a corruption error")
        } catch let JournalError.corruptRecord(file, offset, sequence, reason) {
            #expect(file == victim.url.path)
            #expect(offset == UInt64(recordStart))
            #expect(sequence == victim.firstSequence) // the batch of 17 starting there cannot be trusted
            #expect(reason.contains("checksum"))
        }
        // Reading from after the damaged segment does not touch it.
        let later = segments[segments.count / 2 + 1].firstSequence
        #expect(try reader.readAll(from: later).records.first?.sequence == later)
    }

    /// The issue-12 fault: a flipped length in the middle of the newest segment made the
    /// rest look like a torn tail, and recovery cut acknowledged records.
    @Test func aDamagedHeaderInTheNewestSegmentIsNotATornTail() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write(directory.url, after: 0, through: 300, segmentSize: 1 << 20)
        let file = directory.url.appendingPathComponent(JournalSegment.fileName(firstSequence: 1))
        let records = try Self.layout(file).records
        let original = try Data(contentsOf: file)
        for (field, offset, mask) in [("magic", 0, UInt8(0x01)), ("length", 6, 0x01), ("length", 4, 0x01), ("sequence", 9, 0x01)] {
            var bytes = original
            bytes[records[150] + offset] ^= mask
            try bytes.write(to: file)
            #expect(throws: JournalError.self, "flipped \(field)") { _ = try JournalReader(directory: directory.url).readAll() }
            #expect(throws: JournalError.self, "flipped \(field)") { _ = try JournalReader(directory: directory.url).truncateTornTail() }
            #expect(try Data(contentsOf: file) == bytes, "flipped \(field): nothing cut")
        }
    }

    @Test func anIntactRecordAfterAnUncommittedOneIsNotDelivered() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try JournalWriter(directory: directory.url, startingAfter: 0)
        try writer.append(timestamp: 1000, payload: Self.payload(1))
        try writer.sync()
        writer.close()
        // A batch written without its marker (its fsync never returned): two intact records.
        let file = directory.url.appendingPathComponent(JournalSegment.fileName(firstSequence: 1))
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: JournalRecord(sequence: 2, timestamp: 2000, payload: Self.payload(2)).encoded()
                         + JournalRecord(sequence: 3, timestamp: 3000, payload: Self.payload(3)).encoded())
        try handle.close()
        let (records, summary) = try JournalReader(directory: directory.url).readAll()
        Self.expectRecords(records, 1...1)
        #expect(summary.lastSequence == 1)
        #expect(summary.tornTail?.firstSequence == 2)
    }

    @Test func aFullBatchIsCommittedBeforeTheNextRecord() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try JournalWriter(directory: directory.url, startingAfter: 0, maxBatchBytes: 1024)
        for sequence in UInt64(1)...40 { try writer.append(timestamp: Int64(sequence) * 1000, payload: Self.payload(sequence)) }
        #expect(writer.lastDurableSequence > 0, "appends beyond one batch commit the full batch")
        #expect(writer.pendingBytes + JournalCommitMarker.size <= 1024)
        try writer.sync()
        writer.close()
        let file = directory.url.appendingPathComponent(JournalSegment.fileName(firstSequence: 1))
        let (records, markers) = try Self.layout(file)
        #expect(records.count == 40)
        var start = JournalSegmentHeader.size
        for marker in markers {
            #expect(marker + JournalCommitMarker.size - start <= 1024)
            start = marker + JournalCommitMarker.size
        }
        Self.expectRecords(try JournalReader(directory: directory.url).readAll().records, 1...40)
        #expect(throws: JournalError.payloadTooLarge(size: 1024, limit: 1024 - 32 - 28)) {
            let w = try JournalWriter(directory: directory.url, startingAfter: 40, maxBatchBytes: 1024)
            try w.append(timestamp: 0, payload: [UInt8](repeating: 1, count: 1024))
        }
    }

    @Test func formatOneSegmentsAreStillRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Format 1: records from offset 0, no header, no markers.
        let old = (1...20).flatMap { JournalRecord(sequence: UInt64($0), timestamp: Int64($0) * 1000, payload: Self.payload(UInt64($0))).encoded() }
        let file = directory.url.appendingPathComponent(JournalSegment.fileName(firstSequence: 1))
        try Data(old + Array(JournalRecord(sequence: 21, timestamp: 0, payload: [1, 2, 3]).encoded().prefix(10))).write(to: file)
        let reader = JournalReader(directory: directory.url)
        let (records, summary) = try reader.readAll()
        Self.expectRecords(records, 1...20)
        #expect(summary.tornTail?.offset == UInt64(old.count))
        try reader.truncateTornTail()
        try Self.write(directory.url, after: 20, through: 30, segmentSize: 1 << 20)
        Self.expectRecords(try reader.readAll().records, 1...30)
        // Damage inside a format-1 segment is damage, not a tail.
        var bytes = try Data(contentsOf: file)
        bytes[100] ^= 0x01
        try bytes.write(to: file)
        #expect(throws: JournalError.self) { _ = try reader.readAll() }
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

    @Test func headerAndMarkerMatchTheDocumentedLayout() {
        let header = JournalSegmentHeader(firstSequence: 0x0102, maxBatchBytes: 4096).encoded()
        #expect(header.count == 32)
        #expect(Array(header[0..<4]) == Array("HRS2".utf8))
        #expect(Array(header[4..<8]) == [2, 0, 0, 0])
        #expect(Array(header[8..<16]) == [0x02, 0x01, 0, 0, 0, 0, 0, 0])
        #expect(Array(header[16..<20]) == [0, 0x10, 0, 0])
        #expect(Array(header[20..<28]) == [UInt8](repeating: 0, count: 8))
        let headerCRC = CRC32C.checksum(Array(header[0..<28]))
        #expect(Array(header[28..<32]) == [UInt8(headerCRC & 0xFF), UInt8(headerCRC >> 8 & 0xFF), UInt8(headerCRC >> 16 & 0xFF), UInt8(headerCRC >> 24)])

        let marker = JournalCommitMarker(batchBytes: 60, firstSequence: 7, lastSequence: 8, recordsCRC: 0xA1B2C3D4).encoded()
        #expect(marker.count == 32)
        #expect(Array(marker[0..<4]) == Array("HRC1".utf8))
        #expect(Array(marker[4..<8]) == [60, 0, 0, 0])
        #expect(Array(marker[8..<16]) == [7, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(marker[16..<24]) == [8, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(marker[24..<28]) == [0xD4, 0xC3, 0xB2, 0xA1])
        let markerCRC = CRC32C.checksum(Array(marker[0..<28]))
        #expect(Array(marker[28..<32]) == [UInt8(markerCRC & 0xFF), UInt8(markerCRC >> 8 & 0xFF), UInt8(markerCRC >> 16 & 0xFF), UInt8(markerCRC >> 24)])
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
