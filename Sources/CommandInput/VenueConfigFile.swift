import Engine
import Foundation

/// Reading the venue's configuration file (PERP-1, `config/venue.json`): file I/O lives
/// here, at the edge, not in the Engine target, which only parses a document it is given.
extension VenueConfig {
    /// Loads and parses a configuration file.
    public static func load(path: String) throws -> VenueConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigFileError(description: "cannot read configuration file \(path)")
        }
        return try parse(data)
    }
}

/// A configuration file that could not be read at all (a bad document is a
/// `VenueConfig.ConfigError` from the parser).
public struct ConfigFileError: Error, CustomStringConvertible {
    public let description: String
}
