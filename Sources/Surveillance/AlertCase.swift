/// One alert under compliance's review: the alert, its status, its assignee and the
/// append-only history of what was done to it. A state machine: `apply` either appends one
/// entry and returns it, or refuses with a stable code and changes nothing.
///
/// open → assign → assigned → review → underReview → close(comment) → closed; assign is
/// also allowed from assigned and underReview (re-assignment, back to assigned). Only the
/// assignee reviews and closes; a closed alert takes no action at all.
public struct AlertCase: Sendable, Hashable, Codable {
    public let alert: RaisedAlert
    public private(set) var status: AlertStatus = .open
    public private(set) var assignee: String?
    public private(set) var history: [AlertHistoryEntry] = []

    public init(alert: RaisedAlert) { self.alert = alert }

    @discardableResult
    public mutating func apply(_ action: AlertAction, by actor: String, at now: Int64) throws(AlertWorkflowError) -> AlertHistoryEntry {
        let next = try self.next(after: action, by: actor)
        let entry = AlertHistoryEntry(alertId: alert.id, sequence: history.count + 1, atMs: now, actor: actor,
                                      action: action, from: status, to: next)
        history.append(entry)
        status = next
        if case .assign(let reviewer) = action { assignee = reviewer }
        return entry
    }

    /// The status `action` leads to, or why it is refused.
    private func next(after action: AlertAction, by actor: String) throws(AlertWorkflowError) -> AlertStatus {
        guard status != .closed else { throw .alreadyClosed }
        guard !blank(actor) else { throw .missingActor }
        switch action {
        case .assign(let reviewer):
            guard !blank(reviewer) else { throw .missingActor }
            return .assigned
        case .review:
            guard status == .assigned else { throw .invalidTransition }
            guard actor == assignee else { throw .notAssignee }
            return .underReview
        case .close(let comment):
            guard status == .underReview else { throw .invalidTransition }
            guard actor == assignee else { throw .notAssignee }
            guard !blank(comment) else { throw .commentRequired }
            return .closed
        }
    }

    private func blank(_ text: String) -> Bool { text.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" } }
}
