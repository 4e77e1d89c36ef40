/// The configured derivatives knowledge quiz (PI-2): how many questions it has and the
/// score that passes. Staff record a client's score; the pass mark is the venue's, not
/// the recorder's.
public struct KnowledgeQuiz: Sendable, Hashable, Codable {
    public let questions: Int
    public let passMark: Int

    public init(questions: Int = 20, passMark: Int = 14) throws(ComplianceError) {
        guard questions > 0, (1...questions).contains(passMark) else {
            throw .invalidPolicy("a quiz has at least one question and a pass mark within 1...questions")
        }
        self.questions = questions
        self.passMark = passMark
    }

    /// Twenty questions, fourteen to pass (70%).
    public static let standard = try! KnowledgeQuiz()
}
