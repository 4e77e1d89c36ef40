import Disclosures
import Hummingbird

/// Disclosures (REG-1), public: every contract's current version, its text as JSON,
/// Markdown or a printable HTML page, any stored version, and the diff between versions.
extension GatewayCore {
    func addDisclosureRoutes(_ router: Router<GatewayRequestContext>) {
        route(router, .get, "/v1/disclosures", .open) { [self] _, _, caller in
            try Self.allowOnly([], caller)
            let library = try disclosureLibrary()
            return .array(library.all().map { current in
                .object([("symbol", .string(current.document.symbol)), ("version", .int(Int64(current.version))),
                         ("fingerprint", .string(current.document.fingerprint))])
            })
        }
        // Answers text as well as JSON, so it is registered by hand (in the route registry too).
        register(.get, "/v1/disclosures/{symbol}", .open)
        router.get("/v1/disclosures/{symbol}") { [self] request, context in
            let caller = try await admit(request, context, .open)
            try Self.allowOnly(["format", "version"], caller)
            let (symbol, current) = try disclosure(context)
            var version = current.version
            if let text = caller.query["version"] {
                guard let v = Int(text), (1...current.version).contains(v) else {
                    throw ApiError.invalidParameter("'version' must be a version from 1 to \(current.version)")
                }
                version = v
            }
            guard let terms = try disclosureLibrary().text(symbol, version: version) else { throw ApiError.notFound("no version \(version) of \(symbol)") }
            switch caller.query["format"] ?? "json" {
            case "json":
                return Self.response(.ok, .object([("symbol", .string(symbol)), ("version", .int(Int64(version))),
                                                   ("current", .bool(version == current.version)), ("markdown", .string(terms))]))
            case "md", "markdown":
                return Self.text(terms, type: "text/markdown; charset=utf-8")
            case "html":
                let page = DisclosureHTML.page(terms, title: "\(symbol) risk disclosure, version \(version)",
                                               footer: "\(symbol) risk disclosure, version \(version) of \(current.version). Generated from the venue's live configuration.")
                return Self.text(page, type: "text/html; charset=utf-8")
            default:
                throw ApiError.invalidParameter("'format' must be json, md or html")
            }
        }
        route(router, .get, "/v1/disclosures/{symbol}/diff", .open) { [self] _, context, caller in
            try Self.allowOnly(["from", "to"], caller)
            let (symbol, current) = try disclosure(context)
            func version(_ key: String, _ fallback: Int) throws(ApiError) -> Int {
                guard let text = caller.query[key] else { return fallback }
                guard let v = Int(text), (1...current.version).contains(v) else {
                    throw ApiError.invalidParameter("'\(key)' must be a version from 1 to \(current.version)")
                }
                return v
            }
            let to = try version("to", current.version)
            let from = try version("from", max(1, to - 1))
            let lines = try disclosureLibrary().diff(symbol, from: from, to: to) ?? []
            return .object([("symbol", .string(symbol)), ("from", .int(Int64(from))), ("to", .int(Int64(to))),
                            ("changes", .array(lines.map { .string($0) }))])
        }
    }

    private func disclosureLibrary() throws(ApiError) -> DisclosureLibrary {
        guard let library = configuration.disclosures else { throw ApiError.notReady("this venue publishes no disclosures") }
        return library
    }

    private func disclosure(_ context: GatewayRequestContext) throws(ApiError) -> (String, DisclosureLibrary.Current) {
        let symbol = context.parameters.get("symbol") ?? ""
        guard let current = try disclosureLibrary().current(symbol) else { throw ApiError.unknownSymbol(symbol) }
        return (symbol, current)
    }

    static func text(_ body: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
