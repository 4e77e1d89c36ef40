/// The public name of a loan's house book, "house:loan:<id>:principal:<asset>" or
/// "house:loan:<id>:interest:<asset>" (Ledger `BookKey`), read back into its parts.
public struct LoanBookName: Sendable, Hashable {
    public let loan: Int64
    /// "principal" or "interest".
    public let kind: String
    public let asset: String

    public init?(_ book: String) {
        let parts = book.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "house", parts[1] == "loan", let id = Int64(parts[2]),
              parts[3] == "principal" || parts[3] == "interest" else { return nil }
        loan = id; kind = String(parts[3]); asset = String(parts[4])
    }
}
