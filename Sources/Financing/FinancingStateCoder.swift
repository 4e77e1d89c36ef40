import HarbourCore

/// What the engine's snapshot writer, snapshot reader and state hash look like to the
/// financing book: primitives coded `inout` (writers read them, the reader replaces
/// them), a count, and the reader's refusal of bad input. The engine adapts its own
/// coders to this, so `LoanBook.code(_:)` is the book's ONE state description (issue 13)
/// while its fields stay internal to this module.
public protocol FinancingStateCoder {
    associatedtype Failure: Error
    /// Reading a snapshot: values are replaced and `require` is enforced.
    var isReading: Bool { get }
    mutating func code(_ value: inout Int64) throws(Failure)
    mutating func code(_ value: inout String) throws(Failure)
    mutating func code(_ value: inout Bool) throws(Failure)
    /// The number of items that follow; when reading, bounded by the bytes left.
    mutating func codeCount(_ count: inout Int) throws(Failure)
    /// The error that refuses a snapshot being read.
    func corrupt(_ problem: String) -> Failure
}

extension FinancingStateCoder {
    /// Refuses the snapshot being read when `condition` is false.
    func require(_ condition: @autoclosure () -> Bool, _ problem: @autoclosure () -> String) throws(Failure) {
        if isReading && !condition() { throw corrupt(problem()) }
    }

    mutating func code(_ value: inout Int128) throws(Failure) {
        var high = Int64(truncatingIfNeeded: value >> 64)
        var low = Int64(truncatingIfNeeded: value)
        try code(&high)
        try code(&low)
        value = Int128(high) << 64 | Int128(UInt64(bitPattern: low))
    }

    mutating func code(_ value: inout Amount) throws(Failure) { var raw = value.raw; try code(&raw); value = Amount(raw: raw) }
    mutating func code(_ value: inout Price) throws(Failure) { var raw = value.raw; try code(&raw); value = Price(raw: raw) }
    mutating func code(_ value: inout Rate) throws(Failure) { var raw = value.raw; try code(&raw); value = Rate(raw: raw) }
    mutating func code(_ value: inout Quantity) throws(Failure) { var raw = value.raw; try code(&raw); value = Quantity(raw: raw) }

    mutating func code(_ value: inout AccountID) throws(Failure) {
        var raw = Int64(value.index)
        try code(&raw)
        try require(raw >= 0 && raw <= Int64(UInt32.max), "account index \(raw)")
        value = AccountID(UInt32(truncatingIfNeeded: raw))
    }

    /// An optional string: a presence flag, then the value.
    mutating func code(_ value: inout String?) throws(Failure) {
        var present = value != nil
        try code(&present)
        var text = value ?? ""
        if present { try code(&text) }
        value = present ? text : nil
    }

    /// Strings in a fixed (sorted) order; when reading, the list read.
    mutating func code(sorted strings: [String]) throws(Failure) -> [String] {
        var n = strings.count
        try codeCount(&n)
        var out: [String] = []
        for k in 0..<n {
            var s = isReading ? "" : strings[k]
            try code(&s)
            out.append(s)
        }
        return out
    }
}
