/// A refusal: a stable code plus a human message naming the rule that refused.
public struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: RejectCode
    public let message: String

    public init(_ code: RejectCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
