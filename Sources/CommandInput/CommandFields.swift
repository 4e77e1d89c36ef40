/// The fields of one command request by name, typed (`FieldValue`). Every entry point
/// produces one — `/v1` and WebSocket from their strict JSON object, `/fapi` from its
/// query after the Binance name mapping, replay from its line — and `CommandBuilder`
/// turns it into the same `Command`, by the rules of `CommandFieldTable`.
public struct CommandFields: Sendable, Hashable {
    public private(set) var values: [String: FieldValue]

    public init(_ values: [String: FieldValue] = [:]) {
        self.values = values
    }

    /// The fields of a JSON object read by `StrictJSON`.
    public init(json object: [String: Any]) {
        var values: [String: FieldValue] = [:]
        for (name, value) in object { values[name] = FieldValue(json: value) }
        self.values = values
    }

    public subscript(name: String) -> FieldValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// Whether the field was sent with a value other than `null`.
    public func has(_ name: String) -> Bool {
        guard let value = values[name] else { return false }
        return !value.isNull
    }

    /// The field's text when it is a JSON string.
    public func text(_ name: String) -> String? {
        if case .string(let text)? = values[name] { return text }
        return nil
    }
}
