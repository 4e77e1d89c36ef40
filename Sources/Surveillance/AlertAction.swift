/// What compliance does to an alert. Raw codes of `code` are stable (they are written to
/// the workflow log).
public enum AlertAction: Sendable, Hashable, Codable {
    /// Give the alert to a reviewer (also a re-assignment, which sends it back to `assigned`).
    case assign(to: String)
    /// The assignee starts the review.
    case review
    /// The assignee closes it with the decision in words (required).
    case close(comment: String)

    public var code: String {
        switch self {
        case .assign: return "assign"
        case .review: return "review"
        case .close: return "close"
        }
    }
}
