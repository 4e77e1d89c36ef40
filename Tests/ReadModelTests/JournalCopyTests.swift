import Foundation
import ReadModel
@testable import ReadModelPostgres
import Storage
import Synchronization
import Testing

/// The journal copy in PostgreSQL (OPS-4): records arrive whole and in order, with the
/// journal's CRC and the audit trail's hash; overlaps are skipped, gaps and changed records
/// refused; a copier that sees the stream skip a sequence catches up from the local journal
/// when it can read it (in bounded chunks, without a restart) and otherwise stops instead of
/// leaving a hole.
@Suite(.enabled(if: StoreKind.postgresURL != nil, "needs HARBOUR_TEST_POSTGRES_URL (scripts/test.sh sets it)"))
struct JournalCopyTests {
    static func entries(_ range: ClosedRange<UInt64>) -> [JournalCopier.Entry] {
        range.map { n in
            JournalCopier.Entry(sequence: n, timestamp: 1_767_225_600_000 + Int64(n), payload: Array("command \(n) 'x'\\".utf8) + [0, 255],
                                commandLine: #"{"type":"tick","ts":\#(n)}"#, eventLines: [#"{"type":"markPrice","seq":\#(n)}"#])
        }
    }

    static func replica() async throws -> JournalReplica {
        try await JournalReplica(url: try TestStore.freshSchema(try #require(StoreKind.postgresURL)))
    }

    @Test func copiedRecordsCarryTheJournalCRCAndTheAuditChain() async throws {
        let replica = try await Self.replica()
        defer { replica.close() }
        let copier = try await JournalCopier.resuming(replica, maxBatch: 7)
        let (stream, input) = AsyncStream.makeStream(of: JournalCopier.Entry.self)
        let task = Task { await copier.run(stream) }
        for e in Self.entries(1...30) + Self.entries(25...40) { input.yield(e) } // an overlap, as catch-up and live stream give
        input.finish()
        await task.value
        #expect(copier.progress.copied == 40 && copier.progress.stopped == nil && copier.backlog == 0)

        var previous = AuditRecord.genesis
        var seen: [UInt64] = []
        try await replica.forEach(page: 9) { r in
            let e = Self.entries(r.sequence...r.sequence)[0]
            #expect(r.payload == e.payload && r.timestamp == e.timestamp)
            #expect(r.checksumIsValid)
            let framed = JournalRecord(sequence: r.sequence, timestamp: r.timestamp, payload: r.payload).encoded()
            #expect(Array(framed.suffix(4)) == withUnsafeBytes(of: r.crc.littleEndian) { Array($0) }, "the journal's own CRC")
            let hash = AuditRecord(previousHash: previous, sequence: r.sequence, timestamp: r.timestamp, command: e.commandLine,
                                   events: e.eventLines).hash
            #expect(r.auditHash == hash)
            previous = hash
            seen.append(r.sequence)
        }
        #expect(seen == Array(1...40))
        // A copier opened later resumes after the last record and its hash.
        let resumed = try await JournalCopier.resuming(replica)
        #expect(resumed.progress.copied == 40)
        #expect(try await replica.last()?.auditHash == previous)
    }

    @Test func theReplicaRefusesGapsAndChangedRecords() async throws {
        let replica = try await Self.replica()
        defer { replica.close() }
        func record(_ n: UInt64, hash: String = String(repeating: "a", count: 64)) -> ReplicatedRecord {
            ReplicatedRecord(sequence: n, timestamp: Int64(n), payload: [UInt8(n)], auditHash: hash)
        }
        #expect(try await replica.append([record(1), record(2), record(3)]) == 3)
        #expect(try await replica.append([record(2), record(3), record(4)]) == 1, "the same records again are skipped")
        await #expect(throws: JournalReplica.Mismatch.self) { try await replica.append([record(6)]) }
        await #expect(throws: JournalReplica.Mismatch.self) { try await replica.append([record(5), record(7)]) }
        await #expect(throws: JournalReplica.Mismatch.self) {
            try await replica.append([record(4, hash: String(repeating: "b", count: 64)), record(5)])
        }
        #expect(try await replica.last()?.sequence == 4, "nothing of a refused batch was written")
    }

    @Test func aCopierThatSeesTheStreamSkipStops() async throws {
        let replica = try await Self.replica()
        defer { replica.close() }
        let logged = LockedLines()
        let copier = try await JournalCopier.resuming(replica, log: { logged.append($0) })
        let (stream, input) = AsyncStream.makeStream(of: JournalCopier.Entry.self)
        let task = Task { await copier.run(stream) }
        for e in Self.entries(1...5) + Self.entries(7...9) { input.yield(e) }
        input.finish()
        await task.value
        #expect(copier.progress.copied == 5)
        #expect(copier.progress.stopped?.contains("skipped to 7") == true)
        #expect(logged.lines.contains { $0.contains("stopped at 5") })
        #expect(try await replica.last()?.sequence == 5)
    }

    /// A local journal for `catchUp`: hands over the records asked for in chunks of `chunk`,
    /// records each read and the copier's backlog after each chunk was taken.
    final class FakeJournal: Sendable {
        let records: [JournalCopier.Entry]
        let chunk: Int
        let reads = Mutex<[ClosedRange<UInt64>]>([])
        let backlogAfterChunk = Mutex<[Int]>([])
        let copier = Mutex<JournalCopier?>(nil)

        init(_ records: [JournalCopier.Entry], chunk: Int) {
            self.records = records
            self.chunk = chunk
        }

        var catchUp: JournalCopier.CatchUp {
            { [self] after, through, deliver in
                reads.withLock { $0.append((after + 1)...through) }
                let wanted = records.filter { $0.sequence > after && $0.sequence <= through }
                var rest = wanted[...]
                while !rest.isEmpty {
                    try await deliver(Array(rest.prefix(chunk)))
                    rest = rest.dropFirst(chunk)
                    let backlog = copier.withLock { $0?.backlog } ?? -1
                    backlogAfterChunk.withLock { $0.append(backlog) }
                }
            }
        }
    }

    @Test func aCopierThatFellBehindCatchesUpFromTheJournalWithoutARestart() async throws {
        let replica = try await Self.replica()
        defer { replica.close() }
        let logged = LockedLines()
        let copier = try await JournalCopier.resuming(replica, maxBatch: 7, log: { logged.append($0) })
        let journal = FakeJournal(Self.entries(1...300), chunk: 10)
        journal.copier.withLock { $0 = copier }
        let (stream, input) = AsyncStream.makeStream(of: JournalCopier.Entry.self)
        let task = Task { await copier.run(stream, catchUp: journal.catchUp) }
        // The live stream loses 11...150 (the host's buffer overflowed), later 201...260 as well.
        for e in Self.entries(1...300) where !(11...150).contains(e.sequence) && !(201...260).contains(e.sequence) {
            input.yield(e)
        }
        input.finish()
        await task.value

        #expect(copier.progress.copied == 300 && copier.progress.stopped == nil && copier.backlog == 0)
        #expect(copier.progress.catchUps == 2)
        #expect(journal.reads.withLock { $0 } == [11...150, 201...260], "only the missing records are read from the journal")
        let backlogs = journal.backlogAfterChunk.withLock { $0 }
        #expect(backlogs.count == 14 + 6)
        #expect(backlogs.allSatisfy { $0 >= 0 && $0 <= 7 }, "at most maxBatch records wait in memory: \(backlogs)")
        #expect(logged.lines.contains { $0.contains("fell behind the venue at 10") })
        // Whole, in order, and chained exactly as a copier that never fell behind.
        var previous = AuditRecord.genesis
        var seen: [UInt64] = []
        try await replica.forEach(page: 50) { r in
            let e = Self.entries(r.sequence...r.sequence)[0]
            let hash = AuditRecord(previousHash: previous, sequence: r.sequence, timestamp: r.timestamp, command: e.commandLine,
                                   events: e.eventLines).hash
            #expect(r.auditHash == hash && r.payload == e.payload)
            previous = hash
            seen.append(r.sequence)
        }
        #expect(seen == Array(1...300))
    }

    /// Polls `condition` until it holds or `seconds` pass; returns whether it held.
    static func eventually(within seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(5)) // polling interval; the condition is the synchronisation
        }
        return try await condition()
    }

