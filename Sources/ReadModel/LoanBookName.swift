/// The public name of one of a loan's books (Ledger `BookKey`), read back into its parts:
/// the house's receivables "house:loan:<id>:principal:<asset>" and
/// "house:loan:<id>:interest:<asset>", and the pledged collateral
/// "client:loan:<id>:collateral:<asset>".
public struct LoanBookName: Sendable, Hashable {
    public let loan: Int64
    /// "principal", "interest" or "collateral".
    public let kind: String
    public let asset: String

    public init?(_ book: String) {
        let parts = book.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1] == "loan", let id = Int64(parts[2]) else { return nil }
        switch (parts[0], parts[3]) {
        case ("house", "principal"), ("house", "interest"), ("client", "collateral"): break
        default: return nil
        }
        loan = id; kind = String(parts[3]); asset = String(parts[4])
    }

    /// What the book's balance means to the report: the house's receivables are negative
    /// balances (−1: what the client owes), the collateral a positive one (+1: what is pledged).
    public var sign: Int { kind == "collateral" ? 1 : -1 }
}
