/// One settled funding of an instrument: the rate, its components and the mark used.
public struct FundingRecord: Codable, Sendable, Hashable {
    public var symbol: String
    public var fundingTime: Int64
    public var sequence: UInt64
    public var rate: String
    public var premium: String
    public var interest: String
    public var mark: String
    public var residue: String

    public init(symbol: String, fundingTime: Int64, sequence: UInt64, rate: String, premium: String, interest: String,
                mark: String, residue: String) {
        self.symbol = symbol
        self.fundingTime = fundingTime
        self.sequence = sequence
        self.rate = rate
        self.premium = premium
        self.interest = interest
        self.mark = mark
        self.residue = residue
    }
}
