/// Why a compliance record or decision was refused as input: each case names the field or
/// rule, so an operator's request gets a clear error and changes nothing.
public enum ComplianceError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidCurrency(String)
    case invalidAmount(String)
    case conversionRateMismatch(String)
    case invalidEvidence(String)
    case invalidPolicy(String)
    case invalidAssessment(String)
    case sameMakerAndChecker(String)
    case requestNotPending(String)

    /// A stable code for the API and the engine's rejection.
    public var code: String {
        switch self {
        case .invalidCurrency: return "INVALID_CURRENCY"
        case .invalidAmount: return "INVALID_AMOUNT"
        case .conversionRateMismatch: return "CONVERSION_RATE_MISMATCH"
        case .invalidEvidence: return "INVALID_EVIDENCE"
        case .invalidPolicy: return "INVALID_POLICY"
        case .invalidAssessment: return "INVALID_ASSESSMENT"
        case .sameMakerAndChecker: return "SAME_MAKER_AND_CHECKER"
        case .requestNotPending: return "REQUEST_NOT_PENDING"
        }
    }

    public var description: String {
        switch self {
        case let .invalidCurrency(what): return "invalid currency code \(what): three upper-case letters, e.g. HKD"
        case let .invalidAmount(what), let .conversionRateMismatch(what), let .invalidEvidence(what),
             let .invalidPolicy(what), let .invalidAssessment(what), let .sameMakerAndChecker(what),
             let .requestNotPending(what):
            return what
        }
    }
}
