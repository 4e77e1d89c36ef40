import Crypto
import Engine
import Financing
import HarbourCore

/// The margin-financing disclosure (REG-1, FIN-1..6), generated from the live financing
/// configuration — the engine's own `LoanBook.config`, so a haircut the risk team raised is
/// in it — and versioned with the contracts' disclosures under the id
/// `MARGIN-FINANCING`. It states who may borrow, the eligible collateral and its haircuts,
/// the margin levels and what happens at each, the call deadline, forced sale with its
/// price band, interest, and a worked example computed by the `Financing` code the loan
/// book runs. A client acknowledges its current version before a drawdown.
public enum FinancingDisclosure {
    /// The disclosure's id, where a contract's disclosure has its symbol.
    public static let id = Engine.financingDisclosureId

    /// The price the worked example assumes for its collateral (a round figure, so the
    /// terms do not change with the market): 60,000 in the settlement currency per BTC.
    static let examplePrice: Int64 = 60_000

    /// The disclosure of `config`, or nil when the venue offers no financing.
    public static func make(_ config: FinancingConfig?) -> DisclosureDocument? {
        guard let config else { return nil }
        var md = Markdown()
        let cash = config.settlement.code
        md.line("# Margin financing — risk disclosure")
        md.line("")
        md.line("The broker lends \(cash) to its existing securities margin clients against listed securities and a limited set of "
                + "virtual assets. For professional investors only. Virtual assets are volatile: a fall in their price can lead to a "
                + "margin call within hours and to the sale of your collateral without further notice; you can lose more than the "
                + "collateral you pledge (you owe the loan and its interest whatever the collateral fetches).")
        eligibility(&md, config)
        collateral(&md, config)
        levels(&md, config)
        interest(&md, config)
        example(&md, config)
        let terms = md.text
        return DisclosureDocument(symbol: id, terms: terms, fingerprint: DisclosureDocument.hex(SHA256.hash(data: Array(terms.utf8))), example: nil)
    }

    static func money(_ raw: Int64, _ config: FinancingConfig) -> String { FixedDecimal.format(raw, scale: config.settlement.scale) }
    static func percent(_ rate: Rate) -> String { DisclosureDocument.percent(rate) }

    static func eligibility(_ md: inout Markdown, _ config: FinancingConfig) {
        let rule = config.creditRule
        md.line("")
        md.line("## Who may borrow")
        md.line("- An existing securities margin client of the broker (its agreement reference is recorded), classified as a "
                + "professional investor with a current classification.")
        md.line("- With an approved credit assessment whose review date has not passed. Staff record your declared net worth, "
                + "liquid assets, income and liabilities, each with its date. Non-fiat assets count after a volatility discount of "
                + "\(percent(rule.volatilityDiscount)).")
        var limit = "- Your credit limit is at most \(percent(rule.liquidFraction)) of your adjusted liquid net worth (liquid fiat "
            + "+ discounted liquid non-fiat − liabilities), never above your adjusted net worth, and at most \(money(rule.cap.raw, config)) \(config.settlement.code)"
        if let multiple = rule.incomeMultiple { limit += ", nor above \(multiple) × your annual income" }
        md.line(limit + ". It is one limit for all the broker's margin lending to you: your securities margin loans count "
                + "against it, and it is never raised because virtual-asset financing exists (a limit above the rule needs a "
                + "second approver and a recorded reason).")
        md.line("- The broker's own controls may refuse a drawdown even within your limit: your (or your related group's) share "
                + "of the broker's capital and of the loan book, the concentration of one collateral group in all pledged "
                + "collateral, and the broker's total lending capacity. A refusal names the limit and its figures.")
    }

    static func collateral(_ md: inout Markdown, _ config: FinancingConfig) {
        md.line("")
        md.line("## Eligible collateral and haircuts")
        md.line("Margin value = Σ quantity × price × (1 − haircut), rounded down once over the sum. Virtual assets are valued at "
                + "the venue's index price, securities at the reference price the broker records. A virtual asset's haircut is "
                + "never below 60%; the risk team can raise any haircut at any time, applied at once to every loan (which can call "
                + "a loan in that moment). Pledged collateral stays in your pledged book: it is not lent on or re-pledged, and "
                + "leaves it only when you release it (if the loan stays margined) or by forced sale.")
        md.line("")
        md.line("| collateral | kind | haircut | group |")
        md.line("| --- | --- | --- | --- |")
        for asset in config.collateral.values.sorted(by: { $0.code < $1.code }) {
            md.line("| \(asset.code) | \(asset.kind == .virtualAsset ? "virtual asset" : "listed security") | \(percent(asset.haircut)) | \(asset.group) |")
        }
    }

