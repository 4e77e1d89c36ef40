import HarbourCore

/// What type a command field has on the wire.
public enum FieldKind: Sendable, Hashable {
    /// A JSON string of any text (names, checked against the engine's directory later).
    case text
    /// A decimal string matching `FixedDecimal.pattern`; a JSON number is refused.
    case decimal
    /// A JSON integer or a string holding one.
    case integer
    /// `true` or `false`.
    case bool
    /// A JSON string that is exactly one of the listed names (case-sensitive).
    case enumeration([String])
    /// A JSON string matching the rule's `pattern`.
    case patterned
}

/// One row of the validation table: a field's name, type, the pattern or names it must
/// match (as docs/openapi.yaml states them), and the code of a value outside them.
public struct FieldRule: Sendable {
    public let name: String
    public let kind: FieldKind
    /// The regular expression docs/openapi.yaml states for the field; nil when none.
    public let pattern: String?
    /// The code of a value of the right JSON type that breaks the pattern or names.
    public let code: RejectCode
    private let refusal: @Sendable (String) -> Rejection
    private let accepts: @Sendable (String) -> Bool

    init(_ name: String, _ kind: FieldKind, pattern: String? = nil, code: RejectCode = .malformedCommand,
         accepts: @escaping @Sendable (String) -> Bool = { _ in true },
         refusal: (@Sendable (String) -> Rejection)? = nil) {
        self.name = name
        self.kind = kind
        self.pattern = pattern
        self.code = code
        if case .enumeration(let names) = kind {
            self.accepts = { names.contains($0) }
        } else {
            self.accepts = accepts
        }
        self.refusal = refusal ?? { _ in Rejection(code, "field '\(name)' has an invalid value") }
    }

    /// The names an enumerated field takes, nil for other kinds.
    public var allowed: [String]? {
        if case .enumeration(let names) = kind { return names }
        return nil
    }

    /// Whether `text` satisfies the field's pattern or names (always true when it has none).
    public func matches(_ text: String) -> Bool { accepts(text) }

    /// The refusal of `text`, a value outside the rule.
    public func refuse(_ text: String) -> Rejection { refusal(text) }
}
