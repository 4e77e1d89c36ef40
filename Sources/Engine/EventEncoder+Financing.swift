import Financing
import HarbourCore

/// JSON of the margin-financing events (FIN-1..6), in the `harbour replay` style: money
/// and prices as decimal strings in the settlement asset, quantities in the asset's
/// scale, rates as decimal fractions, times as integers (ms).
extension EventEncoder {
    static func encodeFinancing(_ event: FinancingEvent, seq: Int64, engine: Engine, into w: inout JSONLine) {
        func acct(_ a: AccountID) -> String { engine.accountName(a) }
        let scale = engine.config.settlementAsset.scale
        func usd(_ v: Int64) -> String { FixedDecimal.format(v, scale: scale) }
        func qty(_ v: Int64, _ asset: String) -> String { FixedDecimal.format(v, scale: engine.assetScale(asset)) }
        switch event {
        case let .clientSet(a, agreement, group, rate, settlement, securities, by):
            w.str("type", "financingClient"); w.int("seq", seq); w.str("account", acct(a)); w.str("agreement", agreement)
            w.optStr("relatedGroup", group); w.str("annualRate", FixedDecimal.format(rate, scale: DecimalScale(8)))
            w.str("interestSettlement", settlement.rawValue); w.str("securitiesMarginLoans", usd(securities)); w.str("by", by)
        case let .creditAssessed(a, rule, approved, review, by):
            w.str("type", "creditAssessed"); w.int("seq", seq); w.str("account", acct(a)); w.str("ruleLimit", usd(rule))
            w.str("approvedLimit", usd(approved)); w.int("reviewDueAt", review); w.str("by", by)
        case let .loanOpened(loan, a):
            w.str("type", "loanOpened"); w.int("seq", seq); w.int("loan", loan); w.str("account", acct(a))
        case let .collateralPledged(loan, a, asset, q, pledged), let .collateralReleased(loan, a, asset, q, pledged):
            if case .collateralPledged = event { w.str("type", "collateralPledged") } else { w.str("type", "collateralReleased") }
            w.int("seq", seq); w.int("loan", loan); w.str("account", acct(a)); w.str("asset", asset); w.str("qty", qty(q, asset))
            w.str("pledged", qty(pledged, asset))
        case let .loanDrawn(loan, a, amount, principal):
            w.str("type", "loanDrawn"); w.int("seq", seq); w.int("loan", loan); w.str("account", acct(a)); w.str("amount", usd(amount))
            w.str("principal", usd(principal))
        case let .loanRepaid(loan, a, amount, principal, interest):
            w.str("type", "loanRepaid"); w.int("seq", seq); w.int("loan", loan); w.str("account", acct(a)); w.str("amount", usd(amount))
            w.str("principal", usd(principal)); w.str("accruedInterest", usd(interest))
        case let .collateralPriced(asset, price):
            w.str("type", "collateralPriced"); w.int("seq", seq); w.str("asset", asset); w.str("price", usd(price))
        case let .capitalSet(figure, by):
            w.str("type", "brokerCapital"); w.int("seq", seq); w.str("capital", usd(figure)); w.str("by", by)
        case let .controlBreach(code, subject, message, raised, value, limit):
            w.str("type", "controlBreach"); w.int("seq", seq); w.str("code", code); w.str("subject", subject); w.str("message", message)
            w.str("state", raised ? "raised" : "cleared"); w.str("value", usd(value)); w.str("limit", usd(limit))
        case let .controlUtilisation(u):
            w.str("type", "financingControl"); w.int("seq", seq); w.str("control", u.control.rawValue); w.str("subject", u.subject)
            w.str("value", usd(u.value)); w.str("limit", usd(u.limit))
            w.str("utilisation", FixedDecimal.format(u.utilisation.raw, scale: DecimalScale(8))); w.raw("applies", u.applies ? "true" : "false")
        case let .limitsSet(f, by):
            w.str("type", "limitsSet"); w.int("seq", seq)
            FinancingLimitFigures.write(f, money: scale, into: &w)
            w.str("by", by)
        case let .stressTested(scenario, clients, underWater, shortfall, uncovered, capital, atRisk, shortfallShare):
            w.str("type", "loanBookStressTest"); w.int("seq", seq); w.str("scenario", scenario); w.int("clients", clients)
            w.int("loansUnderWater", underWater); w.str("marginShortfall", usd(shortfall)); w.str("uncoveredLoss", usd(uncovered))
            w.str("capital", usd(capital)); w.str("capitalAtRiskShare", FixedDecimal.format(atRisk, scale: DecimalScale(8)))
            w.str("shortfallShareOfCapital", FixedDecimal.format(shortfallShare, scale: DecimalScale(8)))
        case let .haircutSet(asset, haircut, by):
            w.str("type", "haircutSet"); w.int("seq", seq); w.str("asset", asset); w.str("haircut", FixedDecimal.format(haircut, scale: DecimalScale(8)))
            w.str("by", by)
        case let .notice(n):
            w.str("type", "marginNotice"); w.int("seq", seq); w.str("kind", n.kind.rawValue); w.int("loan", n.loan.raw)
            w.str("account", acct(n.account)); w.str("marginValue", usd(n.marginValue.raw)); w.str("owed", usd(n.loanAmount.raw))
            if let d = n.deadline { w.int("deadline", d) }
            if !n.instructions.isEmpty {
                var list = "["
                for (k, s) in n.instructions.enumerated() {
                    var o = JSONLine()
                    o.int("instruction", s.id); o.str("asset", s.asset); o.str("qty", qty(s.quantity.raw, s.asset))
                    o.str("venue", s.venue.rawValue); o.str("limitPrice", usd(s.limitPrice.raw)); o.str("referencePrice", usd(s.referencePrice.raw))
                    o.str("cause", s.cause.rawValue)
                    list += (k > 0 ? "," : "") + o.finish()
                }
                w.raw("instructions", list + "]")
            }
        case let .forcedSaleOrder(instruction, loan, a, asset, q, limit, order, filled, proceeds):
            let market = engine.config.spotMarkets.firstIndex { $0.base.code == asset }
            w.str("type", "forcedSaleOrder"); w.int("seq", seq); w.int("instruction", instruction); w.int("loan", loan)
            w.str("account", acct(a)); w.str("asset", asset); w.str("qty", qty(q, asset))
            w.str("limitPrice", market.map { engine.config.spotMarkets[$0].market.priceString(limit) } ?? String(limit))
            w.int("orderId", order); w.str("filled", qty(filled, asset)); w.str("proceeds", usd(proceeds))
        }
    }
}
