/// Why money moved. Stable names appear in events, statements and reports.
public enum PostingReason: UInt8, Sendable, Hashable, CaseIterable {
    case deposit, withdrawal, fee, rebate, realizedPnl, isolatedMargin, funding, fundingRounding,
         liquidationFee, insurancePayout, adl, rounding, insuranceTopUp,
         spotLock, spotRelease, spotPayment, spotDelivery,
         pledge, release, drawdown, repayment, interestAccrual, interestCapitalised, interestPaid,
         forcedSale, forcedSaleProceeds

    public var name: String {
        switch self {
        case .deposit: return "deposit"
        case .withdrawal: return "withdrawal"
        case .fee: return "fee"
        case .rebate: return "rebate"
        case .realizedPnl: return "realizedPnl"
        case .isolatedMargin: return "isolatedMargin"
        case .funding: return "funding"
        case .fundingRounding: return "fundingRounding"
        case .liquidationFee: return "liquidationFee"
        case .insurancePayout: return "insurancePayout"
        case .adl: return "adl"
        case .rounding: return "rounding"
        case .insuranceTopUp: return "insuranceTopUp"
        case .spotLock: return "spotLock"
        case .spotRelease: return "spotRelease"
        case .spotPayment: return "spotPayment"
        case .spotDelivery: return "spotDelivery"
        case .pledge: return "pledge"
        case .release: return "release"
        case .drawdown: return "drawdown"
        case .repayment: return "repayment"
        case .interestAccrual: return "interestAccrual"
        case .interestCapitalised: return "interestCapitalised"
        case .interestPaid: return "interestPaid"
        case .forcedSale: return "forcedSale"
        case .forcedSaleProceeds: return "forcedSaleProceeds"
        }
    }
}
