import Foundation

/// Checks the audit trail (REG-2): every record's hash, the chain from record to record,
/// sequence continuity, and every published head. Reads only; names the first bad record.
public enum AuditTrailVerifier {
    /// The first place the trail fails.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        public let line: Int
        /// The sequence the record at that place should have carried.
        public let sequence: UInt64
        public let reason: String
        public var description: String { "\(file) line \(line) (sequence \(sequence)): \(reason)" }
    }

    /// What a pass found.
    public struct Report: Sendable, Equatable {
        public let records: Int
        public let lastSequence: UInt64
        public let lastHash: String
        /// Published heads checked against the trail.
        public let headsChecked: Int
        /// Bytes of a last line cut short (a crash while writing, rewritten from the journal at start).
        public let tornTailBytes: Int
        public let problem: Problem?
    }

    /// Verifies the trail in `directory` against its own heads.log and `extraHeads` (heads
    /// the supervisor kept elsewhere).
    public static func verify(directory: URL, extraHeads: [AuditHead] = []) throws -> Report {
        let trail = AuditTrail(directory: directory)
        let start = trail.chainStart()
        var expected = start.after + 1
        var previous = start.previousHash
        var hashes: [UInt64: String] = [:]
        var records = 0
        var torn = 0
        func report(_ problem: Problem?, heads: Int = 0) -> Report {
            Report(records: records, lastSequence: expected - 1, lastHash: previous, headsChecked: heads, tornTailBytes: torn, problem: problem)
        }
        let segments = try trail.segments()
        for (index, segment) in segments.enumerated() {
            let data = try Data(contentsOf: segment.url)
            let name = segment.url.lastPathComponent
            var lines = data.split(separator: 10, omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true { lines.removeLast() } else if let last = lines.last {
                // No newline at the end: a write cut short, only allowed at the very end.
                guard index == segments.count - 1 else {
                    return report(Problem(file: name, line: lines.count, sequence: expected, reason: "a line cut short inside the trail"))
                }
                torn = last.count
                lines.removeLast()
            }
            if segment.first != expected && !lines.isEmpty {
                return report(Problem(file: name, line: 1, sequence: expected, reason: "the segment starts at \(segment.first), not \(expected): records are missing"))
            }
            for (number, bytes) in lines.enumerated() {
                let place = { (why: String) in Problem(file: name, line: number + 1, sequence: expected, reason: why) }
                guard let record = AuditRecord.inspect(Substring(decoding: bytes, as: UTF8.self)) else {
                    return report(place("not an audit record"))
                }
                guard record.claimed == record.actual else { return report(place("the record's content does not match its hash: it was changed")) }
                guard record.sequence == expected else {
                    return report(place("sequence \(record.sequence) where \(expected) was due: a record was removed, inserted or reordered"))
                }
                guard record.previous == previous else {
                    return report(place("prev does not match the previous record's hash: a record was removed, inserted or reordered"))
                }
                hashes[record.sequence] = record.claimed
                previous = record.claimed
                expected += 1
                records += 1
            }
        }
        let heads = trail.heads() + extraHeads
        for head in heads {
            if head.sequence > expected - 1 {
                return report(Problem(file: "heads.log", line: 0, sequence: head.sequence,
                                      reason: "the trail ends at \(expected - 1), before the head published at \(head.publishedAt) for sequence \(head.sequence): records were removed"),
                              heads: heads.count)
            }
            if head.sequence > start.after, hashes[head.sequence] != head.hash {
                return report(Problem(file: "heads.log", line: 0, sequence: head.sequence,
                                      reason: "record \(head.sequence) differs from the head published at \(head.publishedAt): the trail was rewritten"),
                              heads: heads.count)
            }
        }
        return report(nil, heads: heads.count)
    }

    /// Every record's (sequence, stored hash), in file order, without checking anything.
    public static func recordHashes(directory: URL) throws -> [(sequence: UInt64, hash: String)] {
        var out: [(UInt64, String)] = []
        for segment in try AuditTrail(directory: directory).segments() {
            for line in try Data(contentsOf: segment.url).split(separator: 10) {
                if let record = AuditRecord.inspect(Substring(decoding: line, as: UTF8.self)) { out.append((record.sequence, record.claimed)) }
            }
        }
        return out
    }
}
