import Foundation
import ReadModelPostgres
import Testing

/// The store URL's `sslmode` (OPS-4): parsed strictly, honoured (require means TLS or no
/// connection), and refused with a message saying what to do when it cannot be honoured.
@Suite struct PostgresURLTests {
    @Test func sslModeIsParsedAndDefaultsToPrefer() throws {
        #expect(try PostgresURL("postgres://u@db.example:5433/harbour").sslMode == "prefer")
        for mode in ["disable", "prefer", "require", "verify-ca", "verify-full"] {
            let url = try PostgresURL("postgres://u:p%40ss@db.example:5433/harbour?schema=venue_1&sslmode=\(mode)")
            #expect(url.sslMode == mode && url.host == "db.example" && url.port == 5433 && url.password == "p@ss" && url.schema == "venue_1")
        }
        #expect(try PostgresURL("postgresql://u@h/db?sslmode=require").sslMode == "require")
    }

    @Test(arguments: [
        ("postgres://u@h/db?sslmode=verify-any", "sslmode 'verify-any' not supported (disable, prefer, require, verify-ca or verify-full)"),
        ("postgres://u@h/db?sslmode=", "sslmode '' not supported (disable, prefer, require, verify-ca or verify-full)"),
        ("postgres://u@h/db?sslmode=require&host=/var/run/postgresql", "sslmode=require cannot be honoured over a Unix socket"),
        ("postgres://u@h/db?sslmode=verify-full&host=/var/run/postgresql", "sslmode=verify-full cannot be honoured over a Unix socket"),
        ("postgres://u@h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem", "sslrootcert '/nonexistent/ca.pem' is not a readable file"),
        ("postgres://u@h/db?sslmode=verify-full&sslrootcert=/etc/passwd", "sslrootcert '/etc/passwd' is not a PEM certificate file"),
        ("postgres://u@h/db?sslmode=verify-full&sslcert=/etc/passwd", "sslcert and sslkey go together"),
        ("postgres://u@h/db?sslmode=disable&sslrootcert=/etc/passwd", "sslrootcert is given but sslmode=disable"),
        ("postgres://u@h/db?ssl=true", "unknown parameter 'ssl' in the store URL"),
    ])
    func badSslSettingsAreRefusedSayingWhy(_ text: String, _ message: String) {
        #expect {
            try PostgresURL(text)
        } throws: { error in
            (error as? PostgresURL.Invalid)?.description.contains(message) == true
        }
    }

    /// The test server has no TLS: `sslmode=require` must refuse to open the store (not fall
    /// back to plain text, not hang retrying), naming the cause; `prefer` connects.
    @Test(.enabled(if: StoreKind.postgresURL != nil, "needs HARBOUR_TEST_POSTGRES_URL"))
    func requireAgainstAServerWithoutTLSIsRefusedAtOpen() async throws {
        let base = try TestStore.freshSchema(try #require(StoreKind.postgresURL))
        var require = base
        require.sslMode = "require"
        await #expect {
            _ = try await PostgresReadModelStore(url: require)
        } throws: { error in
            "\(error)".contains("the server does not offer TLS but the store URL says sslmode=require")
        }
        await #expect(throws: (any Error).self) { _ = try await JournalReplica(url: require) }
        var prefer = base
        prefer.sslMode = "prefer"
        let store = try await PostgresReadModelStore(url: prefer)
        defer { store.close() }
        #expect(try await store.lastSequence == 0)
    }

    /// A TLS-only server (scripts/postgres-temp.sh `postgres_tls_start`): its certificate is
    /// signed by a test CA and names only `localhost`; the role harbour_cert logs in by client
    /// certificate alone. Each mode must connect exactly when its checks pass.
    @Test(.enabled(if: PostgresURLTests.tls != nil, "needs HARBOUR_TEST_POSTGRES_TLS_PORT and _DIR (scripts/test.sh sets them)"))
    func verifyModesAndClientCertificatesAgainstATLSServer() async throws {
        let (port, dir) = try #require(Self.tls)
        func url(_ user: String = "postgres", host: String = "127.0.0.1", _ query: String) throws -> PostgresURL {
            try PostgresURL("postgres://\(user)@\(host):\(port)/postgres?\(query)")
                .with(schema: "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "_"))
        }
        func opens(_ u: PostgresURL) async throws {
            let store = try await PostgresReadModelStore(url: u)
            defer { store.close() }
            #expect(try await store.lastSequence == 0)
        }
        func refused(_ u: PostgresURL, _ because: String) async {
            await #expect("\(u) is refused: \(because)") {
                let store = try await PostgresReadModelStore(url: u)
                store.close()
            } throws: { error in
                "\(error)".contains("cannot open the PostgreSQL store")
            }
        }
        let ca = "sslrootcert=\(dir)/ca.pem"
        // verify-full: the chain and the name. The certificate names localhost, not 127.0.0.1.
        try await opens(try url(host: "localhost", "sslmode=verify-full&\(ca)"))
        await refused(try url(host: "127.0.0.1", "sslmode=verify-full&\(ca)"), "the certificate does not name 127.0.0.1")
        await refused(try url(host: "localhost", "sslmode=verify-full&sslrootcert=\(dir)/other-ca.pem"), "another CA")
        await refused(try url(host: "localhost", "sslmode=verify-full"), "the test CA is not a system root")
        // require is verify-full in Harbour (stricter than libpq's require).
        await refused(try url(host: "127.0.0.1", "sslmode=require&\(ca)"), "require checks the name too")
        // verify-ca: the chain only.
        try await opens(try url(host: "127.0.0.1", "sslmode=verify-ca&\(ca)"))
        await refused(try url(host: "127.0.0.1", "sslmode=verify-ca&sslrootcert=\(dir)/other-ca.pem"), "another CA")
        // The server is TLS only: disable is refused by the server.
        await refused(try url("postgres", host: "127.0.0.1", "sslmode=disable"), "no plain connections")
        // A client certificate: harbour_cert has no password, only its certificate.
        let client = "sslcert=\(dir)/client.pem&sslkey=\(dir)/client.key"
        try await opens(try url("harbour_cert", host: "localhost", "sslmode=verify-full&\(ca)&\(client)"))
        try await opens(try url("harbour_cert", host: "127.0.0.1", "sslmode=verify-ca&\(ca)&\(client)"))
        await refused(try url("harbour_cert", host: "localhost", "sslmode=verify-full&\(ca)"), "no client certificate")
        // The journal copy opens the same way.
        let replica = try await JournalReplica(url: try url("harbour_cert", host: "localhost", "sslmode=verify-full&\(ca)&\(client)"))
        defer { replica.close() }
        #expect(try await replica.last() == nil)
    }

    static var tls: (port: String, dir: String)? {
        let env = ProcessInfo.processInfo.environment
        guard let port = env["HARBOUR_TEST_POSTGRES_TLS_PORT"], let dir = env["HARBOUR_TEST_POSTGRES_TLS_DIR"], !port.isEmpty else { return nil }
        return (port, dir)
    }
}
