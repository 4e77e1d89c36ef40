import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The audit trail's files (REG-2): `audit/audit-<first sequence, 20 digits>.jsonl`
/// segments of `AuditRecord` lines, `heads.log` (published heads) and `pruned.log` (what
/// an explicit prune removed, and the head it pruned to).
public struct AuditTrail: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    var headsFile: URL { directory.appendingPathComponent("heads.log") }
    var prunedFile: URL { directory.appendingPathComponent("pruned.log") }

    /// Segment files, oldest first, with the first sequence their name gives.
    func segments() throws -> [(url: URL, first: UInt64)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.compactMap { name -> (URL, UInt64)? in
            guard name.hasPrefix("audit-"), name.hasSuffix(".jsonl") else { return nil }
            let digits = name.dropFirst(6).dropLast(6)
            guard digits.count == 20, let first = UInt64(digits) else { return nil }
            return (directory.appendingPathComponent(name), first)
        }.sorted { $0.1 < $1.1 }
    }

    static func segmentName(first: UInt64) -> String {
        let digits = String(first)
        return "audit-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".jsonl"
    }

    /// Published heads, oldest first.
    public func heads() -> [AuditHead] {
        guard let text = try? String(contentsOf: headsFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { AuditHead(line: $0) }
    }

    /// Where the chain starts: after the last prune (its sequence and head), or at 1 from genesis.
    public func chainStart() -> (after: UInt64, previousHash: String) {
        guard let text = try? String(contentsOf: prunedFile, encoding: .utf8),
              let last = text.split(separator: "\n").last.flatMap({ AuditHead(line: $0) }) else {
            return (0, AuditRecord.genesis)
        }
        return (last.sequence, last.hash)
    }

    /// Appends a line to a log file and syncs it.
    static func appendLine(_ line: String, to url: URL) throws {
        let fd = try POSIXFile.open(url.path, O_WRONLY | O_CREAT | O_APPEND)
        defer { POSIXFile.closeQuietly(fd) }
        let bytes = Array((line + "\n").utf8)
        try bytes.withUnsafeBytes { try POSIXFile.writeAll(fd, $0, path: url.path) }
        try POSIXFile.syncData(fd, path: url.path)
    }
}
