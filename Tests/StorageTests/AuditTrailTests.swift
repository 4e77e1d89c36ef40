import Foundation
import Testing
@testable import Storage

/// REG-2: the audit trail's hash chain catches every kind of tampering at the right place.
@Suite struct AuditTrailTests {
    static func command(_ n: UInt64) -> String { "{\"type\":\"placeOrder\",\"account\":\"a\",\"clientOrderId\":\"c\(n)\"}" }
    static func events(_ n: UInt64) -> [String] { ["{\"type\":\"accepted\",\"seq\":\(n),\"orderId\":\"\(n)\"}"] }

    /// Writes records 1...count, publishing a head every `headEvery` records.
    static func write(_ directory: URL, through count: UInt64, headEvery: UInt64 = 0, segmentLimit: Int = 256 << 20) throws -> AuditTrailWriter {
        let writer = try AuditTrailWriter(directory: directory, segmentLimit: segmentLimit)
        for n in (writer.lastSequence + 1)...count {
            #expect(try writer.append(sequence: n, timestamp: Int64(n) * 1000, command: command(n), events: events(n)))
            if headEvery > 0 && n % headEvery == 0 { _ = try writer.publishHead(at: Int64(n) * 1000) }
        }
        try writer.flush()
        return writer
    }

    static func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func segment(_ directory: URL) throws -> URL {
        try #require(try AuditTrail(directory: directory).segments().first).url
    }

