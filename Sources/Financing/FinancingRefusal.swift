/// Why a financing request (drawdown, release, repayment, credit decision) was refused:
/// a stable code naming the rule or limit, and a message with the figures (FIN-1, FIN-3,
/// PI-3). A refusal changes nothing.
public struct FinancingRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Published codes; a code never changes meaning.
    public enum Code: String, Sendable, CaseIterable {
        // Eligibility (FIN-1, PI-3), checked before the controls.
        case notMarginClient = "NOT_MARGIN_CLIENT"
        case notProfessionalInvestor = "NOT_PROFESSIONAL_INVESTOR"
        case disclosureNotAcknowledged = "DISCLOSURE_NOT_ACKNOWLEDGED"
        case classificationExpired = "CLASSIFICATION_EXPIRED"
        case noCreditAssessment = "NO_CREDIT_ASSESSMENT"
        case creditReviewLapsed = "CREDIT_REVIEW_LAPSED"
        // The seven drawdown controls (FIN-3, FIN-5), in the order they are checked.
        case marginCallOpen = "MARGIN_CALL_OPEN"
        case creditLimitExceeded = "CREDIT_LIMIT_EXCEEDED"
        case insufficientMargin = "INSUFFICIENT_MARGIN"
        case clientCapitalShareExceeded = "CLIENT_CAPITAL_SHARE_EXCEEDED"
        case clientLoanBookShareExceeded = "CLIENT_LOAN_BOOK_SHARE_EXCEEDED"
        case collateralConcentrationExceeded = "COLLATERAL_CONCENTRATION_EXCEEDED"
        case lendingCapacityExceeded = "LENDING_CAPACITY_EXCEEDED"
        // Credit decisions (FIN-1).
        case creditLimitAboveRule = "CREDIT_LIMIT_ABOVE_RULE"
        case waiverInvalid = "CREDIT_WAIVER_INVALID"
        // Other requests.
        case unknownClient = "UNKNOWN_CLIENT"
        case unknownLoan = "UNKNOWN_LOAN"
        case unknownAsset = "UNKNOWN_COLLATERAL_ASSET"
        case noPrice = "NO_COLLATERAL_PRICE"
        case invalidAmount = "INVALID_AMOUNT"
        case insufficientBalance = "INSUFFICIENT_BALANCE"
        case releaseWouldUnderMargin = "RELEASE_WOULD_UNDER_MARGIN"
        case collateralInForcedSale = "COLLATERAL_IN_FORCED_SALE"
        case unknownInstruction = "UNKNOWN_FORCED_SALE_INSTRUCTION"
    }

    public let code: Code
    public let message: String
    /// The figures the message quotes, by name (raw integers in their stated units), so a
    /// test or a report can read them without parsing text.
    public let figures: [String: Int64]

    public init(_ code: Code, _ message: String, figures: [String: Int64] = [:]) {
        self.code = code
        self.message = message
        self.figures = figures
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
