import Foundation

/// One field of a command request, typed, whatever carried it: a JSON value of a `/v1`
/// body, a WebSocket message or a replay line, or a `/fapi` query parameter after its
/// Binance name mapping. The command builder reads only these, never Foundation's `Any`.
public enum FieldValue: Sendable, Hashable {
    case string(String)
    /// An exact JSON integer (no fraction, no exponent).
    case integer(Int64)
    /// A JSON number that is not an exact Int64 integer, kept as its text (never a double).
    case number(String)
    case bool(Bool)
    /// JSON `null`: read as "not sent" by every optional field.
    case null
    /// A JSON array or object (no command field takes one).
    case structured

    /// The typed value of one value of Foundation's JSON parse result. On Linux a JSON `1`
    /// also answers `is Bool`; the number's type code tells booleans and integers apart.
    public init(json value: Any) {
        switch value {
        case let text as String: self = .string(text)
        case is NSNull: self = .null
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c": self = .bool(number.boolValue)
            case "i", "q", "l", "s", "I", "Q", "L", "S":
                self = Int64(number.stringValue).map(FieldValue.integer) ?? .number(number.stringValue)
            default: self = .number(number.stringValue)
            }
        default: self = .structured
        }
    }

    /// True for `null`, which optional fields treat as absent.
    public var isNull: Bool { self == .null }
}
