/// Reads the public names of ledger books in `posting` events: a client's books are
/// "client:<account>:cash:<asset>" and "client:<account>:isolated:<symbol>"; everything
/// else ("client:positions-pool:USD", "house:fees:USD", "external:USD") is no account's.
public enum BookName {
    /// The cash book of an account in an asset.
    public static func cash(account: String, asset: String) -> String { "client:\(account):cash:\(asset)" }

    /// The account that owns `book`, or nil for pool, house and external books. The
    /// account name may itself contain ':' — the kind and asset/symbol are read from the end.
    public static func account(of book: String) -> String? {
        guard book.hasPrefix("client:") else { return nil }
        let parts = book.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 4 else { return nil }
        let kind = parts[parts.count - 2]
        guard kind == "cash" || kind == "isolated" else { return nil }
        return parts[1..<(parts.count - 2)].joined(separator: ":")
    }
}
