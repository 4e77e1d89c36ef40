/// One loan's line of the `margin-financing` report (REG-3, FIN-4/5): what it owed at the
/// window's start and end and the collateral pledged at the end (from `loan_postings`, exact
/// decimals), what moved in between by reason, the latest margin notice known at the end, and counts of the window's notices
/// and forced sales.
struct MarginFinancingLoan {
    let loan: Int64
    var account: String
    var openingPrincipal = DecimalText.zero
    var principal = DecimalText.zero
    var accruedInterest = DecimalText.zero
    var drawn = DecimalText.zero
    var repaid = DecimalText.zero
    var capitalised = DecimalText.zero
    var interestAccrued = DecimalText.zero
    /// Pledged at the window's end, by asset.
    var collateral: [String: DecimalText] = [:]
    var marginValue = ""
    var owedAtNotice = ""
    var lastNotice = ""
    var notices: [String: Int] = [:]
    var forcedSaleOrders = 0
    var forcedSaleQty: [String: DecimalText] = [:]
    var forcedSaleProceeds = DecimalText.zero

    static let columns = ["loan", "account", "openingPrincipal", "drawn", "repaid", "capitalisedInterest", "principal",
                          "interestAccrued", "accruedInterest", "owed", "collateral", "marginValue", "marginRatioPercent", "lastNotice",
                          "earlyWarnings", "marginCalls", "callsMet", "forcedSales", "forcedSaleOrders", "forcedSaleQty",
                          "forcedSaleProceeds", "forcedSaleFills", "unsecuredShortfalls"]

    init(loan: Int64, account: String) { self.loan = loan; self.account = account }

    /// A posting of the window on one of the loan's books: `change` is what the client owes more.
    mutating func add(book: String, reason: String, change: DecimalText) {
        switch (book, reason) {
        case ("principal", "drawdown"): drawn += change
        case ("principal", "interestCapitalised"): capitalised += change
        case ("principal", _): repaid -= change
        case ("interest", "interestAccrual"): interestAccrued += change
        default: break // interest paid, repaid or capitalised: it leaves the interest book
        }
    }

    /// The principal the window's flows explain: opening + drawn − repaid + capitalised.
    var explainedPrincipal: DecimalText { openingPrincipal + drawn - repaid + capitalised }

    func count(_ kind: String) -> Int { notices[kind] ?? 0 }

    var row: [String] {
        let owed = principal + accruedInterest
        let ratio = DecimalText(marginValue).flatMap { value in DecimalText(owedAtNotice).flatMap { value.percent(of: $0) } } ?? ""
        let pledged = collateral.keys.sorted().filter { !collateral[$0]!.isZero }.map { "\($0) \(collateral[$0]!.description)" }
            .joined(separator: "; ")
        let sold = forcedSaleQty.keys.sorted().map { "\($0) \(forcedSaleQty[$0]!.description)" }.joined(separator: "; ")
        return [String(loan), account, openingPrincipal.description, drawn.description, repaid.description, capitalised.description,
                principal.description, interestAccrued.description, accruedInterest.description, owed.description, pledged, marginValue, ratio,
                lastNotice, String(count("EARLY_WARNING")), String(count("MARGIN_CALL")), String(count("CALL_MET")),
                String(count("FORCED_SALE")), String(forcedSaleOrders), sold, forcedSaleProceeds.description,
                String(count("FORCED_SALE_FILLED")), String(count("UNSECURED_SHORTFALL"))]
    }
}
