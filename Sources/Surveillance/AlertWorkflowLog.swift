import Foundation

/// The durable record of compliance's actions on alerts: one JSON line per
/// `AlertHistoryEntry`, appended and fsynced before the action is acknowledged, never
/// rewritten. Alerts themselves are not stored — they are recomputed from the journal by the
/// projection — so at start-up the book is the projection's alerts plus this log replayed.
/// A torn last line (a crash mid-append, never acknowledged) is ignored on reading and cut
/// when the log is next opened for writing.
public final class AlertWorkflowLog: @unchecked Sendable {
    /// Serialises appends; the log is used from one actor, the lock keeps it safe anyway.
    private let lock = NSLock()
    private let handle: FileHandle
    public let url: URL

    /// Opens (creating if needed) the log at `url`.
    public init(url: URL) throws {
        self.url = url
        if !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
        handle = try FileHandle(forWritingTo: url)
        // Cut a torn tail (never acknowledged) so the next line starts on a line of its own.
        let data = try Data(contentsOf: url)
        let kept = data.lastIndex(of: UInt8(ascii: "\n")).map { UInt64($0 - data.startIndex + 1) } ?? 0
        if kept < UInt64(data.count) {
            try handle.truncate(atOffset: kept)
            try handle.synchronize()
        }
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    /// Every complete entry, in the order written.
    public static func read(url: URL) throws -> [AlertHistoryEntry] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let data = try Data(contentsOf: url)
        var entries: [AlertHistoryEntry] = []
        let decoder = JSONDecoder()
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where !line.isEmpty {
            let complete = index < lines.count - 1   // the last piece has no newline: torn
            guard complete else { break }
            entries.append(try decoder.decode(AlertHistoryEntry.self, from: Data(line)))
        }
        return entries
    }

    /// Appends one entry and fsyncs; returns only when it is on disk.
    public func append(_ entry: AlertHistoryEntry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = try encoder.encode(entry)
        line.append(UInt8(ascii: "\n"))
        try lock.withLock {
            try handle.write(contentsOf: line)
            try handle.synchronize()
        }
    }
}