    @Test func anIntactTrailVerifiesAndContinuesAfterReopen() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try Self.write(dir.url, through: 50, headEvery: 10)
        let again = try Self.write(dir.url, through: 80, headEvery: 10)
        #expect(again.cutBytes == 0)
        let report = try AuditTrailVerifier.verify(directory: dir.url)
        #expect(report.problem == nil)
        #expect(report.records == 80 && report.lastSequence == 80 && report.headsChecked == 8)
        #expect(report.lastHash == again.lastHash)
        // Catch-up may overlap: records already written are skipped, a gap is refused.
        #expect(try !again.append(sequence: 80, timestamp: 0, command: Self.command(80), events: []))
        #expect(throws: JournalError.self) { try again.append(sequence: 82, timestamp: 0, command: "{}", events: []) }
    }

    @Test func theRecordLayoutIsAsDocumented() throws {
        let record = AuditRecord(previousHash: AuditRecord.genesis, sequence: 1, timestamp: 5, command: "{\"type\":\"tick\"}", events: ["{\"a\":1}", "{\"b\":2}"])
        let (line, hash) = record.sealed()
        #expect(record.body == "{\"prev\":\"\(AuditRecord.genesis)\",\"seq\":1,\"ts\":5,\"command\":{\"type\":\"tick\"},\"events\":[{\"a\":1},{\"b\":2}]}")
        #expect(line == String(record.body.dropLast()) + ",\"hash\":\"\(hash)\"}")
        // SHA-256 of the body, as any tool computes it.
        #expect(hash.count == 64 && hash == record.hash)
        let inspected = try #require(AuditRecord.inspect(Substring(line)))
        #expect(inspected.sequence == 1 && inspected.claimed == hash && inspected.actual == hash && inspected.previous == AuditRecord.genesis)
    }

    @Test func flippingOneByteIsFoundAtThatRecord() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try Self.write(dir.url, through: 30)
        let file = try Self.segment(dir.url)
        var lines = try Self.lines(file)
        lines[16] = lines[16].replacingOccurrences(of: "c17", with: "c18")   // record 17's client order id
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let problem = try #require(try AuditTrailVerifier.verify(directory: dir.url).problem)
        #expect(problem.line == 17 && problem.sequence == 17)
        #expect(problem.reason.contains("changed"))
    }

    @Test func deletingOrSwappingRecordsIsFoundWhereTheChainBreaks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try Self.write(dir.url, through: 30)
        let file = try Self.segment(dir.url)
        let original = try Self.lines(file)
        var deleted = original
        deleted.remove(at: 9)                       // record 10 gone
        try (deleted.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let gap = try #require(try AuditTrailVerifier.verify(directory: dir.url).problem)
        #expect(gap.line == 10 && gap.sequence == 10)
        var swapped = original
        swapped.swapAt(19, 20)                      // records 20 and 21
        try (swapped.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let swap = try #require(try AuditTrailVerifier.verify(directory: dir.url).problem)
        #expect(swap.line == 20 && swap.sequence == 20)
    }

    @Test func aRewrittenTailWithAValidChainIsCaughtAgainstAPublishedHead() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try Self.write(dir.url, through: 40, headEvery: 20)
        let file = try Self.segment(dir.url)
        let heads = AuditTrail(directory: dir.url).heads()
        #expect(heads.map(\.sequence) == [20, 40])
        // An attacker cuts after record 15 and writes a different, internally valid chain.
        let kept = try Self.lines(file).prefix(15)
        try (kept.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(at: dir.url.appendingPathComponent("heads.log"))
        let forger = try AuditTrailWriter(directory: dir.url)
        for n in UInt64(16)...40 { try forger.append(sequence: n, timestamp: 0, command: "{\"type\":\"tick\"}", events: []) }
        try forger.flush()
        #expect(try AuditTrailVerifier.verify(directory: dir.url).problem == nil, "the forged chain is valid on its own")
        // The supervisor's copy of the heads catches it, at the first head past the cut.
        let problem = try #require(try AuditTrailVerifier.verify(directory: dir.url, extraHeads: heads).problem)
        #expect(problem.sequence == 20)
        #expect(problem.reason.contains("rewritten"))
        // Truncating below a published head is caught too.
        try (kept.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let short = try #require(try AuditTrailVerifier.verify(directory: dir.url, extraHeads: heads).problem)
        #expect(short.reason.contains("removed"))
    }

    @Test func aLineCutShortByACrashIsATornTailThatReopeningCuts() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try Self.write(dir.url, through: 12)
        let file = try Self.segment(dir.url)
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"prev\":\"abc".utf8))
        try handle.close()
        let report = try AuditTrailVerifier.verify(directory: dir.url)
        #expect(report.problem == nil && report.tornTailBytes == 12 && report.lastSequence == 12)
        let writer = try Self.write(dir.url, through: 20)
        #expect(writer.cutBytes == 12)
        #expect(try AuditTrailVerifier.verify(directory: dir.url).problem == nil)
    }

    @Test func segmentsRollAndTheChainCrossesThem() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try Self.write(dir.url, through: 100, segmentLimit: 2_000)
        #expect(try AuditTrail(directory: dir.url).segments().count > 3)
        let report = try AuditTrailVerifier.verify(directory: dir.url)
        #expect(report.problem == nil && report.records == 100)
        // Deleting a middle segment is found.
        let middle = try AuditTrail(directory: dir.url).segments()[1]
        try FileManager.default.removeItem(at: middle.url)
        let problem = try #require(try AuditTrailVerifier.verify(directory: dir.url).problem)
        #expect(problem.sequence == middle.first)
    }

    @Test func pruningRemovesOnlyOldWholeSegmentsAndTheChainVerifiesFromThePrunedHead() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        _ = try Self.write(dir.url, through: 100, segmentLimit: 2_000)     // timestamps 1 s ... 100 s
        let segments = try AuditTrail(directory: dir.url).segments()
        #expect(segments.count > 3)
        let day: Int64 = 86_400_000
        // Everything is younger than the retention period: nothing goes.
        let none = try AuditTrailPruner.prune(directory: dir.url, before: 100, now: 100_000 + day, retentionDays: 7)
        #expect(none.files.isEmpty && none.prunedTo == nil)
        // Eight days on: whole segments before record 50 go, and the removal is on record.
        let result = try AuditTrailPruner.prune(directory: dir.url, before: 50, now: 100_000 + 8 * day, retentionDays: 7)
        let head = try #require(result.prunedTo)
        #expect(!result.files.isEmpty && head.sequence < 50)
        #expect(head.sequence + 1 == (try AuditTrail(directory: dir.url).segments().first?.first))
        let log = try String(contentsOf: dir.url.appendingPathComponent("pruned.log"), encoding: .utf8)
        #expect(log.contains(result.files[0]) && log.contains(head.hash))
        let report = try AuditTrailVerifier.verify(directory: dir.url)
        #expect(report.problem == nil && report.lastSequence == 100 && report.records == Int(100 - head.sequence))
    }
}
