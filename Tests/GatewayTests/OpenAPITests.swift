import Foundation
import Gateway
import Testing

@Suite("OpenAPI document") struct OpenAPITests {
    /// `docs/openapi.yaml`, found from this source file.
    static func document() throws -> String {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("docs/openapi.yaml")
            if FileManager.default.fileExists(atPath: candidate.path) { return try String(contentsOf: candidate, encoding: .utf8) }
            dir = dir.deletingLastPathComponent()
        }
        throw WSTestError(description: "docs/openapi.yaml not found")
    }

    /// "METHOD /path" for every operation under `paths:`.
    static func documented(_ yaml: String) -> Set<String> {
        var out = Set<String>()
        var inPaths = false
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, let first = line.first, first != " " { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let word = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "patch", "delete"].contains(String(word)) { out.insert("\(word.uppercased()) \(path)") }
            }
        }
        return out
    }

    @Test("every route in the router is in docs/openapi.yaml, and every documented operation is routed")
    func routesMatchDocument() async throws {
        let venue = try await TestVenue()
        defer { venue.close() }
        let router = GatewayServer.makeRouter(host: venue.host, keys: venue.keys)
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let documented = Self.documented(try Self.document())
        #expect(routed.count > 25)
        #expect(routed.subtracting(documented).isEmpty, "routed but not documented: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
    }
}
