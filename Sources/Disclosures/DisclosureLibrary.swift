import Engine
import Financing
import Foundation
import Synchronization

/// The versions of every contract's disclosure (REG-1, PI-2), kept in `DATA/disclosures/`:
/// `SYMBOL/v<N>.md`. At start the current text is generated from the live configuration; if
/// it differs from the newest stored version it becomes version N+1, which clients must
/// acknowledge before their next risk-increasing order. Old versions are kept, and the
/// difference between any two is served.
public final class DisclosureLibrary: Sendable {
    /// One contract's current disclosure and its version number.
    public struct Current: Sendable, Equatable {
        public let document: DisclosureDocument
        public let version: Int
    }

    public let directory: URL
    private let current: Mutex<[String: Current]>

    /// Generates every contract's disclosure from `config`, and the margin-financing one
    /// from `financing` (the engine's live financing configuration; nil: none), and
    /// records new versions.
    public init(directory: URL, config: VenueConfig, marketMakers: [String] = [], financing: FinancingConfig? = nil) throws {
        self.directory = directory
        var table: [String: Current] = [:]
        for index in config.instruments.indices {
            let document = DisclosureDocument.make(config: config, instrument: index, marketMakers: marketMakers)
            table[document.symbol] = try Self.store(document, in: directory)
        }
        if let document = FinancingDisclosure.make(financing) {
            table[document.symbol] = try Self.store(document, in: directory)
        }
        current = Mutex(table)
    }

    /// Regenerates the margin-financing disclosure from the live configuration (after a
    /// haircut or limit change); returns the new current version when the text changed.
    public func refreshFinancing(_ financing: FinancingConfig?) throws -> Current? {
        guard let document = FinancingDisclosure.make(financing) else { return nil }
        let before = current(document.symbol)
        guard before?.document.terms != document.terms else { return nil }
        let stored = try Self.store(document, in: directory)
        current.withLock { $0[document.symbol] = stored }
        return stored
    }

    /// Regenerates every contract's disclosure from `config` (the engine's live
    /// configuration, after a risk-limit change or a new market maker); returns the
    /// contracts whose text changed, each now at its new version.
    public func refreshProducts(_ config: VenueConfig, marketMakers: [String]) throws -> [Current] {
        var changed: [Current] = []
        for index in config.instruments.indices {
            let document = DisclosureDocument.make(config: config, instrument: index, marketMakers: marketMakers)
            guard current(document.symbol)?.document.terms != document.terms else { continue }
            let stored = try Self.store(document, in: directory)
            current.withLock { $0[document.symbol] = stored }
            changed.append(stored)
        }
        return changed
    }

    /// Writes `document` as version N+1 when it differs from the newest stored version N.
    static func store(_ document: DisclosureDocument, in directory: URL) throws -> Current {
        let folder = directory.appendingPathComponent(document.symbol)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let newest = versions(in: folder).last ?? 0
        var version = newest
        let stored = newest > 0 ? try? String(contentsOf: file(folder, newest), encoding: .utf8) : nil
        if stored != document.terms {
            version = newest + 1
            try document.terms.write(to: file(folder, version), atomically: true, encoding: .utf8)
        }
        return Current(document: document, version: version)
    }

    /// The current disclosure of `symbol`.
    public func current(_ symbol: String) -> Current? { current.withLock { $0[symbol] } }

    /// Every contract's current version, by symbol.
    public func all() -> [Current] { current.withLock { $0.values.sorted { $0.document.symbol < $1.document.symbol } } }

    /// The stored text of a version.
    public func text(_ symbol: String, version: Int) -> String? {
        try? String(contentsOf: Self.file(directory.appendingPathComponent(symbol), version), encoding: .utf8)
    }

    /// The lines that changed from version `from` to version `to`.
    public func diff(_ symbol: String, from: Int, to: Int) -> [String]? {
        guard let old = text(symbol, version: from), let new = text(symbol, version: to) else { return nil }
        return LineDiff.changes(from: old, to: new)
    }

    static func file(_ folder: URL, _ version: Int) -> URL { folder.appendingPathComponent("v\(version).md") }

    static func versions(in folder: URL) -> [Int] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).compactMap { name in
            guard name.hasPrefix("v"), name.hasSuffix(".md") else { return nil }
            return Int(name.dropFirst().dropLast(3))
        }.sorted()
    }
}

/// A line diff (longest common subsequence): removed lines as "- …", added as "+ …".
public enum LineDiff {
    public static func changes(from old: String, to new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] { i += 1; j += 1 }
            else if j < b.count, i == a.count || lcs[i][j + 1] >= lcs[i + 1][j] { out.append("+ " + b[j]); j += 1 }
            else { out.append("- " + a[i]); i += 1 }
        }
        return out
    }
}
