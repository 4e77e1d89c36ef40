/// A client's derivatives knowledge assessment (PI-2), a record separate from PI status: a
/// client can be a professional investor and still fail it.
public struct KnowledgeAssessment: Sendable, Hashable, Codable {
    /// How the knowledge was established.
    public enum Method: Sendable, Hashable, Codable {
        /// Training or qualifications on derivatives (reference to the certificate).
        case training(reference: String)
        /// Work experience involving derivatives (employer and role).
        case workExperience(reference: String)
        /// Past trading of derivatives (at least a number of transactions in a period).
        case tradingHistory(reference: String)
        /// A quiz: the score against the configured pass mark.
        case quiz(score: Int, passMark: Int, questions: Int)
    }

    public let method: Method
    public let passed: Bool
    /// Command time of the assessment (ms).
    public let assessedAt: Int64
    /// The staff member who recorded it.
    public let assessedBy: String

    /// A quiz passes at or above its pass mark; the other methods pass when staff record a
    /// non-empty reference (and fail when they record the method as not met).
    public init(method: Method, met: Bool = true, assessedAt: Int64, assessedBy: String) throws(ComplianceError) {
        guard !assessedBy.isEmpty else { throw .invalidAssessment("an assessment names who recorded it") }
        switch method {
        case let .quiz(score, passMark, questions):
            guard questions > 0, (0...questions).contains(passMark), (0...questions).contains(score) else {
                throw .invalidAssessment("quiz score \(score) and pass mark \(passMark) must lie within 0...\(questions)")
            }
            passed = score >= passMark
        case let .training(reference), let .workExperience(reference), let .tradingHistory(reference):
            guard !reference.isEmpty else { throw .invalidAssessment("a \(method) assessment records its reference") }
            passed = met
        }
        self.method = method
        self.assessedAt = assessedAt
        self.assessedBy = assessedBy
    }

    /// An assessment exactly as recorded earlier (restoring engine state).
    public init(restoring method: Method, passed: Bool, assessedAt: Int64, assessedBy: String) {
        self.method = method
        self.passed = passed
        self.assessedAt = assessedAt
        self.assessedBy = assessedBy
    }
}
