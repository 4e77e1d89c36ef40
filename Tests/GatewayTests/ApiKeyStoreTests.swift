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
        let k = try store.create(role: .supervisor, account: nil, staff: "sam", permissions: [.read])
        let path = dir.appendingPathComponent("master.key").path
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        let again = try ApiKeyStore(dataDirectory: dir, masterKey: MasterKey.load(dataDirectory: dir, environment: [:]))
        #expect(again.key(k.key)?.secret == k.secret)
        #expect(throws: (any Error).self) { try MasterKey.load(dataDirectory: dir, environment: ["HARBOUR_MASTER_KEY": "zz"]) }
    }

    @Test("a staff key needs a staff name and keeps it across a reload; client and market-maker keys may not have one")
    func staffNames() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-staff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let master = MasterKey.random()
        let store = try ApiKeyStore(dataDirectory: dir, masterKey: master)
        for role in [Role.risk, .compliance, .operations, .supervisor] {
            #expect(throws: ApiKeyStore.Problem.self) { try store.create(role: role, account: nil, permissions: [.read]) }
            #expect(throws: ApiKeyStore.Problem.self) { try store.create(role: role, account: nil, staff: "", permissions: [.read]) }
            #expect(throws: ApiKeyStore.Problem.self) { try store.create(role: role, account: nil, staff: "maya smith", permissions: [.read]) }
        }
        for role in [Role.client, .marketMaker] {
            #expect(throws: ApiKeyStore.Problem.self) { try store.create(role: role, account: "alice", staff: "maya", permissions: [.read]) }
        }
        let maya = try store.create(role: .compliance, account: nil, staff: "maya", permissions: [.read, .trade])
        let alice = try store.create(role: .client, account: "alice", permissions: [.read])
        #expect(store.all.count == 2, "refused keys are not stored")
        let reopened = try ApiKeyStore(dataDirectory: dir, masterKey: master)
        #expect(reopened.key(maya.key)?.staff == "maya" && reopened.key(maya.key)?.role == .compliance)
        #expect(reopened.key(alice.key)?.staff == nil)
    }

    @Test("a key file from before staff roles loads: operator becomes operations, unnamed staff keys get legacy-<role>")
    func legacyOperatorKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("harbour-legacy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let master = MasterKey.random()
        let store = try ApiKeyStore(dataDirectory: dir, masterKey: master)
        let op = try store.create(role: .operations, account: nil, staff: "olivia", permissions: [.read, .trade])
        let sup = try store.create(role: .supervisor, account: nil, staff: "sam", permissions: [.read])
        let alice = try store.create(role: .client, account: "alice", permissions: [.read])
        // Rewrite the file as the previous version wrote it: role "operator", no staff field.
        let url = dir.appendingPathComponent("apikeys.json")
        var file = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        file["keys"] = (file["keys"] as! [[String: Any]]).map { record -> [String: Any] in
            var record = record
            record.removeValue(forKey: "staff")
            if record["role"] as? String == "operations" { record["role"] = "operator" }
            return record
        }
        try JSONSerialization.data(withJSONObject: file).write(to: url)
        let old = try ApiKeyStore(dataDirectory: dir, masterKey: master)
        #expect(old.key(op.key)?.role == .operations && old.key(op.key)?.staff == "legacy-operator")
        #expect(old.key(op.key)?.secret == op.secret)
        #expect(old.key(sup.key)?.role == .supervisor && old.key(sup.key)?.staff == "legacy-supervisor")
        #expect(old.key(alice.key)?.role == .client && old.key(alice.key)?.staff == nil)
        // An unknown role is refused with a message that names it.
        var bad = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        bad["keys"] = (bad["keys"] as! [[String: Any]]).map { record -> [String: Any] in
            var record = record
            record["role"] = "janitor"
            return record
        }
        try JSONSerialization.data(withJSONObject: bad).write(to: url)
        #expect { try ApiKeyStore(dataDirectory: dir, masterKey: master) } throws: { error in
            String(describing: error).contains("janitor")
        }
    }
}
