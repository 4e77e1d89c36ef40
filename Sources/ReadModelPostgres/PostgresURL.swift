import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store lives, read from a `postgres://` URL (the `--store` option):
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=disable|prefer|require]`.
///
/// `schema` (default `public`) is the PostgreSQL schema holding Harbour's tables, so one
/// database can hold several venues or test runs; it must be a plain identifier.
/// `sslmode` defaults to `prefer` as in libpq; use `require` for a server on another machine:
/// the connection is then TLS or nothing (the server's certificate is verified against the
/// system's trust roots, and a server without TLS is refused at start with a message saying
/// so, `PostgresSession.probe`). `require` over a Unix socket is refused: it would not be TLS.
/// A `host` query item naming a directory connects over that Unix socket instead of TCP.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var schema: String
    public var sslMode: String
    /// A Unix socket directory (`?host=/dir`), used instead of TCP when set.
    public var socketDirectory: String?

    /// Why a store URL was refused.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Parses `text`; throws `Invalid` naming what is wrong.
    public init(_ text: String) throws {
        guard let c = URLComponents(string: text), let scheme = c.scheme, scheme == "postgres" || scheme == "postgresql" else {
            throw Invalid(description: "not a postgres:// URL: \(Self.redacted(text))")
        }
        var query: [String: String] = [:]
        for item in c.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let known: Set<String> = ["schema", "sslmode", "host"]
        if let unknown = query.keys.first(where: { !known.contains($0) }) {
            throw Invalid(description: "unknown parameter '\(unknown)' in the store URL (known: schema, sslmode, host)")
        }
        socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        host = c.host.flatMap { $0.isEmpty ? nil : $0 } ?? (socketDirectory == nil ? "127.0.0.1" : "")
        port = c.port ?? 5432
        guard (1...65535).contains(port) else { throw Invalid(description: "port \(port) out of range") }
        username = c.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = c.password.flatMap { $0.removingPercentEncoding }
        let path = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        database = path.isEmpty ? username : (path.removingPercentEncoding ?? path)
        schema = query["schema"] ?? "public"
        guard Self.isIdentifier(schema) else {
            throw Invalid(description: "schema '\(schema)' must be a plain identifier (letters, digits, _; not starting with a digit)")
        }
        sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw Invalid(description: "sslmode '\(sslMode)' not supported (disable, prefer or require)")
        }
        if sslMode == "require", socketDirectory != nil {
            throw Invalid(description: "sslmode=require cannot be honoured over a Unix socket (host=\(socketDirectory!)): "
                                       + "connect over TCP for TLS, or drop sslmode for a local socket")
        }
    }

    /// True when `text` is a `postgres://` or `postgresql://` URL (as opposed to a file path).
    public static func looksLikeURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.unicodeScalars.count <= 63 else { return false }
        let letters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz_")
        let rest = letters.union(CharacterSet(charactersIn: "0123456789"))
        return letters.contains(first) && s.unicodeScalars.allSatisfy { rest.contains($0) }
    }

    /// The same URL with another schema (tests give each store its own).
    public func with(schema: String) throws -> PostgresURL {
        guard Self.isIdentifier(schema) else { throw Invalid(description: "schema '\(schema)' must be a plain identifier") }
        var copy = self
        copy.schema = schema
        return copy
    }

    /// The client configuration: the schema is the connection's search_path.
    func configuration() -> PostgresClient.Configuration {
        var config: PostgresClient.Configuration
        if let socketDirectory {
            config = .init(unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: username, password: password,
                           database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch sslMode {
            case "disable": tls = .disable
            case "require": tls = .require(.makeClientConfiguration())
            default: tls = .prefer(.makeClientConfiguration())
            }
            config = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        // The schema is the search path; string literals follow the standard (the projection
        // writes literals, `SQLValue.literal()`).
        config.options.additionalStartupParameters = [("search_path", schema), ("standard_conforming_strings", "on")]
        config.options.maximumConnections = 8
        return config
    }

    /// The configuration of one direct connection (`PostgresSession.probe`), with the same TLS mode.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var config: PostgresConnection.Configuration
        if let socketDirectory {
            config = .init(unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: username, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch sslMode {
            case "disable": tls = .disable
            case "require": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            config = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        config.options.connectTimeout = .seconds(10)
        return config
    }

    /// The URL without its password, for logs.
    public var description: String {
        let who = username + (password == nil ? "" : ":***")
        let at = socketDirectory.map { "?host=\($0)&" } ?? "?"
        return "postgres://\(who)@\(host):\(port)/\(database)\(at)schema=\(schema)"
    }

    static func redacted(_ text: String) -> String {
        guard let c = URLComponents(string: text), c.password != nil else { return text }
        var copy = c
        copy.password = "***"
        return copy.string ?? "(unparseable)"
    }
}
