import Crypto
import Foundation

/// The venue configuration's versions kept in a data directory (PERP-1: a live contract's
/// configuration changes by recorded versions, never by a silent edit of the file).
///
/// `DATA/config/vN.json` holds version N in canonical form (keys sorted, no insignificant
/// whitespace) and `DATA/config/versions.jsonl` one line per version: its number,
/// SHA-256 fingerprint of the canonical text, when and why it was recorded, and what changed
/// from the version before (`instruments[BTC-PERP].maxLeverage: 50 → 40`). `harbour serve`
/// records version 1 at the first start and refuses to start on a configuration that differs
/// from the latest version unless the operator names the change's reason, which records the
/// next version. Formatting is not a change: two files that parse to the same JSON are the
/// same version.
public struct ConfigHistory: Sendable {
    /// One recorded version (a line of versions.jsonl).
    public struct Version: Codable, Sendable, Equatable {
        public let version: Int
        public let fingerprint: String
        public let recordedAt: String
        public let reason: String
        public let changes: [String]
    }

    /// How a configuration compares with the latest recorded version.
    public enum Check: Sendable, Equatable {
        /// Nothing recorded yet (a new data directory, or one from before versions were kept).
        case first
        case unchanged(Version)
        /// Differs from `latest` at these paths.
        case changed(latest: Version, changes: [String])
    }

    /// A configuration that is not a JSON object, or history files that do not read.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let directory: URL

    public init(dataDirectory: URL) {
        directory = dataDirectory.appendingPathComponent("config")
    }

    var log: URL { directory.appendingPathComponent("versions.jsonl") }

    /// Every recorded version, oldest first.
    public func versions() throws -> [Version] {
        guard let data = FileManager.default.contents(atPath: log.path) else { return [] }
        return try data.split(separator: UInt8(ascii: "\n")).map { line in
            do { return try JSONDecoder().decode(Version.self, from: Data(line)) } catch {
                throw Failure(description: "\(log.path): a line does not read as a configuration version: \(error)")
            }
        }
    }

    /// The canonical text of a recorded version.
    public func text(of version: Int) throws -> Data {
        let url = directory.appendingPathComponent("v\(version).json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Failure(description: "\(url.path) is missing: configuration version \(version) is recorded but its file is not")
        }
        return data
    }

    /// Compares `configuration` (a configuration file's bytes) with the latest version.
    public func check(_ configuration: Data) throws -> Check {
        guard let latest = try versions().last else { return .first }
        let old = try Self.object(try text(of: latest.version)), new = try Self.object(configuration)
        let changes = Self.differences(old, new, at: "")
        return changes.isEmpty ? .unchanged(latest) : .changed(latest: latest, changes: changes)
    }

    /// Records `configuration` as the next version (1 when none is recorded).
    @discardableResult
    public func record(_ configuration: Data, reason: String, at date: Date = Date()) throws -> Version {
        let previous = try versions().last
        let changes = try previous.map { Self.differences(try Self.object(try text(of: $0.version)), try Self.object(configuration), at: "") } ?? []
        let canonical = try Self.canonical(configuration)
        let number = (previous?.version ?? 0) + 1
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try canonical.write(to: directory.appendingPathComponent("v\(number).json"), options: .atomic)
        let version = Version(version: number, fingerprint: Self.fingerprint(canonical), recordedAt: ISO8601DateFormatter().string(from: date),
                              reason: reason, changes: changes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(version)
        line.append(UInt8(ascii: "\n"))
        let handle = try FileHandle(forWritingTo: try Self.existing(log))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
        try handle.synchronize()
        return version
    }

    static func existing(_ url: URL) throws -> URL {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw Failure(description: "cannot create \(url.path)")
            }
        }
        return url
    }

    static func object(_ data: Data) throws -> Any {
        do { return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw Failure(description: "the configuration is not JSON: \(error)")
        }
    }

    /// The configuration with sorted keys and no insignificant whitespace.
    static func canonical(_ data: Data) throws -> Data {
        try JSONSerialization.data(withJSONObject: try object(data), options: [.sortedKeys, .fragmentsAllowed])
    }

    static func fingerprint(_ canonical: Data) -> String {
        SHA256.hash(data: Array(canonical)).map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    /// Paths where `old` and `new` differ, with both values; array elements that carry a
    /// `symbol` or `name` are named by it (`instruments[BTC-PERP]`), others by position.
    static func differences(_ old: Any, _ new: Any, at path: String) -> [String] {
        switch (old, new) {
        case let (a as [String: Any], b as [String: Any]):
            return Set(a.keys).union(b.keys).sorted().flatMap { key -> [String] in
                let sub = path.isEmpty ? key : path + "." + key
                switch (a[key], b[key]) {
                case let (x?, y?): return differences(x, y, at: sub)
                case let (x?, nil): return ["\(sub): \(render(x)) → removed"]
                case let (nil, y?): return ["\(sub): added \(render(y))"]
                default: return []
                }
            }
        case let (a as [Any], b as [Any]):
            let keyed = { (items: [Any]) -> [String: Any]? in
                var out: [String: Any] = [:]
                for item in items {
                    guard let o = item as? [String: Any], let k = (o["symbol"] ?? o["name"]) as? String, out[k] == nil else { return nil }
                    out[k] = item
                }
                return out
            }
            if let ka = keyed(a), let kb = keyed(b) {
                return Set(ka.keys).union(kb.keys).sorted().flatMap { key -> [String] in
                    let sub = "\(path)[\(key)]"
                    switch (ka[key], kb[key]) {
                    case let (x?, y?): return differences(x, y, at: sub)
                    case (_?, nil): return ["\(sub): removed"]
                    case (nil, _?): return ["\(sub): added"]
                    default: return []
                    }
                }
            }
            if a.count != b.count { return ["\(path): \(a.count) entries → \(b.count)"] }
            return zip(a, b).enumerated().flatMap { differences($0.element.0, $0.element.1, at: "\(path)[\($0.offset)]") }
        default:
            return render(old) == render(new) ? [] : ["\(path): \(render(old)) → \(render(new))"]
        }
    }

    static func render(_ value: Any) -> String {
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) {
            return String(decoding: data, as: UTF8.self)
        }
        return String(describing: value)
    }
}
