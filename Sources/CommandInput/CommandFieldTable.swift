import Compliance
import Engine
import HarbourCore
import Matching

/// The one validation table of command fields (DECISIONS 31): every entry point —
/// `/v1` bodies, WebSocket messages, `/fapi` queries after their Binance name mapping,
/// replay lines — is checked by these rules through `CommandBuilder`, and
/// docs/openapi.yaml states the same patterns and names (checked by a test).
public enum CommandFieldTable {
    static let orderTypeNames = OrderType.allCases.map(\.name)

    /// Every field a command can carry, by name.
    public static let rules: [FieldRule] = [
        FieldRule("account", .text),
        FieldRule("group", .text),
        FieldRule("feeTier", .text),
        FieldRule("asset", .text),
        FieldRule("symbol", .text),
        FieldRule("source", .text),
        FieldRule("amount", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("price", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("qty", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("stopPrice", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("leverage", .integer, pattern: "^[0-9]+$", code: .leverageOutOfRange,
                  accepts: { isInteger($0, negative: false) && Int64($0)! > 0 },
                  refusal: { Rejection(.leverageOutOfRange, "leverage must be a positive integer, got '\($0)'") }),
        FieldRule("orderId", .integer, pattern: "^-?[0-9]+$", accepts: { isInteger($0, negative: true) },
                  refusal: { _ in Rejection(.malformedCommand, "orderId must be an integer") }),
        FieldRule("reduceOnly", .bool),
        FieldRule("clientOrderId", .patterned, pattern: ClientOrderIdFormat.pattern, code: .invalidClientOrderId,
                  accepts: ClientOrderIdFormat.isValid, refusal: ClientOrderIdFormat.rejection),
        FieldRule("side", .enumeration(["buy", "sell"]),
                  refusal: { _ in Rejection(.malformedCommand, "side must be \"buy\" or \"sell\"") }),
        FieldRule("orderType", .enumeration(orderTypeNames), code: .invalidOrderType,
                  refusal: { Rejection(.invalidOrderType, "orderType '\($0)' is not one of \(orderTypeNames.joined(separator: ", "))") }),
        FieldRule("timeInForce", .enumeration(["GTC", "IOC", "FOK", "postOnly"]), code: .invalidTimeInForce,
                  refusal: { Rejection(.invalidTimeInForce, "timeInForce '\($0)' is not one of GTC, IOC, FOK, postOnly") }),
        FieldRule("trigger", .enumeration(["mark", "last"]),
                  refusal: { _ in Rejection(.malformedCommand, "trigger must be \"mark\" or \"last\"") }),
        FieldRule("stp", .enumeration(SelfTradePrevention.allCases.map(\.name)),
                  refusal: { _ in Rejection(.malformedCommand, "stp must be expireTaker, expireMaker or expireBoth") }),
        FieldRule("marginMode", .enumeration(["cross", "isolated"]),
                  refusal: { _ in Rejection(.malformedCommand, "marginMode must be \"cross\" or \"isolated\"") }),
        FieldRule("status", .enumeration(InstrumentStatus.allCases.map(\.name)),
                  refusal: { _ in Rejection(.malformedCommand, "status must be enabled, cancelOnly or disabled") }),
        // Compliance (PI-1..3, REG-4, MM-1).
        FieldRule("by", .text),
        FieldRule("requestId", .patterned, pattern: ClientOrderIdFormat.pattern, accepts: ClientOrderIdFormat.isValid,
                  refusal: { _ in Rejection(.malformedCommand, "requestId must match \(ClientOrderIdFormat.pattern)") }),
        FieldRule("reason", .text),
        FieldRule("evidenceKind", .enumeration(EvidenceKind.names), code: .invalidEvidence,
                  refusal: { Rejection(.invalidEvidence, "evidenceKind '\($0)' is not one of \(EvidenceKind.names.joined(separator: ", "))") }),
        FieldRule("currency", .patterned, pattern: "^[A-Z]{3}$", code: .invalidCurrency, accepts: FiatAmount.isCurrencyCode,
                  refusal: { Rejection(.invalidCurrency, "currency '\($0)' is not an ISO 4217 code (three upper-case letters)") }),
        FieldRule("asOf", .integer, pattern: "^[0-9]+$", accepts: { isInteger($0, negative: false) },
                  refusal: { _ in Rejection(.malformedCommand, "asOf is the statement date in ms since the epoch (an integer)") }),
        FieldRule("holding", .enumeration(Holding.allCases.map(\.rawValue)),
                  refusal: { _ in Rejection(.malformedCommand, "holding must be one of \(Holding.allCases.map(\.rawValue).joined(separator: ", "))") }),
        FieldRule("rate", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("investorKind", .enumeration(InvestorKind.allCases.map(\.rawValue)),
                  refusal: { _ in Rejection(.malformedCommand, "investorKind must be one of \(InvestorKind.allCases.map(\.rawValue).joined(separator: ", "))") }),
        FieldRule("licence", .text),
        FieldRule("beneficialOwners", .text),
        FieldRule("method", .enumeration(KnowledgeMethod.names),
                  refusal: { _ in Rejection(.malformedCommand, "method must be one of \(KnowledgeMethod.names.joined(separator: ", "))") }),
        FieldRule("reference", .text),
        FieldRule("score", .integer, pattern: "^[0-9]+$", code: .invalidAssessment, accepts: { isInteger($0, negative: false) && Int64($0)! <= 1_000_000 },
                  refusal: { _ in Rejection(.invalidAssessment, "score must be a non-negative integer") }),
        FieldRule("met", .bool),
        FieldRule("version", .integer, pattern: "^[0-9]+$", accepts: { isInteger($0, negative: false) && Int64($0)! > 0 },
                  refusal: { _ in Rejection(.malformedCommand, "version must be a positive integer") }),
        FieldRule("maxSpreadBps", .integer, pattern: "^[0-9]+$", code: .invalidPolicy, accepts: { isInteger($0, negative: false) },
                  refusal: { _ in Rejection(.invalidPolicy, "maxSpreadBps must be an integer number of basis points") }),
        FieldRule("minPresenceBps", .integer, pattern: "^[0-9]+$", code: .invalidPolicy, accepts: { isInteger($0, negative: false) },
                  refusal: { _ in Rejection(.invalidPolicy, "minPresenceBps must be an integer number of basis points") }),
        FieldRule("minSize", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        // Margin financing (FIN-1..6).
        FieldRule("agreement", .text),
        FieldRule("relatedGroup", .text),
        FieldRule("annualRate", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("interestSettlement", .enumeration(["PAY", "CAPITALISE"]),
                  refusal: { _ in Rejection(.malformedCommand, "interestSettlement must be PAY or CAPITALISE") }),
        FieldRule("securitiesMarginLoans", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("netWorthFiat", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("netWorthNonFiat", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("liquidFiat", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("liquidNonFiat", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("annualIncome", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("liabilities", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("limit", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("reviewDueAt", .integer, pattern: "^[0-9]+$", accepts: { isInteger($0, negative: false) },
                  refusal: { _ in Rejection(.malformedCommand, "reviewDueAt is the review date in ms since the epoch (an integer)") }),
        // loan and instruction arrive as path parameters (their pattern is stated there).
        FieldRule("loan", .integer, code: .unknownLoan, accepts: { isInteger($0, negative: false) },
                  refusal: { _ in Rejection(.unknownLoan, "loan is the loan's number (a positive integer)") }),
        FieldRule("instruction", .integer, code: .unknownForcedSaleInstruction, accepts: { isInteger($0, negative: false) },
                  refusal: { _ in Rejection(.unknownForcedSaleInstruction, "instruction is the forced-sale instruction's number (a positive integer)") }),
        FieldRule("proceeds", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("fiat", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("securities", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("virtualAssets", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("haircut", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("clientShareOfCapital", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("clientShareOfLoanBook", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("loanBookShareMinimumBook", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("collateralGroupShare", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("collateralShareMinimumPool", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("lendingMultiple", .integer, pattern: "^[0-9]+$", code: .invalidFinancingConfig, accepts: { isInteger($0, negative: false) },
                  refusal: { _ in Rejection(.invalidFinancingConfig, "lendingMultiple is a whole number of times the broker's capital (1 to 5)") }),
        // Risk limits of a perpetual (PERP-1, REG-4).
        FieldRule("maxLeverage", .integer, pattern: "^[0-9]+$", code: .invalidRiskLimits, accepts: { isInteger($0, negative: false) },
                  refusal: { _ in Rejection(.invalidRiskLimits, "maxLeverage is a whole number (1 to \(RiskLimits.leverageCeiling))") }),
        FieldRule("positionLimit", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("openInterestCap", .decimal, pattern: FixedDecimal.pattern, code: .invalidNumber, accepts: FixedDecimal.isPlainDecimal),
        FieldRule("tiers", .patterned, pattern: tierTablePattern, code: .invalidRiskLimits, accepts: isTierTable,
                  refusal: { Rejection(.invalidRiskLimits, "tiers '\($0)' is not notionalCap:maintenanceRate:maxLeverage rows separated by ';'") }),
    ]

    /// A risk-limit tier table: `50000:0.004:50;250000:0.005:50`.
    static let tierTablePattern = "^[0-9]+(\\.[0-9]+)?:[0-9]+(\\.[0-9]+)?:[0-9]+(;[0-9]+(\\.[0-9]+)?:[0-9]+(\\.[0-9]+)?:[0-9]+)*$"

    static func isTierTable(_ text: String) -> Bool {
        !text.isEmpty && text.split(separator: ";", omittingEmptySubsequences: false).allSatisfy { row in
            let parts = row.split(separator: ":", omittingEmptySubsequences: false)
            return parts.count == 3 && FixedDecimal.isPlainDecimal(String(parts[0])) && !parts[0].hasPrefix("-")
                && FixedDecimal.isPlainDecimal(String(parts[1])) && !parts[1].hasPrefix("-") && isInteger(String(parts[2]), negative: false)
        }
    }

    /// `text` is digits (after an optional "-" when `negative`) and fits an Int64.
    static func isInteger(_ text: String, negative: Bool) -> Bool {
        let digits = negative && text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } && Int64(text) != nil
    }

    static let byName: [String: FieldRule] = Dictionary(uniqueKeysWithValues: rules.map { ($0.name, $0) })

    /// The rule of a field the table has (a missing one is a programming error).
    public static func rule(_ name: String) -> FieldRule {
        guard let rule = byName[name] else { preconditionFailure("no rule for command field '\(name)'") }
        return rule
    }

    /// The fields each command takes, in the order they are checked, and whether the
    /// command always needs them. Conditional needs (a limit price, a stop price, an
    /// order named by `orderId` or `clientOrderId`) are the builder's.
    public static func fields(of type: CommandType) -> [(name: String, required: Bool)] {
        switch type {
        case .openAccount: return [("account", true), ("group", false), ("feeTier", false)]
        case .deposit, .withdraw: return [("account", true), ("asset", true), ("amount", true)]
        case .setLeverage: return [("account", true), ("symbol", true), ("leverage", true)]
        case .setMarginMode: return [("account", true), ("symbol", true), ("marginMode", true)]
        case .placeOrder:
            return [("account", true), ("symbol", true), ("side", true), ("orderType", true), ("timeInForce", false),
                    ("qty", true), ("price", false), ("stopPrice", false), ("trigger", false), ("stp", false),
                    ("reduceOnly", false), ("clientOrderId", false)]
        case .amendOrder:
            return [("account", true), ("symbol", true), ("orderId", false), ("clientOrderId", false), ("price", false), ("qty", false)]
        case .cancelOrder: return [("account", true), ("symbol", true), ("orderId", false), ("clientOrderId", false)]
        case .cancelAll: return [("account", true), ("symbol", false)]
        case .markPrice: return [("symbol", true), ("price", true)]
        case .setInstrumentStatus: return [("symbol", true), ("status", true)]
        case .indexPrice: return [("symbol", true), ("source", true), ("price", true)]
        case .tick: return []
        case .insuranceDeposit: return [("asset", true), ("amount", true)]
        case .recordEvidence:
            return [("by", true), ("account", true), ("evidenceKind", true), ("amount", true), ("currency", true), ("asOf", true),
                    ("holding", false), ("source", true), ("rate", false)]
        case .proposeClassification:
            return [("requestId", true), ("by", true), ("account", true), ("investorKind", true), ("licence", false),
                    ("beneficialOwners", false), ("reason", true)]
        case .proposeLeverageCap:
            return [("requestId", true), ("by", true), ("account", true), ("symbol", true), ("leverage", true), ("reason", true)]
        case .proposeOwnerNotionalCap:
            return [("requestId", true), ("by", true), ("account", true), ("amount", false), ("reason", true)]
        case .proposeMarketMaker:
            return [("requestId", true), ("by", true), ("account", true), ("symbol", true), ("maxSpreadBps", true), ("minSize", true),
                    ("minPresenceBps", false), ("reason", true)]
        case .approveRequest: return [("requestId", true), ("by", true)]
        case .rejectRequest: return [("requestId", true), ("by", true), ("reason", true)]
        case .recordKnowledgeAssessment:
            return [("by", true), ("account", true), ("method", true), ("reference", false), ("score", false), ("met", false)]
        case .acknowledgeDisclosure: return [("account", true), ("symbol", true), ("version", true)]
        case .publishDisclosure: return [("symbol", true), ("version", true), ("by", true)]
        case .proposeProductApproval, .proposeDelisting: return [("requestId", true), ("by", true), ("symbol", true), ("reason", true)]
        case .proposeRiskParameters:
            return [("requestId", true), ("by", true), ("symbol", true), ("maxLeverage", false), ("positionLimit", false),
                    ("openInterestCap", false), ("tiers", false), ("reason", true)]
        case .proposeWithdrawal:
            return [("requestId", true), ("by", true), ("account", true), ("asset", true), ("amount", true), ("reason", true)]
        case .financingClient:
            return [("account", true), ("agreement", true), ("relatedGroup", false), ("annualRate", true), ("interestSettlement", false),
                    ("securitiesMarginLoans", false), ("by", true)]
        case .creditAssessment:
            return [("account", true), ("by", true), ("netWorthFiat", true), ("netWorthNonFiat", true), ("liquidFiat", true),
                    ("liquidNonFiat", true), ("annualIncome", true), ("liabilities", true), ("asOf", true), ("limit", true), ("reviewDueAt", true)]
        case .loanOpen: return [("account", true)]
        case .collateralPledge, .collateralRelease: return [("account", true), ("loan", true), ("asset", true), ("qty", true)]
        case .loanDrawdown, .loanRepay: return [("account", true), ("loan", true), ("amount", true)]
        case .collateralPrice: return [("asset", true), ("price", true)]
        case .brokerCapital: return [("fiat", true), ("securities", true), ("virtualAssets", true), ("by", true)]
        case .forcedSaleFill: return [("instruction", true), ("asset", true), ("qty", true), ("proceeds", true)]
        case .proposeCreditLimit:
            return [("requestId", true), ("by", true), ("account", true), ("netWorthFiat", true), ("netWorthNonFiat", true), ("liquidFiat", true),
                    ("liquidNonFiat", true), ("annualIncome", true), ("liabilities", true), ("asOf", true), ("limit", true), ("reviewDueAt", true),
                    ("reason", true)]
        case .proposeHaircut: return [("requestId", true), ("by", true), ("asset", true), ("haircut", true), ("reason", true)]
        case .proposeFinancingLimits:
            return [("requestId", true), ("by", true), ("clientShareOfCapital", true), ("clientShareOfLoanBook", true),
                    ("loanBookShareMinimumBook", true), ("collateralGroupShare", true), ("collateralShareMinimumPool", true),
                    ("lendingMultiple", true), ("reason", true)]
        }
    }
}
