import Foundation
import Testing
@testable import Storage

/// The recovery sequence the gateway performs at start-up: newest snapshot, truncate the torn
/// tail, replay the journal after the snapshot, continue writing.
@Suite struct RecoveryFlowTests {
    @Test func snapshotPlusJournalTailAfterACrash() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = directory.url.appendingPathComponent("journal")
        let snapshots = SnapshotStore(directory: directory.url.appendingPathComponent("snapshots"))

        // Before the crash: 100 records, a snapshot at 60, and a half-written record 101.
        try JournalTests.write(journal, after: 0, through: 100, batch: 10, segmentSize: 2 << 10)
        try snapshots.write(Snapshot(sequence: 60, stateHash: [UInt8](repeating: 7, count: 32), payload: [1, 2, 3]))
        let last = try #require(try JournalReader(directory: journal).segments().last)
        let handle = try FileHandle(forWritingTo: last.url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Array(JournalRecord(sequence: 101, timestamp: 0, payload: [9, 9, 9]).encoded().prefix(20)))
        try handle.close()

        // Recovery.
        let snapshot = try #require(try snapshots.loadNewest())
        #expect(snapshot.sequence == 60)
        let reader = JournalReader(directory: journal)
        let torn = try #require(try reader.truncateTornTail())
        #expect(torn.discardedBytes == 20)
        var replayed: [UInt64] = []
        let summary = try reader.forEach(from: snapshot.sequence + 1) { sequence, _, payload in
            #expect(Array(payload) == JournalTests.payload(sequence))
            replayed.append(sequence)
        }
        #expect(replayed == Array(61...100))
        #expect(summary.tornTail == nil)
        let resumeAfter = max(summary.lastSequence ?? 0, snapshot.sequence)
        #expect(resumeAfter == 100)

        // Writing continues with 101 and everything reads back.
        try JournalTests.write(journal, after: resumeAfter, through: 120, segmentSize: 2 << 10)
        JournalTests.expectRecords(try reader.readAll().records, 1...120)
    }
}
