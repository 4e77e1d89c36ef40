/// A sensitive change waiting for a second person (REG-4): made by one staff member,
/// approved or rejected by a different one, both recorded. A state machine that returns
/// what happened; what the change does is the caller's (the engine applies it on approval).
public struct FourEyesRequest<Change: Sendable & Hashable>: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case pending
        case approved(by: String, at: Int64)
        case rejected(by: String, at: Int64, reason: String)
    }

    public let id: Int64
    public let change: Change
    public let maker: String
    public let madeAt: Int64
    public let reason: String
    public private(set) var state: State = .pending

    public init(id: Int64, change: Change, maker: String, madeAt: Int64, reason: String) throws(ComplianceError) {
        guard !maker.isEmpty else { throw .invalidAssessment("a request names its maker") }
        guard !reason.isEmpty else { throw .invalidAssessment("a sensitive change records its reason") }
        self.id = id
        self.change = change
        self.maker = maker
        self.madeAt = madeAt
        self.reason = reason
    }

    /// A pending request exactly as recorded earlier (restoring engine state).
    public init(restoringPending id: Int64, change: Change, maker: String, madeAt: Int64, reason: String) {
        self.id = id
        self.change = change
        self.maker = maker
        self.madeAt = madeAt
        self.reason = reason
    }

    /// The checker approves: returns the change to apply. Refused for the maker, or when
    /// the request was already decided.
    public mutating func approve(by checker: String, at now: Int64) throws(ComplianceError) -> Change {
        try checkDecidable(by: checker)
        state = .approved(by: checker, at: now)
        return change
    }

    /// The checker rejects, with a reason; nothing is applied.
    public mutating func reject(by checker: String, at now: Int64, reason: String) throws(ComplianceError) {
        try checkDecidable(by: checker)
        guard !reason.isEmpty else { throw .invalidAssessment("a rejection records its reason") }
        state = .rejected(by: checker, at: now, reason: reason)
    }

    private func checkDecidable(by checker: String) throws(ComplianceError) {
        guard state == .pending else { throw .requestNotPending("request \(id) was already decided") }
        guard !checker.isEmpty else { throw .invalidAssessment("a decision names its checker") }
        guard checker != maker else { throw .sameMakerAndChecker("\(maker) made request \(id) and cannot also check it") }
    }
}
