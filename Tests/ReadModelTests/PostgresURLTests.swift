import Foundation
import ReadModelPostgres
import Testing

/// The store URL's `sslmode` (OPS-4): parsed strictly, honoured (require means TLS or no
/// connection), and refused with a message saying what to do when it cannot be honoured.
@Suite struct PostgresURLTests {
    @Test func sslModeIsParsedAndDefaultsToPrefer() throws {
        #expect(try PostgresURL("postgres://u@db.example:5433/harbour").sslMode == "prefer")
        for mode in ["disable", "prefer", "require"] {
            let url = try PostgresURL("postgres://u:p%40ss@db.example:5433/harbour?schema=venue_1&sslmode=\(mode)")
            #expect(url.sslMode == mode && url.host == "db.example" && url.port == 5433 && url.password == "p@ss" && url.schema == "venue_1")
        }
        #expect(try PostgresURL("postgresql://u@h/db?sslmode=require").sslMode == "require")
    }

    @Test(arguments: [
        ("postgres://u@h/db?sslmode=verify-full", "sslmode 'verify-full' not supported (disable, prefer or require)"),
        ("postgres://u@h/db?sslmode=", "sslmode '' not supported (disable, prefer or require)"),
        ("postgres://u@h/db?sslmode=require&host=/var/run/postgresql", "sslmode=require cannot be honoured over a Unix socket"),
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
}
