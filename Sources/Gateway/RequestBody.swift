import Engine
import Foundation
import HarbourCore

/// The JSON type a body field must have. Money, prices and sizes are decimal strings:
/// a JSON number there is refused before anything reaches the engine.
enum FieldKind: Sendable {
    case string
    case decimal
    case bool
    /// An integer, or a string holding one (leverage, order ids).
    case integer
    case stringArray
    case object
}

/// The fields a request body may carry, and which are required.
struct BodySchema: Sendable {
    let fields: [String: FieldKind]
    let required: Set<String>

    init(_ fields: [String: FieldKind], required: Set<String> = []) {
        self.fields = fields
        self.required = required
    }
}

/// A parsed JSON object body, checked against a schema: malformed JSON, unknown fields,
/// missing fields and wrong types are all 400s with a message naming the field.
struct RequestBody: @unchecked Sendable {
    /// The parsed object (Foundation types; read it only through the accessors).
    let object: [String: Any]

    init(_ bytes: [UInt8], schema: BodySchema) throws(ApiError) {
        if bytes.isEmpty { throw ApiError.malformedJSON("the request body must be a JSON object") }
        // Strict (the replay decoder reads lines the same way): no byte-order mark, no
        // duplicate keys, one object and nothing after it.
        let obj: [String: Any]
        do { obj = try StrictJSON.object(bytes) } catch { throw ApiError.malformedJSON("the request body " + String(describing: error)) }
        for (k, v) in obj {
            guard let kind = schema.fields[k] else { throw ApiError.unknownField(k) }
            if v is NSNull { continue }
            try Self.check(k, v, kind)
        }
        for k in schema.required where obj[k] == nil || obj[k] is NSNull { throw ApiError.missingField(k) }
        object = obj
    }

    /// Parses a WebSocket message's object the same way (the `op` and `id` fields are
    /// the caller's to remove first).
    init(object obj: [String: Any], schema: BodySchema) throws(ApiError) {
        for (k, v) in obj {
            guard let kind = schema.fields[k] else { throw ApiError.unknownField(k) }
            if v is NSNull { continue }
            try Self.check(k, v, kind)
        }
        for k in schema.required where obj[k] == nil || obj[k] is NSNull { throw ApiError.missingField(k) }
        object = obj
    }

    static func check(_ k: String, _ v: Any, _ kind: FieldKind) throws(ApiError) {
        switch kind {
        case .string:
            guard v is String else { throw ApiError.invalidField("field '\(k)' must be a string") }
        case .decimal:
            guard let s = v as? String else {
                throw ApiError.invalidField("field '\(k)' must be a decimal string like \"1.5\" (JSON numbers are not accepted for money, prices or sizes)")
            }
            guard Self.looksDecimal(s) else { throw ApiError.invalidField("field '\(k)' must be a decimal string like \"1.5\", got '\(s)'") }
        case .bool:
            guard isBool(v) else { throw ApiError.invalidField("field '\(k)' must be true or false") }
        case .integer:
            if let s = v as? String {
                guard Int64(s) != nil else { throw ApiError.invalidField("field '\(k)' must be an integer") }
            } else {
                guard integer(v) != nil else { throw ApiError.invalidField("field '\(k)' must be an integer") }
            }
        case .stringArray:
            guard let a = v as? [Any], a.allSatisfy({ $0 is String }) else { throw ApiError.invalidField("field '\(k)' must be an array of strings") }
        case .object:
            guard v is [String: Any] else { throw ApiError.invalidField("field '\(k)' must be an object") }
        }
    }

    /// The decimal grammar of docs/openapi.yaml (`^-?[0-9]+(\.[0-9]+)?$`), the one the
    /// engine's parser and the replay decoder use; at most 40 characters.
    static func looksDecimal(_ s: String) -> Bool {
        s.utf8.count <= 40 && FixedDecimal.isPlainDecimal(s)
    }

    /// On Linux a JSON `1` also answers `is Bool`; the number's type code tells them apart.
    static func isBool(_ v: Any) -> Bool {
        guard let n = v as? NSNumber else { return false }
        return String(cString: n.objCType) == "c"
    }

    static func integer(_ v: Any?) -> Int64? {
        guard let n = v as? NSNumber else { return nil }
        switch String(cString: n.objCType) {
        case "i", "q", "l", "s", "I", "Q", "L", "S": return Int64(n.stringValue)
        default: return nil
        }
    }

    func string(_ k: String) -> String? { object[k] as? String }
    func bool(_ k: String) -> Bool? { (object[k] as? NSNumber).flatMap { Self.isBool($0) ? $0.boolValue : nil } }
    func int(_ k: String) -> Int64? {
        if let s = object[k] as? String { return Int64(s) }
        return Self.integer(object[k])
    }
    func strings(_ k: String) -> [String]? { object[k] as? [String] }
    func has(_ k: String) -> Bool { object[k] != nil && !(object[k] is NSNull) }
}
