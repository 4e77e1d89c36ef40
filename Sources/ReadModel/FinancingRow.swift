/// One row of a margin-financing read-model table (FIN-3..6, REG-3 "margin-financing"),
/// built here once from the event so that the SQLite and the PostgreSQL projections write
/// exactly the same rows: money and quantities stay the events' decimal strings.
///
/// - `financing_events`: the loan-book events (`loanOpened`, `collateralPledged`/`Released`,
///   `loanDrawn`, `loanRepaid`, `collateralPriced`, `marginNotice`, `forcedSaleOrder`,
///   `controlBreach`, and the daily `financingControl`) keyed by (seq, idx), the fields each
///   carries in shared columns. A `financingControl` (FIN-3 utilisation) keeps its control in
///   `kind`, its `subject`, the figure in `amount`, the limit in `balance`, the utilisation
///   (a decimal fraction) in `qty`, and `state` "applies" or "belowMinimum".
/// - `loan_postings`: every posting into or out of a loan's principal, interest or collateral
///   book (`LoanBookName`), as the change of what the client owes on that book (collateral:
///   what is pledged) and what stands after it (`balance_after`) — the exact source of
///   principal, repayments, capitalised and accrued interest and of the collateral held.
/// - `loan_book_stress_tests`: each scenario of the loan-book stress test (FIN-6).
public struct FinancingRow: Sendable, Hashable {
    /// A column value: an integer or a text, either possibly NULL.
    public enum Value: Sendable, Hashable {
        case int(Int64?)
        case text(String?)
    }

    public static let eventsTable = "financing_events"
    public static let postingsTable = "loan_postings"
    public static let stressTable = "loan_book_stress_tests"
    public static let eventColumns = ["seq", "idx", "ts", "type", "loan", "account", "kind", "asset", "qty", "amount", "balance",
                                      "interest", "margin_value", "owed", "price", "deadline", "order_id", "filled", "proceeds",
                                      "code", "subject", "message", "state"]
    public static let postingColumns = ["seq", "idx", "ts", "loan", "book", "asset", "reason", "change", "balance_after"]
    public static let stressColumns = ["seq", "idx", "ts", "scenario", "clients", "loans_under_water", "margin_shortfall",
                                       "uncovered_loss", "capital", "capital_at_risk_share", "shortfall_share_of_capital"]
    /// The event types that make rows.
    public static let eventTypes: Set<String> = ["loanOpened", "collateralPledged", "collateralReleased", "loanDrawn", "loanRepaid",
                                                 "collateralPriced", "marginNotice", "forcedSaleOrder", "controlBreach",
                                                 "loanBookStressTest", "financingControl"]

    public let table: String
    public let values: [Value]

    /// The columns of `table`, in the order of `values`.
    public var columns: [String] {
        switch table {
        case Self.eventsTable: return Self.eventColumns
        case Self.postingsTable: return Self.postingColumns
        default: return Self.stressColumns
        }
    }

    /// The row of a financing event; nil for a type no table keeps.
    public static func row(_ e: WireEvent, seq: Int64, idx: Int, ts: Int64, sequence: UInt64) throws -> FinancingRow? {
        func need<T>(_ v: T?, _ field: String) throws -> T {
            guard let v else { throw ReadModelError.missingField(sequence: sequence, type: e.type, field: field) }
            return v
        }
        let key: [Value] = [.int(seq), .int(Int64(idx)), .int(ts)]
        switch e.type {
        case "loanBookStressTest":
            return FinancingRow(table: stressTable, values: key + [
                .text(try need(e.scenario, "scenario")), .int(try need(e.clients, "clients")),
                .int(try need(e.loansUnderWater, "loansUnderWater")), .text(try need(e.marginShortfall, "marginShortfall")),
                .text(try need(e.uncoveredLoss, "uncoveredLoss")), .text(e.capital), .text(e.capitalAtRiskShare),
                .text(e.shortfallShareOfCapital)])
        case "financingControl":
            return FinancingRow(table: eventsTable, values: key + controlValues(e, type: try need(e.control, "control"),
                                                                             value: try need(e.value, "value"), limit: try need(e.limit, "limit"),
                                                                             utilisation: try need(e.utilisation, "utilisation")))
        case "controlBreach":
            _ = try need(e.code, "code")
            _ = try need(e.state, "state")
        case "collateralPriced":
            _ = try need(e.asset, "asset")
            _ = try need(e.price, "price")
        case "marginNotice":
            _ = try need(e.loan, "loan")
            _ = try need(e.kind, "kind")
        case "loanOpened", "collateralPledged", "collateralReleased", "loanDrawn", "loanRepaid", "forcedSaleOrder":
            _ = try need(e.loan, "loan")
        default:
            return nil
        }
        // What stands "after" the event: collateral pledged, or the loan's principal.
        let balance = e.type.hasPrefix("collateral") ? e.pledged : e.principal
        return FinancingRow(table: eventsTable, values: key + [
            .text(e.type), .int(e.loan), .text(e.account), .text(e.kind), .text(e.asset), .text(e.qty), .text(e.amount),
            .text(balance), .text(e.accruedInterest), .text(e.marginValue), .text(e.owed), .text(e.limitPrice ?? e.price),
            .int(e.deadline), .int(e.orderId), .text(e.filled), .text(e.proceeds), .text(e.code), .text(e.subject),
            .text(e.message), .text(e.state)])
    }

    /// The `financing_events` columns after the key of a `financingControl` (see above).
    private static func controlValues(_ e: WireEvent, type control: String, value: String, limit: String, utilisation: String) -> [Value] {
        [.text("financingControl"), .int(nil), .text(nil), .text(control), .text(nil), .text(utilisation), .text(value), .text(limit),
         .text(nil), .text(nil), .text(nil), .text(nil), .int(nil), .int(nil), .text(nil), .text(nil), .text(nil), .text(e.subject),
         .text(nil), .text(e.applies == false ? "belowMinimum" : "applies")]
    }

    /// The `loan_postings` rows of one posting: one per loan book it moves (none for a
    /// posting that touches no loan book). `fromAfter` / `toAfter` are the books' running
    /// balances after it; what is owed is the negative of a receivable's balance, what is
    /// pledged the collateral book's balance (`LoanBookName.sign`).
    public static func loanPostings(from: String, to: String, amount: DecimalText, reason: String, fromAfter: DecimalText,
                                    toAfter: DecimalText, seq: Int64, idx: Int, ts: Int64) -> [FinancingRow] {
        var rows: [FinancingRow] = []
        for (book, balanceChange, after) in [(from, -amount, fromAfter), (to, amount, toAfter)] where from != to {
            guard let parsed = LoanBookName(book) else { continue }
            let change = parsed.sign < 0 ? -balanceChange : balanceChange, stands = parsed.sign < 0 ? -after : after
            rows.append(FinancingRow(table: postingsTable, values: [
                .int(seq), .int(Int64(idx)), .int(ts), .int(parsed.loan), .text(parsed.kind), .text(parsed.asset), .text(reason),
                .text(change.description), .text(stands.description)]))
        }
        return rows
    }
}
