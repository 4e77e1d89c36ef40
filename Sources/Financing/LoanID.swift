/// A loan (margin-financing account) id assigned by the loan book: increasing from 1.
public struct LoanID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let raw: Int64
    public init(_ raw: Int64) { self.raw = raw }
    public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    public var description: String { "loan#\(raw)" }
}
