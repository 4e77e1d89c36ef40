import Foundation
import Logging
import PostgresNIO

/// A pool of connections to one PostgreSQL schema (`PostgresURL`), with the few ways the
/// Harbour stores talk to it: parameterised queries written with `?` placeholders, scripts
/// of literal statements in one round trip, and transactions. Runs the client's background
/// task for its lifetime; `close()` ends it.
final class PostgresSession: Sendable {
    let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    init(url: PostgresURL, logger: Logger = Logger(label: "harbour.postgres")) {
        self.url = url
        self.logger = logger
        // The pool's background chatter (a connection attempt cut short by close()) is not news.
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(configuration: url.configuration(), backgroundLogger: background)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Opens and closes one connection to `url`, so that a server that cannot be reached, is
    /// not TLS when `sslmode=require` asks for it, or refuses the credentials fails the
    /// store's opening at once with the reason (the pool would retry in the background).
    static func probe(_ url: PostgresURL, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 0, logger: logger)
        try await connection.close()
    }

    /// Stops the pool; queries after this fail.
    func close() { runner.cancel() }

    /// `sql` with `?` placeholders turned into `$1`, `$2`, ... and `values` bound to them.
    static func query(_ sql: String, _ values: [SQLValue]) -> PostgresQuery {
        var text = ""
        text.reserveCapacity(sql.utf8.count + 8)
        var n = 0
        for c in sql {
            if c == "?" { n += 1; text += "$\(n)" } else { text.append(c) }
        }
        precondition(n == values.count, "\(n) placeholders but \(values.count) values in: \(sql)")
        var bindings = PostgresBindings(capacity: values.count)
        for v in values { v.bind(into: &bindings) }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }

    /// Runs one statement and returns its rows.
    func rows(_ sql: String, _ values: [SQLValue] = []) async throws -> [PostgresRow] {
        var out: [PostgresRow] = []
        for try await row in try await client.query(Self.query(sql, values), logger: logger) { out.append(row) }
        return out
    }

    /// Runs one statement on `connection` (inside a transaction) and returns its rows.
    static func rows(_ connection: PostgresConnection, _ sql: String, _ values: [SQLValue] = [], logger: Logger) async throws -> [PostgresRow] {
        var out: [PostgresRow] = []
        for try await row in try await connection.query(query(sql, values), logger: logger) { out.append(row) }
        return out
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    /// Errors are unwrapped from PostgresNIO's transaction error so callers see the cause.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let e as PostgresTransactionError {
            throw e.closureError ?? e.commitError ?? e.beginError ?? e
        }
    }

    /// Sends a script of literal statements in one round trip on `connection`.
    static func run(_ script: SQLScript, on connection: PostgresConnection, logger: Logger) async throws {
        guard script.statements > 0 else { return }
        try await connection.query(PostgresQuery(unsafeSQL: script.block), logger: logger)
    }

    /// Runs one statement without parameters on `connection`.
    static func execute(_ sql: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }
}

/// A `PostgresError` with the server's message, for errors a user reads.
public struct PostgresStoreError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// The server's message inside a PostgresNIO error, when there is one.
    static func describe(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            if e.code == .sslUnsupported {
                return "the server does not offer TLS but the store URL says sslmode=require (or verify-ca, verify-full): "
                    + "configure TLS on the PostgreSQL server (ssl = on), or use sslmode=prefer or disable on a trusted network"
            }
            if let message = e.serverInfo?[.message] { return "PostgreSQL: \(message)" }
            // A TLS handshake refused (certificate not trusted, wrong name): say which check failed.
            if let underlying = e.underlying { return "PostgreSQL: \(e.code): \(underlying)" }
            return "PostgreSQL: \(e.code)"
        }
        return "\(error)"
    }
}
