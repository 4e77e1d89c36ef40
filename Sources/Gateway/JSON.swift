import Engine
/// A JSON value the gateway writes. Built by hand (not `JSONSerialization`) so output
/// is deterministic, numbers are only ever integers, and already-rendered JSON (an
/// engine event line) can be embedded without a parse round trip.
public indirect enum JSON: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null
    case array([JSON])
    /// Keys keep the order given.
    case object([(String, JSON)])
    /// Text that is already valid JSON.
    case raw(String)

    public static func == (a: JSON, b: JSON) -> Bool { a.rendered == b.rendered }

    /// The compact JSON text.
    public var rendered: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .string(let s): JSON.quote(s, into: &out)
        case .int(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .raw(let r): out += r
        case .array(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                v.write(into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (i, (k, v)) in fields.enumerated() {
                if i > 0 { out += "," }
                JSON.quote(k, into: &out)
                out += ":"
                v.write(into: &out)
            }
            out += "}"
        }
    }

    static func quote(_ s: String, into out: inout String) { JSONText.quote(s, into: &out) }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
}
