import Foundation

/// Removes old audit segments (REG-2), only when asked and only past retention: whole
/// segments whose every record is before `sequence` and older than the retention period.
/// It writes what it removed and the head it pruned to in `pruned.log` first, so the chain
/// still verifies from there and the removal itself is on record.
public enum AuditTrailPruner {
    /// What a prune removed.
    public struct Result: Sendable, Equatable {
        public let files: [String]
        /// The last record removed and its hash: the new start of the chain.
        public let prunedTo: AuditHead?
    }

    public static func prune(directory: URL, before sequence: UInt64, now: Int64, retentionDays: Int) throws -> Result {
        let trail = AuditTrail(directory: directory)
        let cutoffMs = now - Int64(retentionDays) * 86_400_000
        let segments = try trail.segments()
        var doomed: [(url: URL, last: UInt64, hash: String)] = []
        for (index, segment) in segments.enumerated() where index < segments.count - 1 {
            // A segment ends where the next begins; all of it must be before `sequence` and old enough.
            let last = segments[index + 1].first - 1
            guard last < sequence else { break }
            let lines = try Data(contentsOf: segment.url).split(separator: 10)
            guard let final = lines.last.flatMap({ AuditRecord.inspect(Substring(decoding: $0, as: UTF8.self)) }),
                  final.sequence == last else {
                throw JournalError.corruptRecord(file: segment.url.path, offset: 0, sequence: last,
                                                 reason: "does not end with record \(last); verify the trail before pruning")
            }
            guard let newest = newestTimestamp(lines), newest < cutoffMs else { break }
            doomed.append((segment.url, last, final.claimed))
        }
        guard let end = doomed.last else { return Result(files: [], prunedTo: nil) }
        let head = AuditHead(sequence: end.last, hash: end.hash, publishedAt: now)
        let names = doomed.map { $0.url.lastPathComponent }
        try AuditTrail.appendLine("# pruned \(names.joined(separator: " ")) through sequence \(end.last) at \(now)", to: trail.prunedFile)
        try AuditTrail.appendLine(head.line, to: trail.prunedFile)
        for file in doomed { try FileManager.default.removeItem(at: file.url) }
        return Result(files: names, prunedTo: head)
    }

    /// The largest `"ts":` of the lines (records are in time order, so the last one's).
    private static func newestTimestamp(_ lines: [Data.SubSequence]) -> Int64? {
        guard let last = lines.last else { return nil }
        let text = String(decoding: last, as: UTF8.self)
        guard let range = text.range(of: ",\"ts\":") else { return nil }
        return Int64(text[range.upperBound...].prefix { $0.isNumber || $0 == "-" })
    }
}
