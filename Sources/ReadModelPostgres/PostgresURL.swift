import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store lives, read from a `postgres://` URL (the `--store` option):
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=MODE&sslrootcert=PEM&sslcert=PEM&sslkey=PEM]`.
///
/// `schema` (default `public`) is the PostgreSQL schema holding Harbour's tables, so one
/// database can hold several venues or test runs; it must be a plain identifier.
/// `sslmode` (libpq's names) defaults to `prefer`; for a server on another machine use
/// `verify-full` (or `require`, which Harbour treats the same: stricter than libpq's):
/// - `disable`: plain TCP;
/// - `prefer`: TLS if the server offers it, verified as below, else plain TCP;
/// - `require`, `verify-full`: TLS or no connection; the server's certificate must chain to
///   the trust roots (`sslrootcert`, a PEM file, or the system's) and name the host (DNS
///   name, or IP address for an IP host);
/// - `verify-ca`: TLS or no connection; the certificate must chain to the trust roots, its
///   name is not checked (a server reached by an address its certificate does not name).
/// A server without TLS is refused at start with a message saying so (`PostgresSession.probe`),
/// as is a certificate that fails verification. `sslcert` and `sslkey` (PEM files, both or
/// neither) are the client certificate for a server that authenticates clients by
/// certificate (`hostssl ... cert` in pg_hba.conf). The files are read when the URL is parsed,
/// so a missing or unreadable one is refused at once, naming it. TLS over a Unix socket is
/// refused: a socket is not TLS. A `host` query item naming a directory connects over that
/// Unix socket instead of TCP.
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
    /// PEM file of the certificate authorities to trust (`sslrootcert`; default: the system's).
    public var sslRootCert: String?
    /// PEM files of the client certificate chain and its private key (`sslcert`, `sslkey`).
    public var sslCert: String?
    public var sslKey: String?

    /// The `sslmode` values understood, in increasing strictness.
    public static let sslModes = ["disable", "prefer", "require", "verify-ca", "verify-full"]

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
        let known: Set<String> = ["schema", "sslmode", "host", "sslrootcert", "sslcert", "sslkey"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw Invalid(description: "unknown parameter '\(unknown)' in the store URL (known: schema, sslmode, sslrootcert, sslcert, sslkey, host)")
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
        guard Self.sslModes.contains(sslMode) else {
            throw Invalid(description: "sslmode '\(sslMode)' not supported (disable, prefer, require, verify-ca or verify-full)")
        }
        if ["require", "verify-ca", "verify-full"].contains(sslMode), socketDirectory != nil {
            throw Invalid(description: "sslmode=\(sslMode) cannot be honoured over a Unix socket (host=\(socketDirectory!)): "
                                       + "connect over TCP for TLS, or drop sslmode for a local socket")
        }
        sslRootCert = query["sslrootcert"]
        sslCert = query["sslcert"]
        sslKey = query["sslkey"]
        if (sslCert == nil) != (sslKey == nil) {
            throw Invalid(description: "sslcert and sslkey go together: the client certificate needs its private key (both PEM files)")
        }
        let files = [("sslrootcert", sslRootCert), ("sslcert", sslCert), ("sslkey", sslKey)].compactMap { n, v in v.map { (n, $0) } }
        if sslMode == "disable", let (name, _) = files.first {
            throw Invalid(description: "\(name) is given but sslmode=disable: drop it, or use sslmode=verify-full")
        }
        try Self.check(rootCert: sslRootCert, cert: sslCert, key: sslKey)
    }

    /// Reads the TLS files once, so that a missing, unreadable or malformed one is refused
    /// when the URL is parsed, naming it, rather than at the first connection.
    static func check(rootCert: String?, cert: String?, key: String?) throws {
        func load<T>(_ name: String, _ path: String, _ read: (String) throws -> T) throws {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw Invalid(description: "\(name) '\(path)' is not a readable file")
            }
            do { _ = try read(path) } catch {
                throw Invalid(description: "\(name) '\(path)' is not a PEM \(name == "sslkey" ? "private key" : "certificate") file: \(error)")
            }
        }
        if let rootCert {
            try load("sslrootcert", rootCert) { p in
                let certs = try NIOSSLCertificate.fromPEMFile(p)
                if certs.isEmpty { throw Invalid(description: "no certificate in it") }
            }
        }
        if let cert { try load("sslcert", cert) { p in _ = try NIOSSLCertificate.fromPEMFile(p) } }
        if let key { try load("sslkey", key) { p in _ = try NIOSSLPrivateKey(file: p, format: .pem) } }
    }

    /// The TLS settings `sslmode` and the files ask for (for every mode but `disable`).
    func tlsConfiguration() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = sslMode == "verify-ca" ? .noHostnameVerification : .fullVerification
        // Loaded here rather than named as `.file`: NIOSSL picks a file's format by its
        // extension and refuses `client.key` or `ca.crt`; these are PEM whatever their name
        // (and were read once already when the URL was parsed).
        if let sslRootCert, let roots = try? NIOSSLCertificate.fromPEMFile(sslRootCert) { tls.trustRoots = .certificates(roots) }
        if let sslCert, let sslKey {
            // Every certificate of the file, leaf first, so an intermediate can travel with it.
            tls.certificateChain = ((try? NIOSSLCertificate.fromPEMFile(sslCert)) ?? []).map { .certificate($0) }
            if let key = try? NIOSSLPrivateKey(file: sslKey, format: .pem) { tls.privateKey = .privateKey(key) }
        }
        return tls
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
            case "prefer": tls = .prefer(tlsConfiguration())
            default: tls = .require(tlsConfiguration())
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
            case "prefer": tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration()))
            default: tls = .require(try NIOSSLContext(configuration: tlsConfiguration()))
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
