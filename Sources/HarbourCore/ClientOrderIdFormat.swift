/// What a client order id may look like, everywhere it enters the venue (REST `/v1`,
/// WebSocket, `/fapi`, replay files and the engine itself): 1 to 36 characters from
/// `.A-Z:/a-z0-9_-` — Binance's `^[\.A-Z\:/a-z0-9_-]{1,36}$`, so any id a Binance
/// client generates (ccxt's included) fits, and no control character, NUL, space, quote
/// or non-ASCII letter can reach the journal, the read model or a log line.
///
/// An id outside it is refused with `RejectCode.invalidClientOrderId`.
public enum ClientOrderIdFormat {
    /// The pattern stated in docs/openapi.yaml and docs/REPLAY.md.
    public static let pattern = #"^[\.A-Z\:/a-z0-9_-]{1,36}$"#
    /// The longest id accepted, in characters (all of them ASCII, so also in bytes).
    public static let maxLength = 36

    /// True when `id` matches `pattern`.
    public static func isValid(_ id: String) -> Bool {
        let bytes = id.utf8
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        for c in bytes {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// The refusal for an id outside the format, naming the rule (never echoing the id's
    /// bytes, which may be control characters).
    public static func rejection(_ id: String) -> Rejection {
        let what = id.isEmpty ? "is empty"
            : id.utf8.count > maxLength ? "is \(id.utf8.count) bytes long"
            : "contains a character outside . A-Z : / a-z 0-9 _ -"
        return Rejection(.invalidClientOrderId, "clientOrderId \(what): it must be 1 to \(maxLength) characters from . A-Z : / a-z 0-9 _ -")
    }
}
