/// Why the read models could not project an outcome.
public enum ReadModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A line was not a JSON object of the replay format.
    case malformedLine(sequence: UInt64, line: String)
    /// An event lacked a field its type requires.
    case missingField(sequence: UInt64, type: String, field: String)

    public var description: String {
        switch self {
        case let .malformedLine(seq, line): return "outcome \(seq): malformed line \(line)"
        case let .missingField(seq, type, field): return "outcome \(seq): \(type) event without \(field)"
        }
    }
}
