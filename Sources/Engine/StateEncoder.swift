/// A canonical little-endian byte encoding of engine state, fed to SHA-256 for the
/// state hash. Only deterministic orderings go in (never a dictionary's iteration order).
struct StateEncoder {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    mutating func int(_ v: Int64) {
        var x = UInt64(bitPattern: v)
        for _ in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: x)); x >>= 8 }
    }
    mutating func int(_ v: Int) { int(Int64(v)) }
    mutating func int(_ v: UInt32) { int(Int64(v)) }
    mutating func int(_ v: Int32) { int(Int64(v)) }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func string(_ s: String) {
        int(s.utf8.count)
        bytes.append(contentsOf: s.utf8)
    }
    mutating func optionalString(_ s: String?) {
        if let s { bool(true); string(s) } else { bool(false) }
    }
}
