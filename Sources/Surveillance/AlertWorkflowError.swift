/// Why an alert action was refused; a refusal changes nothing. Raw values are stable codes.
public enum AlertWorkflowError: String, Error, Sendable, Hashable, Codable {
    case unknownAlert = "UNKNOWN_ALERT"
    /// The alert is closed: nothing more happens to it.
    case alreadyClosed = "ALERT_CLOSED"
    /// The action needs the alert in another state (review needs `assigned`, close needs `underReview`).
    case invalidTransition = "INVALID_TRANSITION"
    /// Only the assignee reviews and closes.
    case notAssignee = "NOT_ASSIGNEE"
    /// Closing needs a non-empty comment.
    case commentRequired = "COMMENT_REQUIRED"
    /// The actor or the assignee is empty.
    case missingActor = "MISSING_ACTOR"

    public var message: String {
        switch self {
        case .unknownAlert: return "no alert with that id"
        case .alreadyClosed: return "the alert is closed; a closed alert is never re-opened"
        case .invalidTransition: return "review needs an assigned alert, close needs one under review"
        case .notAssignee: return "only the alert's assignee may review or close it"
        case .commentRequired: return "closing an alert needs a comment"
        case .missingActor: return "the actor and the assignee must be named"
        }
    }
}