    static func levels(_ md: inout Markdown, _ config: FinancingConfig) {
        let l = config.levels
        md.line("")
        md.line("## Margin levels, calls and forced sale")
        md.line("Your margin ratio is margin value ÷ loan (principal and accrued interest), re-evaluated on every price change.")
        md.line("")
        md.line("| margin ratio | what happens |")
        md.line("| --- | --- |")
        md.line("| at least \(percent(l.initial)) | required after a drawdown or a release of collateral |")
        md.line("| below \(percent(l.earlyWarning)) | early warning to your private stream |")
        md.line("| below \(percent(l.call)) | margin call: restore the ratio within \(config.callDeadlineBusinessDays) business days (pledge, repay); no new drawdowns while a call is open |")
        md.line("| below \(percent(l.forceSale)), or the call's deadline passes unmet | forced sale of collateral |")
        md.line("")
        md.line("A forced sale sells no more than restores the required margin. Virtual assets are sold on the venue's spot book, "
                + "never below the index price × (1 − \(percent(config.forcedSaleBand))) (what the band does not let fill is "
                + "retried); securities are sold by the broker's securities desk. The proceeds pay accrued interest, then the "
                + "principal; any surplus is yours. You are notified at each step.")
    }

    static func interest(_ md: inout Markdown, _ config: FinancingConfig) {
        md.line("")
        md.line("## Interest")
        md.line("Interest accrues daily (actual/365) on the principal, including capitalised interest, at the annual rate in your "
                + "margin agreement. Each day's charge is rounded up to the smallest unit of \(config.settlement.code) with the "
                + "residue carried, so the total charged is the exact interest rounded up once, never a unit per day. At each "
                + "month end the interest is paid from your free cash or added to the principal, as your agreement says. "
                + "A repayment pays accrued interest first, then principal.")
    }

    /// One BTC (or the first virtual asset on the list) pledged at `examplePrice`: its
    /// margin value, the largest drawdown, and the prices at which that loan is warned,
    /// called and force-sold — computed by `MarginValuation` and `MarginLevels`, the code
    /// the loan book runs.
    static func example(_ md: inout Markdown, _ config: FinancingConfig) {
        let assets = config.collateral.values.filter { $0.kind == .virtualAsset }.sorted { $0.code < $1.code }
        guard let asset = assets.first(where: { $0.code == "BTC" }) ?? assets.first else { return }
        let valuation = config.valuation
        let quantity = Quantity(raw: asset.quantityScale.unit)
        let price = Price(raw: examplePrice * config.settlement.scale.unit)
        let value = valuation.marginValue(quantity, of: asset, at: price)
        let loan = Amount(raw: Int64((Int128(value.raw) * Int128(Rate.one.raw)).divided(by: Int128(config.levels.initial.raw), rounding: .down)))
        let weight = valuation.weight(quantity, of: asset)
        func crossing(_ level: Rate) -> String {
            // The highest price at which the ratio is below the level; "below" the next unit.
            switch valuation.crossingPrice(weight: weight, others: 0, required: MarginLevels.required(loan: loan, at: level)) {
            case nil: return "—"
            case Int64.max?: return "any price"
            case let p?: return "below " + money(p + 1, config)
            }
        }
        md.line("")
        md.line("### Worked example (computed by the loan book's code)")
        md.line("| | |")
        md.line("| --- | --- |")
        md.line("| collateral | 1 \(asset.code) at \(money(price.raw, config)) \(config.settlement.code), haircut \(percent(asset.haircut)) |")
        md.line("| margin value | \(money(value.raw, config)) |")
        md.line("| largest drawdown (ratio \(percent(config.levels.initial))) | \(money(loan.raw, config)) |")
        md.line("| early warning at an index | \(crossing(config.levels.earlyWarning)) |")
        md.line("| margin call at an index | \(crossing(config.levels.call)) |")
        md.line("| forced sale at an index | \(crossing(config.levels.forceSale)) |")
    }
}
