import ReadModel
import Testing

@Suite struct DecimalTextTests {
    @Test func parsesAddsComparesAndFormatsExactly() throws {
        let a = try #require(DecimalText("0.1")), b = try #require(DecimalText("0.2"))
        #expect((a + b).description == "0.3")
        #expect((a - b).description == "-0.1")
        #expect(DecimalText("1.500") == DecimalText("1.5"))
        #expect(DecimalText("-0.001")! < DecimalText("0")!)
        #expect((DecimalText("50000.22575")! - DecimalText("0.22575")!).description == "50000")
        #expect(DecimalText("0.000001")!.description == "0.000001")
        #expect(DecimalText("1e5") == nil && DecimalText("") == nil && DecimalText("1.2.3") == nil && DecimalText("-") == nil)
        var sum = DecimalText.zero
        for _ in 0..<1000 { sum += DecimalText("0.001")! }
        #expect(sum.description == "1")
    }

    @Test func bookNamesNameTheirAccount() {
        #expect(BookName.account(of: "client:alice:cash:USD") == "alice")
        #expect(BookName.account(of: "client:a:b:isolated:BTC-PERP") == "a:b")
        #expect(BookName.account(of: "client:positions-pool:USD") == nil)
        #expect(BookName.account(of: "house:fees:USD") == nil)
        #expect(BookName.account(of: "external:USD") == nil)
    }
}
