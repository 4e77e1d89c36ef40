/// Client-supplied text made safe to quote in a message: control characters and
/// non-ASCII shown as `\u{…}` escapes, cut to 64 characters.
public enum ClientText {
    /// `s` with control and non-ASCII characters escaped, at most 64 characters shown.
    public static func printable(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars.prefix(64) {
            if u.value >= 0x20 && u.value < 0x7F { out.unicodeScalars.append(u) } else { out += "\\u{\(String(u.value, radix: 16))}" }
        }
        return s.unicodeScalars.count > 64 ? out + "…" : out
    }
}
