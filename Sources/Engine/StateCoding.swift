import Ledger

/// One description of a component's state, run by three coders (issue 13): the snapshot
/// writer (`ByteWriter`), the snapshot reader (`SnapshotReader`, with validation) and the
/// state hash (`StateEncoder`). A component lists its fields once, in `code(_:)`; adding a
/// field there puts it in the snapshot, the restore and the hash together.
///
/// Each primitive takes its value `inout`: writer and hasher read it, the reader replaces
/// it with what it read. The coder decides the representation (the hash feeds every
/// integer as 8 bytes, the snapshot uses the natural width); the order is the component's.
/// Checks go through `require`, which only the reader enforces: restoring never traps on
/// bad input, every problem is a `SnapshotError`.
protocol StateCoder {
    /// Reading a snapshot: values are replaced, `require` is enforced.
    var isReading: Bool { get }
    /// The state hash: fields kept only in snapshots (bookkeeping that decides no future
    /// event, such as the command count) are skipped with `if !coder.isHash`.
    var isHash: Bool { get }
    mutating func code(_ value: inout Int64) throws(Engine.SnapshotError)
    mutating func code(_ value: inout Int32) throws(Engine.SnapshotError)
    mutating func code(_ value: inout UInt32) throws(Engine.SnapshotError)
    mutating func code(_ value: inout UInt8) throws(Engine.SnapshotError)
    mutating func code(_ value: inout Bool) throws(Engine.SnapshotError)
    mutating func code(_ value: inout String) throws(Engine.SnapshotError)
    /// A ledger book key (the hash keeps its canonical text, the snapshot a tagged binary form).
    mutating func code(_ value: inout BookKey) throws(Engine.SnapshotError)
    /// The number of items that follow; when reading, bounded by the bytes left.
    mutating func codeCount(_ count: inout Int) throws(Engine.SnapshotError)
}

extension StateCoder {
    /// Refuses the snapshot being read when `condition` is false (writing and hashing:
    /// nothing to check, the state is the engine's own).
    @inline(__always)
    func require(_ condition: @autoclosure () -> Bool, _ problem: @autoclosure () -> String) throws(Engine.SnapshotError) {
        if isReading && !condition() { throw .corrupt(problem()) }
    }
}

/// A part of the engine state that encodes itself from one description.
protocol StateCoding {
    /// Writes, hashes or (when `coder.isReading`) restores every field, in one order.
    mutating func code<Coder: StateCoder>(_ coder: inout Coder) throws(Engine.SnapshotError)
}

extension StateCoding {
    /// Feeds this state to a writer or the hasher, leaving it untouched (a copy is coded).
    func encode<Coder: StateCoder>(into coder: inout Coder) {
        precondition(!coder.isReading, "encode(into:) is for writing and hashing")
        var copy = self
        do { try copy.code(&coder) } catch { preconditionFailure("writing state cannot fail: \(error)") }
    }
}

extension ByteWriter: StateCoder {
    var isReading: Bool { false }
    var isHash: Bool { false }
    mutating func code(_ value: inout Int64) { i64(value) }
    mutating func code(_ value: inout Int32) { i32(value) }
    mutating func code(_ value: inout UInt32) { u32(value) }
    mutating func code(_ value: inout UInt8) { u8(value) }
    mutating func code(_ value: inout Bool) { u8(value ? 1 : 0) }
    mutating func code(_ value: inout String) { str(value) }
    mutating func code(_ value: inout BookKey) { Engine.writeBookKey(value, &self) }
    mutating func codeCount(_ count: inout Int) { u32(UInt32(count)) }
}

extension SnapshotReader: StateCoder {
    var isReading: Bool { true }
    var isHash: Bool { false }
    mutating func code(_ value: inout Int64) throws(Engine.SnapshotError) { value = try i64() }
    mutating func code(_ value: inout Int32) throws(Engine.SnapshotError) { value = try i32() }
    mutating func code(_ value: inout UInt32) throws(Engine.SnapshotError) { value = try u32() }
    mutating func code(_ value: inout UInt8) throws(Engine.SnapshotError) { value = try u8() }
    mutating func code(_ value: inout Bool) throws(Engine.SnapshotError) { value = try bool() }
    mutating func code(_ value: inout String) throws(Engine.SnapshotError) { value = try str() }
    mutating func code(_ value: inout BookKey) throws(Engine.SnapshotError) { value = try bookKey() }
    mutating func codeCount(_ count: inout Int) throws(Engine.SnapshotError) { count = try self.count() }
}

extension StateEncoder: StateCoder {
    var isReading: Bool { false }
    var isHash: Bool { true }
    mutating func code(_ value: inout Int64) { int(value) }
    mutating func code(_ value: inout Int32) { int(value) }
    mutating func code(_ value: inout UInt32) { int(value) }
    mutating func code(_ value: inout UInt8) { int(Int64(value)) }
    mutating func code(_ value: inout Bool) { bool(value) }
    mutating func code(_ value: inout String) { string(value) }
    mutating func code(_ value: inout BookKey) { string(value.description) }
    mutating func codeCount(_ count: inout Int) { int(count) }
}

extension StateCoder {
    /// An optional string: presence flag, then the string.
    mutating func code(_ value: inout String?) throws(Engine.SnapshotError) {
        var present = value != nil
        try code(&present)
        guard present else { value = nil; return }
        var text = value ?? ""
        try code(&text)
        value = text
    }
}

/// Runs coding that cannot fail: writing and hashing the engine's own state.
@inline(__always)
func infallible(_ body: () throws(Engine.SnapshotError) -> Void) {
    do { try body() } catch { preconditionFailure("writing state cannot fail: \(error)") }
}
