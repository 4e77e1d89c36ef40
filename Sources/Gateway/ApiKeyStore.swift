import Crypto
import Foundation
import Synchronization

/// The venue's API credentials (OPS-1), kept in `apikeys.json` in the data directory.
///
/// Secrets are 32 random bytes (64 hex digits) generated here. HMAC verification needs
/// the secret on the server, so it cannot be hashed: it is stored encrypted with
/// AES-256-GCM under the `MasterKey`, and the file is replaced atomically (write to a
/// temporary file, rename) with mode 0600. The clear secret is returned exactly once, by
/// `create`, and is never logged.
public final class ApiKeyStore: Sendable {
    private struct StoredKey: Codable {
        var key: String
        var sealedSecret: String
        var role: Role
        var account: String?
        var permissions: [Permission]
        var rateLimit: RateLimitPolicy
        var createdAt: Int64
    }

    private struct StoredFile: Codable {
        var version: Int
        var keys: [StoredKey]
    }

    /// Why a key could not be created.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    private let fileURL: URL
    private let master: MasterKey
    private let keys: Mutex<[String: ApiKey]>
    private let stored: Mutex<[StoredKey]>

    /// Opens (or starts) the key file in `dataDirectory`.
    public init(dataDirectory: URL, masterKey: MasterKey) throws {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        fileURL = dataDirectory.appendingPathComponent("apikeys.json")
        master = masterKey
        var loaded: [String: ApiKey] = [:]
        var records: [StoredKey] = []
        if FileManager.default.fileExists(atPath: fileURL.path) {
            let file = try JSONDecoder().decode(StoredFile.self, from: Data(contentsOf: fileURL))
            for r in file.keys {
                let secret = try masterKey.unseal(r.sealedSecret)
                loaded[r.key] = ApiKey(key: r.key, secret: secret, role: r.role, account: r.account,
                                       permissions: Set(r.permissions), rateLimit: r.rateLimit, createdAt: r.createdAt)
            }
            records = file.keys
        }
        keys = Mutex(loaded)
        stored = Mutex(records)
    }

    /// Opens the store with the master key from the environment or `master.key`.
    public convenience init(dataDirectory: URL) throws {
        try self.init(dataDirectory: dataDirectory, masterKey: MasterKey.load(dataDirectory: dataDirectory))
    }

    /// The key with this id.
    public func key(_ id: String) -> ApiKey? { keys.withLock { $0[id] } }

    /// All keys (for administration; callers must not expose secrets).
    public var all: [ApiKey] { keys.withLock { Array($0.values) }.sorted { $0.key < $1.key } }

    /// Creates a key with a fresh random secret, persists it (encrypted) and returns it.
    /// This is the only time the secret leaves the store.
    @discardableResult
    public func create(role: Role, account: String?, permissions: Set<Permission>,
                       rateLimit: RateLimitPolicy = .standard, now: Int64 = SystemClock().nowMillis()) throws -> ApiKey {
        if role.hasAccount && account == nil { throw Problem(description: "a \(role.rawValue) key needs an account") }
        if !role.hasAccount && account != nil { throw Problem(description: "a \(role.rawValue) key is not bound to an account") }
        let id = "hk_" + Self.randomHex(bytes: 12)
        let secret = Self.randomHex(bytes: 32)
        let sealed = try master.seal(secret)
        let key = ApiKey(key: id, secret: secret, role: role, account: account, permissions: permissions,
                         rateLimit: rateLimit, createdAt: now)
        let record = StoredKey(key: id, sealedSecret: sealed, role: role, account: account,
                               permissions: Permission.allCases.filter { permissions.contains($0) },
                               rateLimit: rateLimit, createdAt: now)
        try stored.withLock { records in
            var next = records
            next.append(record)
            try write(next)
            records = next
        }
        keys.withLock { $0[id] = key }
        return key
    }

    private func write(_ records: [StoredKey]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(StoredFile(version: 1, keys: records))
        let tmp = fileURL.deletingLastPathComponent().appendingPathComponent(".apikeys.json.tmp")
        _ = FileManager.default.createFile(atPath: tmp.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let handle = try FileHandle(forWritingTo: tmp)
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        guard rename(tmp.path, fileURL.path) == 0 else { throw Problem(description: "cannot replace \(fileURL.path): errno \(errno)") }
    }

    static func randomHex(bytes: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return Hex.encode((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &g) })
    }
}