    @Test func whilePostgreSQLIsStuckTheCopierHoldsAtMostMaxBacklogRecords() async throws {
        let replica = try await Self.replica()
        defer { replica.close() }
        let copier = try await JournalCopier.resuming(replica, maxBatch: 5, maxBacklog: 20, log: { _ in })
        let (stream, input) = AsyncStream.makeStream(of: JournalCopier.Entry.self)
        let task = Task { await copier.run(stream) }
        // Another session holds the table: the copier's writes wait behind it.
        let holder = try await JournalReplica(url: replica.session.url)
        defer { holder.close() }
        try await holder.session.transaction { c in
            try await PostgresSession.execute("LOCK TABLE journal_records IN ACCESS EXCLUSIVE MODE", on: c, logger: holder.session.logger)
            for e in Self.entries(1...200) { input.yield(e) }
            input.finish()
            #expect(await Self.eventually(within: 10) { copier.progress.received == 21 }, "received \(copier.progress.received)")
            #expect(await !Self.eventually(within: 0.5) { copier.progress.received > 21 }, "stopped taking from the stream")
            #expect(copier.backlog == 21 && copier.progress.copied == 0)
        }
        await task.value
        #expect(copier.progress.copied == 200 && copier.progress.stopped == nil && copier.backlog == 0)
        #expect(try await replica.last()?.sequence == 200)
    }

    @Test func aCatchUpThatCannotFillTheGapStops() async throws {
        let replica = try await Self.replica()
        defer { replica.close() }
        let copier = try await JournalCopier.resuming(replica, log: { _ in })
        // The "journal" itself lacks record 8: the copier must not chain past it.
        let journal = FakeJournal(Self.entries(1...7) + Self.entries(9...20), chunk: 4)
        let (stream, input) = AsyncStream.makeStream(of: JournalCopier.Entry.self)
        let task = Task { await copier.run(stream, catchUp: journal.catchUp) }
        for e in Self.entries(1...5) + Self.entries(15...20) { input.yield(e) }
        input.finish()
        await task.value
        #expect(copier.progress.copied == 7)
        #expect(copier.progress.stopped?.contains("gave 9 where 8 was expected") == true)
        #expect(try await replica.last()?.sequence == 7)
    }
}

/// Lines logged by a component under test, from any task.
final class LockedLines: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}
