import Crypto
import Foundation

/// The AES-256 key that encrypts API secrets at rest. Taken from the environment
/// variable `HARBOUR_MASTER_KEY` (64 hex digits) when set, else from `master.key` in the
/// data directory, which is created with fresh random bytes and mode 0600 on first use.
public struct MasterKey: Sendable {
    private let bytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    public init(key: SymmetricKey) { bytes = key.withUnsafeBytes { Array($0) } }

    /// A fresh random key (tests, throw-away venues).
    public static func random() -> MasterKey { MasterKey(key: SymmetricKey(size: .bits256)) }

    /// Errors reading or creating the master key.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The master key for a data directory (see the type's documentation).
    public static func load(dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MasterKey {
        if let hex = environment["HARBOUR_MASTER_KEY"] {
            guard let bytes = Hex.decode(hex.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
                throw Problem(description: "HARBOUR_MASTER_KEY must be 64 hex digits (32 bytes)")
            }
            return MasterKey(key: SymmetricKey(data: bytes))
        }
        let url = dataDirectory.appendingPathComponent("master.key")
        if FileManager.default.fileExists(atPath: url.path) {
            let text = try String(contentsOf: url, encoding: .utf8)
            guard let bytes = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
                throw Problem(description: "\(url.path) must hold 64 hex digits (32 bytes)")
            }
            return MasterKey(key: SymmetricKey(data: bytes))
        }
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256)
        let hex = key.withUnsafeBytes { Hex.encode($0) }
        // Create with 0600 from the start: the key is never readable by others, even briefly.
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Problem(description: "cannot create \(url.path): errno \(errno)") }
        defer { close(fd) }
        let bytes = Array((hex + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw Problem(description: "cannot write \(url.path): errno \(errno)")
        }
        return MasterKey(key: key)
    }

    func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key)
        guard let combined = box.combined else { throw Problem(description: "AES-GCM produced no combined form") }
        return combined.base64EncodedString()
    }

    func unseal(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw Problem(description: "sealed secret is not base64") }
        let box = try AES.GCM.SealedBox(combined: data)
        let plain = try AES.GCM.open(box, using: key)
        guard let s = String(data: plain, encoding: .utf8) else { throw Problem(description: "decrypted secret is not text") }
        return s
    }
}

/// Lowercase hexadecimal.
enum Hex {
    static func encode<B: Sequence>(_ bytes: B) -> String where B.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let h = nibble(chars[i]), let l = nibble(chars[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }
}
