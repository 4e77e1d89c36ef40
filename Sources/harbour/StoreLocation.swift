import Foundation
import ReadModel
import ReadModelPostgres

/// Where the read models live, from `--store` (serve, rebuild): the embedded SQLite file
/// `DATA/readmodel.sqlite` by default (`--store sqlite`, or a file path), or PostgreSQL
/// (`--store postgres://USER@HOST:PORT/DB?schema=NAME`, docs/OPERATOR.md "PostgreSQL").
/// With PostgreSQL the journal is also copied there as it is written.
enum StoreLocation: CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    /// Reads the option; nil means the default SQLite file in `dataDirectory`.
    init(_ option: String?, dataDirectory: URL) throws {
        let defaultPath = dataDirectory.appendingPathComponent("readmodel.sqlite").path
        guard let option, !option.isEmpty, option != "sqlite" else { self = .sqlite(path: defaultPath); return }
        if PostgresURL.looksLikeURL(option) {
            self = .postgres(try PostgresURL(option))
        } else if option.contains("://") {
            throw PostgresURL.Invalid(description: "--store takes 'sqlite', a SQLite file path or a postgres:// URL, not \(option)")
        } else {
            self = .sqlite(path: option)
        }
    }

    var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url.description
        }
    }

    var postgresURL: PostgresURL? {
        if case .postgres(let url) = self { return url }
        return nil
    }

    /// Opens (creating and migrating if needed) the store.
    func open() async throws -> any ReadModelStorage {
        switch self {
        case .sqlite(let path): try ReadModelStore(path: path)
        case .postgres(let url): try await PostgresReadModelStore(url: url)
        }
    }
}
