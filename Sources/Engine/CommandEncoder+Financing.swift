import Financing
import HarbourCore

/// The replay-format lines of margin-financing commands (docs/REPLAY.md, "Margin financing").
extension CommandEncoder {
    func encode(_ c: FinancingCommand, timestamp ts: Int64, engine: Engine, into w: inout JSONLine) {
        func name(_ a: AccountID) -> String { Int(a.index) < engine.accountCount ? engine.accountName(a) : "#\(a.index)" }
        let money = engine.config.settlementAsset.scale
        func usd(_ v: Int64) -> String { FixedDecimal.format(v, scale: money) }
        func qty(_ v: Int64, _ asset: String) -> String { FixedDecimal.format(v, scale: engine.assetScale(asset)) }
        switch c {
        case let .setClient(a, agreement, group, rate, settlement, securities, by):
            w.str("type", "financingClient"); w.int("ts", ts); w.str("account", name(a)); w.str("agreement", agreement)
            if let group { w.str("relatedGroup", group) }
            w.str("annualRate", FixedDecimal.format(rate, scale: DecimalScale(8))); w.str("interestSettlement", settlement.rawValue)
            w.str("securitiesMarginLoans", usd(securities)); w.str("by", by)
        case let .assessCredit(a, d, limit, review, by):
            w.str("type", "creditAssessment"); w.int("ts", ts); w.str("account", name(a)); w.str("by", by)
            w.str("netWorthFiat", usd(d.netWorthFiat)); w.str("netWorthNonFiat", usd(d.netWorthNonFiat))
            w.str("liquidFiat", usd(d.liquidFiat)); w.str("liquidNonFiat", usd(d.liquidNonFiat))
            w.str("annualIncome", usd(d.annualIncome)); w.str("liabilities", usd(d.liabilities)); w.int("asOf", d.asOf)
            w.str("limit", usd(limit)); w.int("reviewDueAt", review)
        case let .openLoan(a):
            w.str("type", "loanOpen"); w.int("ts", ts); w.str("account", name(a))
        case let .pledge(a, loan, asset, q), let .release(a, loan, asset, q):
            if case .pledge = c { w.str("type", "collateralPledge") } else { w.str("type", "collateralRelease") }
            w.int("ts", ts); w.str("account", name(a)); w.int("loan", loan); w.str("asset", asset); w.str("qty", qty(q, asset))
        case let .drawdown(a, loan, amount), let .repay(a, loan, amount):
            if case .drawdown = c { w.str("type", "loanDrawdown") } else { w.str("type", "loanRepay") }
            w.int("ts", ts); w.str("account", name(a)); w.int("loan", loan); w.str("amount", usd(amount))
        case let .collateralPrice(asset, price):
            w.str("type", "collateralPrice"); w.int("ts", ts); w.str("asset", asset); w.str("price", usd(price))
        case let .brokerCapital(fiat, securities, va, by):
            w.str("type", "brokerCapital"); w.int("ts", ts); w.str("fiat", usd(fiat)); w.str("securities", usd(securities))
            w.str("virtualAssets", usd(va)); w.str("by", by)
        case let .forcedSaleFill(instruction, q, proceeds):
            let asset = engine.pendingSale(instruction)?.asset ?? engine.config.settlementAsset.code
            w.str("type", "forcedSaleFill"); w.int("ts", ts); w.int("instruction", instruction); w.str("asset", asset)
            w.str("qty", qty(q, asset)); w.str("proceeds", usd(proceeds))
        }
    }
}
