import Foundation

/// One journal segment file: `journal-<first sequence, 20 digits>.log` in the journal
/// directory. A segment holds consecutive records starting at `firstSequence`; the next
/// segment starts where this one ends.
public struct JournalSegment: Sendable, Equatable, Comparable {
    /// The file.
    public let url: URL
    /// The sequence number of the first record the segment holds (or will hold).
    public let firstSequence: UInt64

    public init(url: URL, firstSequence: UInt64) {
        self.url = url
        self.firstSequence = firstSequence
    }

    public static func < (lhs: JournalSegment, rhs: JournalSegment) -> Bool {
        lhs.firstSequence < rhs.firstSequence
    }

    /// The file name of the segment whose first record is `firstSequence`.
    public static func fileName(firstSequence: UInt64) -> String {
        let digits = String(firstSequence)
        return "journal-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".log"
    }

    /// The first sequence encoded in a segment file name, or nil if `name` is not one.
    public static func firstSequence(fromFileName name: String) -> UInt64? {
        guard name.hasPrefix("journal-"), name.hasSuffix(".log") else { return nil }
        let digits = name.dropFirst("journal-".count).dropLast(".log".count)
        guard digits.count == 20, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    /// The segments in `directory`, oldest first. A missing directory has no segments.
    public static func list(in directory: URL) throws -> [JournalSegment] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch CocoaError.fileReadNoSuchFile {
            return []
        } catch {
            if !FileManager.default.fileExists(atPath: directory.path) { return [] }
            throw error
        }
        return names.compactMap { name in
            firstSequence(fromFileName: name).map {
                JournalSegment(url: directory.appendingPathComponent(name), firstSequence: $0)
            }
        }.sorted()
    }

    /// Deletes the segments in `directory` whose records all have sequence ≤ `sequence`
    /// (typically the newest snapshot's), never the last segment, then fsyncs the directory.
    /// Returns the deleted segments. Replay must afterwards start after `sequence`.
    @discardableResult
    public static func removeSegments(in directory: URL, coveredThrough sequence: UInt64) throws -> [JournalSegment] {
        let segments = try list(in: directory)
        var removed: [JournalSegment] = []
        for (segment, next) in zip(segments, segments.dropFirst()) where next.firstSequence <= sequence &+ 1 {
            try FileManager.default.removeItem(at: segment.url)
            removed.append(segment)
        }
        if !removed.isEmpty { try POSIXFile.syncDirectory(directory.path) }
        return removed
    }

    /// Flushes every segment in `directory`, and the directory, to stable storage. Start-up
    /// calls it before the recovered records count as durable: a process killed between a
    /// batch's `write` and its `fdatasync` leaves the batch whole in the page cache, where
    /// recovery reads it, but not yet on disk. A segment with nothing unflushed costs little.
    public static func syncAll(in directory: URL) throws {
        let segments = try list(in: directory)
        for segment in segments {
            let fd = try POSIXFile.open(segment.url.path, O_RDONLY)
            defer { POSIXFile.closeQuietly(fd) }
            try POSIXFile.syncData(fd, path: segment.url.path)
        }
        if !segments.isEmpty { try POSIXFile.syncDirectory(directory.path) }
    }
}
