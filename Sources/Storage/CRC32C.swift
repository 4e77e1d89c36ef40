/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum that protects every
/// journal record and snapshot file.
///
/// Software slicing-by-8: eight 256-entry tables, eight input bytes per step. The value
/// follows the usual convention (initial value and final XOR `0xFFFFFFFF`), so
/// `checksum("123456789") == 0xE3069283`. Checksums can be continued across buffers:
/// `checksum(b, continuing: checksum(a)) == checksum(a + b)`.
public enum CRC32C {
    /// The reflected Castagnoli polynomial.
    public static let polynomial: UInt32 = 0x82F6_3B78

    /// Eight tables of 256 entries, flattened: entry `k * 256 + i` is table `k`.
    private static let tables: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var crc = UInt32(i)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1
            }
            table[i] = crc
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let previous = table[(k - 1) * 256 + i]
                table[k * 256 + i] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()

    /// The CRC-32C of `bytes`, optionally continuing a checksum computed over preceding bytes.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return previous }
        return tables.withUnsafeBufferPointer { table in
            var crc = ~previous
            var index = 0
            let count = bytes.count
            // Byte-wise until 8-byte aligned, so the word loads below are aligned.
            while index < count, (Int(bitPattern: base + index) & 7) != 0 {
                let byte = UInt32(base.load(fromByteOffset: index, as: UInt8.self))
                crc = table[Int((crc ^ byte) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
            while count - index >= 8 {
                let word = UInt64(littleEndian: base.load(fromByteOffset: index, as: UInt64.self)) ^ UInt64(crc)
                let low = table[7 * 256 + Int(word & 0xFF)]
                    ^ table[6 * 256 + Int((word >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((word >> 16) & 0xFF)]
                    ^ table[4 * 256 + Int((word >> 24) & 0xFF)]
                let high = table[3 * 256 + Int((word >> 32) & 0xFF)]
                    ^ table[2 * 256 + Int((word >> 40) & 0xFF)]
                    ^ table[1 * 256 + Int((word >> 48) & 0xFF)]
                    ^ table[Int(word >> 56)]
                crc = low ^ high
                index += 8
            }
            while index < count {
                let byte = UInt32(base.load(fromByteOffset: index, as: UInt8.self))
                crc = table[Int((crc ^ byte) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
            return ~crc
        }
    }

    /// The CRC-32C of `bytes`, optionally continuing a checksum computed over preceding bytes.
    public static func checksum(_ bytes: [UInt8], continuing previous: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: previous) }
    }

    /// The CRC-32C of the UTF-8 bytes of `string`.
    public static func checksum(_ string: String) -> UInt32 {
        checksum(Array(string.utf8))
    }
}
