import Foundation

/// Reads one JSON object from UTF-8 bytes, strictly (RFC 8259): no byte-order mark, no
/// duplicate keys in any object, no trailing garbage, nothing Foundation's lenient parser
/// would otherwise let through. The REST gateway (request bodies, WebSocket messages) and
/// the replay decoder read every client JSON object through it, so one body means one
/// thing everywhere: `{"qty":"1","qty":"100"}` is refused, never read as either value.
///
/// The text is first checked by a small syntax walker (which also compares object keys
/// after unescaping, so `"a"` and `"\u0061"` are the same key), then handed to
/// `JSONSerialization` for the values.
public enum StrictJSON {
    /// Why the bytes are not one strict JSON object; `description` is the client's message.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Objects and arrays nested deeper than this are refused (no request needs it).
    public static let maxDepth = 64

    /// The top-level object of `bytes`.
    public static func object(_ bytes: [UInt8]) throws(Failure) -> [String: Any] {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw Failure(description: "starts with a byte-order mark (U+FEFF); send UTF-8 JSON without one")
        }
        var walker = Walker(bytes: bytes)
        try walker.document()
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: []) } catch {
            throw Failure(description: "is not valid JSON")
        }
        guard let obj = parsed as? [String: Any] else { throw Failure(description: "is not a JSON object") }
        return obj
    }

    /// `object(_:)` of a string's UTF-8 bytes.
    public static func object(_ text: String) throws(Failure) -> [String: Any] {
        try object(Array(text.utf8))
    }

    /// A recursive-descent syntax check of one JSON value that is an object.
    struct Walker {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() throws(Failure) {
            skipSpace()
            guard peek == UInt8(ascii: "{") else {
                throw Failure(description: i >= bytes.count ? "is empty" : "is not a JSON object")
            }
            try value(depth: 0)
            skipSpace()
            guard i == bytes.count else { throw Failure(description: "is not valid JSON (text after the object at byte \(i))") }
        }

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
        }

        func invalid() -> Failure { Failure(description: "is not valid JSON (at byte \(i))") }

        mutating func value(depth: Int) throws(Failure) {
            guard depth < StrictJSON.maxDepth else { throw Failure(description: "nests deeper than \(StrictJSON.maxDepth) levels") }
            skipSpace()
            guard let c = peek else { throw invalid() }
            switch c {
            case UInt8(ascii: "{"):
                i += 1
                var keys = Set<[UInt8]>()
                skipSpace()
                if peek == UInt8(ascii: "}") { i += 1; return }
                while true {
                    skipSpace()
                    guard peek == UInt8(ascii: "\"") else { throw invalid() }
                    let key = try string()
                    guard keys.insert(key).inserted else {
                        let name = String(decoding: key, as: UTF8.self)
                        let shown = ClientText.printable(name)
                        throw Failure(description: "has the key '\(shown)' more than once in one object (duplicate keys are refused)")
                    }
                    skipSpace()
                    guard peek == UInt8(ascii: ":") else { throw invalid() }
                    i += 1
                    try value(depth: depth + 1)
                    skipSpace()
                    if peek == UInt8(ascii: ",") { i += 1; continue }
                    guard peek == UInt8(ascii: "}") else { throw invalid() }
                    i += 1
                    return
                }
            case UInt8(ascii: "["):
                i += 1
                skipSpace()
                if peek == UInt8(ascii: "]") { i += 1; return }
                while true {
                    try value(depth: depth + 1)
                    skipSpace()
                    if peek == UInt8(ascii: ",") { i += 1; continue }
                    guard peek == UInt8(ascii: "]") else { throw invalid() }
                    i += 1
                    return
                }
            case UInt8(ascii: "\""):
                _ = try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: try number()
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard i + w.count <= bytes.count, bytes[i..<(i + w.count)].elementsEqual(w) else { throw invalid() }
            i += w.count
        }

        mutating func digits() -> Int {
            var n = 0
            while let c = peek, c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { i += 1; n += 1 }
            return n
        }

        mutating func number() throws(Failure) {
            if peek == UInt8(ascii: "-") { i += 1 }
            if peek == UInt8(ascii: "0") { i += 1 } else { guard digits() > 0 else { throw invalid() } }
            if peek == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { throw invalid() }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                i += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw invalid() }
            }
        }

        /// Reads a string at `i` (on its opening quote) and returns its unescaped UTF-8.
        mutating func string() throws(Failure) -> [UInt8] {
            i += 1
            var out: [UInt8] = []
            while true {
                guard let c = peek else { throw invalid() }
                i += 1
                switch c {
                case UInt8(ascii: "\""):
                    guard String(validating: out, as: UTF8.self) != nil else { throw Failure(description: "is not valid UTF-8") }
                    return out
                case UInt8(ascii: "\\"):
                    guard let e = peek else { throw invalid() }
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard peek == UInt8(ascii: "\\") else { throw invalid() }
                            i += 1
                            guard peek == UInt8(ascii: "u") else { throw invalid() }
                            i += 1
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw invalid() }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw invalid()
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw invalid() }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default:
                        throw invalid()
                    }
                default:
                    guard c >= 0x20 else { throw Failure(description: "is not valid JSON (a raw control character in a string at byte \(i - 1))") }
                    out.append(c)
                }
            }
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard i + 4 <= bytes.count else { throw invalid() }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt8
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
                default: throw invalid()
                }
                v = v << 4 | UInt32(d)
                i += 1
            }
            return v
        }
    }
}
