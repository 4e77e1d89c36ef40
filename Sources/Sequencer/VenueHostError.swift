/// Why the venue host could not start or serve.
public enum VenueHostError: Error, CustomStringConvertible, Sendable {
    case recovery(String)
    case stateHashMismatch(sequence: UInt64, expected: String, found: String)
    case stopped

    public var description: String {
        switch self {
        case .recovery(let s): return "recovery failed: \(s)"
        case let .stateHashMismatch(seq, expected, found):
            return "state hash after replaying to \(seq) is \(found), but \(expected) was recorded: the journal or the engine changed"
        case .stopped: return "the venue is shutting down"
        }
    }
}
