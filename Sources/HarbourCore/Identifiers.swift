/// The engine's dense index of an account, assigned in `openAccount` order.
///
/// External names ("alice") map to these once, at the edge; the hot path uses indices.
public struct AccountID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let index: UInt32
    @inlinable public init(_ index: UInt32) { self.index = index }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.index < b.index }
    public var description: String { "account#\(index)" }
}

/// The engine's dense index of an instrument, in configuration order.
public struct InstrumentID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let index: UInt16
    @inlinable public init(_ index: UInt16) { self.index = index }
    @inlinable public static func < (a: Self, b: Self) -> Bool { a.index < b.index }
    public var description: String { "instrument#\(index)" }
}

/// An order id assigned by the engine: increasing integers starting at 1.
public typealias OrderID = Int64
