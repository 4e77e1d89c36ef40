import Foundation
import Testing
@testable import Engine

@Suite struct JSONTextTests {
    @Test func quotedStringsParseBackToTheOriginal() throws {
        for original in ["plain", "quote \" inside", "back\\slash", "line\nbreak\tand\r", "\u{01}\u{1f}ctl", "ünïcødé 🚀", ""] {
            var s = ""
            JSONText.quote(original, into: &s)
            let parsed = try JSONSerialization.jsonObject(with: Data("[\(s)]".utf8)) as? [String]
            #expect(parsed == [original], "\(s)")
        }
    }
}
