/// Stable machine-readable codes for every refusal. Clients branch on these; they never
/// change meaning once published. The message that accompanies a code names the rule.
public enum RejectCode: String, Sendable, Hashable, CaseIterable {
    // Input and reference errors
    case malformedCommand = "MALFORMED_COMMAND"
    case invalidNumber = "INVALID_NUMBER"
    case unknownAccount = "UNKNOWN_ACCOUNT"
    case duplicateAccount = "DUPLICATE_ACCOUNT"
    case unknownSymbol = "UNKNOWN_SYMBOL"
    case unknownAsset = "UNKNOWN_ASSET"
    case unknownIndexSource = "UNKNOWN_INDEX_SOURCE"
    case unknownOrder = "UNKNOWN_ORDER"
    case duplicateClientOrderId = "DUPLICATE_CLIENT_ORDER_ID"
    case missingClientOrderId = "MISSING_CLIENT_ORDER_ID"
    /// A clientOrderId outside `ClientOrderIdFormat` (1-36 of `.A-Z:/a-z0-9_-`).
    case invalidClientOrderId = "INVALID_CLIENT_ORDER_ID"
    case timeWentBackwards = "TIME_WENT_BACKWARDS"
    case unknownFeeTier = "UNKNOWN_FEE_TIER"
    // Order shape
    case invalidQuantity = "INVALID_QUANTITY"
    case quantityOffLot = "QUANTITY_OFF_LOT"
    case quantityBelowMinimum = "QUANTITY_BELOW_MINIMUM"
    case quantityAboveMaximum = "QUANTITY_ABOVE_MAXIMUM"
    case invalidPrice = "INVALID_PRICE"
    case priceOffTick = "PRICE_OFF_TICK"
    case priceOutsideBand = "PRICE_OUTSIDE_BAND"
    case missingPrice = "MISSING_PRICE"
    case missingStopPrice = "MISSING_STOP_PRICE"
    case stopWouldTriggerImmediately = "STOP_WOULD_TRIGGER_IMMEDIATELY"
    case orderNotAmendable = "ORDER_NOT_AMENDABLE"
    case invalidOrderType = "INVALID_ORDER_TYPE"
    case invalidTimeInForce = "INVALID_TIME_IN_FORCE"
    case noMarkPrice = "NO_MARK_PRICE"
    // Market state
    case instrumentDisabled = "INSTRUMENT_DISABLED"
    case instrumentCancelOnly = "INSTRUMENT_CANCEL_ONLY"
    case postOnlyWouldTake = "POST_ONLY_WOULD_TAKE"
    case fokCannotFill = "FOK_CANNOT_FILL"
    case noLiquidity = "NO_LIQUIDITY"
    /// A perpetual-only command (leverage, margin mode, mark or index price) named a spot market.
    case notPerpetual = "NOT_A_PERPETUAL"
    // Risk
    case insufficientMargin = "INSUFFICIENT_MARGIN"
    case insufficientBalance = "INSUFFICIENT_BALANCE"
    case positionLimitExceeded = "POSITION_LIMIT_EXCEEDED"
    case reduceOnlyWouldIncrease = "REDUCE_ONLY_WOULD_INCREASE"
    case leverageOutOfRange = "LEVERAGE_OUT_OF_RANGE"
    case marginModeChangeWithExposure = "MARGIN_MODE_CHANGE_WITH_EXPOSURE"
    case invalidAmount = "INVALID_AMOUNT"
    case tooManyOpenOrders = "TOO_MANY_OPEN_ORDERS"

    // Eligibility (PI-3): the same codes as Compliance's `EligibilityRefusal.Rule`.
    case notProfessionalInvestor = "NOT_PROFESSIONAL_INVESTOR"
    case classificationExpired = "CLASSIFICATION_EXPIRED"
    case knowledgeAssessmentRequired = "KNOWLEDGE_ASSESSMENT_REQUIRED"
    case disclosureNotAcknowledged = "DISCLOSURE_NOT_ACKNOWLEDGED"
    case leverageAboveClientCap = "LEVERAGE_ABOVE_CLIENT_CAP"
    case notionalAboveOwnerCap = "NOTIONAL_ABOVE_OWNER_CAP"

    // Compliance records and staff decisions (PI-1, PI-2, REG-4, MM-1): the same codes as
    // Compliance's `ComplianceError`, plus the engine's own.
    case invalidCurrency = "INVALID_CURRENCY"
    case conversionRateMismatch = "CONVERSION_RATE_MISMATCH"
    case invalidEvidence = "INVALID_EVIDENCE"
    case invalidPolicy = "INVALID_POLICY"
    case invalidAssessment = "INVALID_ASSESSMENT"
    case sameMakerAndChecker = "SAME_MAKER_AND_CHECKER"
    case requestNotPending = "REQUEST_NOT_PENDING"
    case unknownRequest = "UNKNOWN_REQUEST"
    case duplicateRequestId = "DUPLICATE_REQUEST_ID"
    case disclosureVersionNotCurrent = "DISCLOSURE_VERSION_NOT_CURRENT"
    case alreadyMarketMaker = "ALREADY_MARKET_MAKER"
    /// PERP-6: a contract that was not approved (four-eyes) cannot be enabled; a delisted one never again.
    case productNotApproved = "PRODUCT_NOT_APPROVED"
    /// REG-4: a sensitive change (a large withdrawal) needs a maker and a different checker.
    case fourEyesRequired = "FOUR_EYES_REQUIRED"
}
