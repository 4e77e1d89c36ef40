import Engine
import Financing
import HarbourCore

/// The margin-financing commands of `CommandBuilder` (FIN-1..6): staff records, the
/// client's loan operations, reference prices, capital and securities-desk fills.
/// docs/REPLAY.md ("Margin financing") lists the fields. Money is in the settlement
/// asset's scale, quantities in the named asset's, rates as decimal fractions (0.075).
extension CommandBuilder {
    func buildFinancing(_ type: CommandType, _ reader: FieldReader) throws(Rejection) -> Command {
        let money = names.config.settlementAsset.scale
        func amount(_ name: String) throws(Rejection) -> Int64 {
            let v = try reader.decimal(name, money, offScale: .invalidAmount)
            guard v >= 0 else { throw Rejection(.invalidAmount, "\(name) is not negative") }
            return v
        }
        func positive(_ name: String) throws(Rejection) -> Int64 {
            let v = try amount(name)
            guard v > 0 else { throw Rejection(.invalidAmount, "\(name) must be positive") }
            return v
        }
        func loan() throws(Rejection) -> Int64 { try reader.integer("loan") }
        func figures() throws(Rejection) -> DeclaredFigures {
            DeclaredFigures(netWorthFiat: try amount("netWorthFiat"), netWorthNonFiat: try amount("netWorthNonFiat"),
                            liquidFiat: try amount("liquidFiat"), liquidNonFiat: try amount("liquidNonFiat"),
                            annualIncome: try amount("annualIncome"), liabilities: try amount("liabilities"), asOf: try reader.integer("asOf"))
        }
        func quantity(of asset: Asset) throws(Rejection) -> Int64 {
            let v = try reader.decimal("qty", asset.scale, offScale: .invalidAmount)
            guard v > 0 else { throw Rejection(.invalidAmount, "qty must be positive") }
            return v
        }
        switch type {
        case .financingClient:
            let account = try reader.account()
            let rate = try reader.decimal("annualRate", DecimalScale(8), offScale: .invalidNumber)
            let settlement = MarginClient.InterestSettlement(rawValue: try reader.optionalEnumerated("interestSettlement") ?? "CAPITALISE")!
            let securities = reader.fields.has("securitiesMarginLoans") ? try amount("securitiesMarginLoans") : 0
            return .financing(.setClient(account: account, agreement: try reader.string("agreement"),
                                         relatedGroup: try reader.optionalString("relatedGroup"), annualRate: rate, settlement: settlement,
                                         securitiesMarginLoans: securities, by: try reader.string("by")))
        case .creditAssessment:
            let account = try reader.account(), by = try reader.string("by")
            return .financing(.assessCredit(account: account, declared: try figures(), limit: try amount("limit"),
                                            reviewDueAt: try reader.integer("reviewDueAt"), by: by))
        case .proposeCreditLimit:
            let (id, by) = (try reader.patterned("requestId"), try reader.string("by"))
            let account = try reader.account()
            let change = StaffChange.creditLimit(account: account, declared: try figures(), limit: try amount("limit"),
                                                 reviewDueAt: try reader.integer("reviewDueAt"))
            return .compliance(.propose(requestId: id, by: by, reason: try reader.string("reason"), change: change))
        case .proposeHaircut:
            let (id, by) = (try reader.patterned("requestId"), try reader.string("by"))
            let asset = try reader.heldAsset()
            let haircut = try reader.decimal("haircut", DecimalScale(8), offScale: .invalidNumber)
            return .compliance(.propose(requestId: id, by: by, reason: try reader.string("reason"), change: .haircut(asset: asset.code, haircut: haircut)))
        case .proposeFinancingLimits:
            let (id, by) = (try reader.patterned("requestId"), try reader.string("by"))
            let share = { (name: String) throws(Rejection) in try reader.decimal(name, DecimalScale(8), offScale: .invalidNumber) }
            let figures = FinancingLimitFigures(clientShareOfCapital: try share("clientShareOfCapital"),
                                                clientShareOfLoanBook: try share("clientShareOfLoanBook"),
                                                loanBookShareMinimumBook: try amount("loanBookShareMinimumBook"),
                                                collateralGroupShare: try share("collateralGroupShare"),
                                                collateralShareMinimumPool: try amount("collateralShareMinimumPool"),
                                                lendingMultiple: try reader.integer("lendingMultiple"))
            return .compliance(.propose(requestId: id, by: by, reason: try reader.string("reason"), change: .financingLimits(figures)))
        case .loanOpen:
            return .financing(.openLoan(account: try reader.account()))
        case .collateralPledge, .collateralRelease:
            let account = try reader.account(), id = try loan(), asset = try reader.heldAsset()
            let q = try quantity(of: asset)
            return .financing(type == .collateralPledge ? .pledge(account: account, loan: id, asset: asset.code, quantity: q)
                                                        : .release(account: account, loan: id, asset: asset.code, quantity: q))
        case .loanDrawdown:
            let account = try reader.account(), id = try loan()
            return .financing(.drawdown(account: account, loan: id, amount: try positive("amount")))
        case .loanRepay:
            let account = try reader.account(), id = try loan()
            return .financing(.repay(account: account, loan: id, amount: try positive("amount")))
        case .collateralPrice:
            let asset = try reader.heldAsset()
            let price = try reader.decimal("price", money, offScale: .priceOffTick)
            guard price > 0 else { throw Rejection(.invalidPrice, "price must be positive") }
            return .financing(.collateralPrice(asset: asset.code, price: price))
        case .brokerCapital:
            return .financing(.brokerCapital(fiat: try amount("fiat"), securities: try amount("securities"),
                                             virtualAssets: try amount("virtualAssets"), by: try reader.string("by")))
        case .forcedSaleFill:
            let asset = try reader.heldAsset()
            let q = try reader.decimal("qty", asset.scale, offScale: .invalidAmount)
            guard q >= 0 else { throw Rejection(.invalidAmount, "qty is not negative") }
            return .financing(.forcedSaleFill(instruction: try reader.integer("instruction"), quantity: q, proceeds: try amount("proceeds")))
        default:
            preconditionFailure("\(type) is not a financing command")
        }
    }
}
