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
}
