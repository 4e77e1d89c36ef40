import Testing
@testable import ReadModel

@Suite struct FundingHistoryTests {
    @Test(arguments: StoreKind.available) func fundingEventsBecomeHistoryNewestFirst(_ kind: StoreKind) async throws {
        let store = try await TestStore.make(kind)
        func line(_ seq: Int, _ time: Int64, _ rate: String) -> String {
            #"{"type":"funding","seq":\#(seq),"symbol":"BTC-PERP","rate":"\#(rate)","premium":"0.0002","interest":"0.0001","premiumSamples":480,"mark":"50200.1","fundingTime":\#(time),"payers":[{"account":"a","size":"0.1","amount":"7.53"}],"receivers":[],"residue":"0.000003"}"#
        }
        try await store.apply(sequence: 1, timestamp: 1_767_225_600_000, commandLine: nil, eventLines: [line(1, 1_767_225_600_000, "0.00015")])
        try await store.apply(sequence: 2, timestamp: 1_767_254_400_000, commandLine: nil, eventLines: [line(2, 1_767_254_400_000, "-0.0001")])
        let rows = try await store.fundingHistory(symbol: "BTC-PERP")
        #expect(rows.map(\.fundingTime) == [1_767_254_400_000, 1_767_225_600_000])
        #expect(rows.map(\.rate) == ["-0.0001", "0.00015"])
        #expect(rows[0].mark == "50200.1" && rows[0].residue == "0.000003" && rows[0].sequence == 2)
        #expect(try await store.fundingHistory(symbol: "ETH-PERP").isEmpty)
        // Idempotent by sequence: re-applying changes nothing.
        try await store.apply(sequence: 2, timestamp: 1_767_254_400_000, commandLine: nil, eventLines: [line(2, 1_767_254_400_000, "0.5")])
        #expect(try await store.fundingHistory(symbol: "BTC-PERP").first?.rate == "-0.0001")
    }
}
