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
///
/// Files written before staff roles (DECISIONS 32) still load: a stored `operator` role is
/// read as `operations`, and a staff key stored without a `staff` name gets the name
/// `legacy-<stored role>` (for example `legacy-operator`). Every such key shares its name with
/// the others of its old role, so two of them can never be a maker and a different checker:
/// issue named keys to people and retire the old ones.
public final class ApiKeyStore: Sendable {
    private struct StoredKey: Codable {
        var key: String
        var sealedSecret: String
        var role: Role
        var account: String?
        var staff: String?
        var permissions: [Permission]
        var rateLimit: RateLimitPolicy
        var createdAt: Int64

        init(key: String, sealedSecret: String, role: Role, account: String?, staff: String?, permissions: [Permission],
             rateLimit: RateLimitPolicy, createdAt: Int64) {
            self.key = key
            self.sealedSecret = sealedSecret
            self.role = role
            self.account = account
            self.staff = staff
            self.permissions = permissions
            self.rateLimit = rateLimit
            self.createdAt = createdAt
        }

        enum CodingKeys: String, CodingKey {
            case key, sealedSecret, role, account, staff, permissions, rateLimit, createdAt
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            key = try c.decode(String.self, forKey: .key)
            sealedSecret = try c.decode(String.self, forKey: .sealedSecret)
            let storedRole = try c.decode(String.self, forKey: .role)
            guard let role = Role.stored(storedRole) else {
                throw Problem(description: "API key \(key) has role '\(storedRole)', which is none of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.role = role
            account = try c.decodeIfPresent(String.self, forKey: .account)
            staff = try c.decodeIfPresent(String.self, forKey: .staff)
            if role.isStaff && staff == nil { staff = "legacy-" + storedRole }
            permissions = try c.decode([Permission].self, forKey: .permissions)
            rateLimit = try c.decode(RateLimitPolicy.self, forKey: .rateLimit)
            createdAt = try c.decode(Int64.self, forKey: .createdAt)
        }
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
                loaded[r.key] = ApiKey(key: r.key, secret: secret, role: r.role, account: r.account, staff: r.staff,
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
    /// A staff key (every role but client and market maker) needs a `staff` name, the person
    /// it belongs to; client and market-maker keys need an account and have no staff name.
    @discardableResult
    public func create(role: Role, account: String?, staff: String? = nil, permissions: Set<Permission>,
                       rateLimit: RateLimitPolicy = .standard, now: Int64 = SystemClock().nowMillis()) throws -> ApiKey {
        if role.hasAccount && account == nil { throw Problem(description: "a \(role.rawValue) key needs an account") }
        if !role.hasAccount && account != nil { throw Problem(description: "a \(role.rawValue) key is not bound to an account") }
        if role.isStaff {
            guard let staff else { throw Problem(description: "a \(role.rawValue) key needs a staff name (the person it belongs to)") }
            guard ApiKey.isValidStaffName(staff) else {
                throw Problem(description: "a staff name is 1 to 64 characters from a-z, A-Z, 0-9, '.', '_' and '-'")
            }
        } else if staff != nil {
            throw Problem(description: "a \(role.rawValue) key belongs to an account, not to a staff member")
        }
        let id = "hk_" + Self.randomHex(bytes: 12)
        let secret = Self.randomHex(bytes: 32)
        let sealed = try master.seal(secret)
        let key = ApiKey(key: id, secret: secret, role: role, account: account, staff: staff, permissions: permissions,
                         rateLimit: rateLimit, createdAt: now)
        let record = StoredKey(key: id, sealedSecret: sealed, role: role, account: account, staff: staff,
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

    /// The data directory the key file is in (the barrier log lives next to it).
    public var dataDirectory: URL { fileURL.deletingLastPathComponent() }

    static func randomHex(bytes: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return Hex.encode((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &g) })
    }
}
