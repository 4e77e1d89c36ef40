import Foundation
import Gateway
import Testing

@Suite("API key store") struct ApiKeyStoreTests {
    @Test("secrets are encrypted at rest, survive a reload with the same master key, and not with another")
    func encryptedAtRest() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let master = MasterKey.random()
        let store = try ApiKeyStore(dataDirectory: dir, masterKey: master)
        let k = try store.create(role: .client, account: "alice", permissions: [.read, .trade])
        #expect(k.secret.count == 64)
        let file = try String(contentsOf: dir.appendingPathComponent("apikeys.json"), encoding: .utf8)
        #expect(file.contains(k.key))
        #expect(!file.contains(k.secret))
        let mode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("apikeys.json").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let reopened = try ApiKeyStore(dataDirectory: dir, masterKey: master)
        #expect(reopened.key(k.key)?.secret == k.secret)
        #expect(reopened.key(k.key)?.permissions == [.read, .trade])
        #expect(throws: (any Error).self) { try ApiKeyStore(dataDirectory: dir, masterKey: MasterKey.random()) }
        #expect(!k.description.contains(k.secret))
        #expect(throws: (any Error).self) { try store.create(role: .client, account: nil, permissions: [.read]) }
    }

    @Test("master.key is created with mode 0600 and reused")
    func masterKeyFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-mk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ApiKeyStore(dataDirectory: dir, masterKey: MasterKey.load(dataDirectory: dir, environment: [:]))
        let k = try store.create(role: .operator, account: nil, permissions: [.read])
        let path = dir.appendingPathComponent("master.key").path
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        let again = try ApiKeyStore(dataDirectory: dir, masterKey: MasterKey.load(dataDirectory: dir, environment: [:]))
        #expect(again.key(k.key)?.secret == k.secret)
        #expect(throws: (any Error).self) { try MasterKey.load(dataDirectory: dir, environment: ["HARBOUR_MASTER_KEY": "zz"]) }
    }
}
