import Foundation
import Testing
@testable import Storage

/// Hand-run measurements, not assertions. Enabled with HARBOUR_STORAGE_BENCH=1, e.g.
/// `HARBOUR_STORAGE_BENCH=1 swift test -c release --filter StorageTests.JournalThroughputTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HARBOUR_STORAGE_BENCH"] != nil))
struct JournalThroughputTests {
    @Test func readerAndWriterThroughput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let count = 1_000_000
        let payload = [UInt8](repeating: 0x5A, count: 100)
        let batch = 1000

        let writeStart = ContinuousClock.now
        let writer = try JournalWriter(directory: directory.url, startingAfter: 0, segmentSizeLimit: 64 << 20)
        for index in 1...count {
            try writer.append(timestamp: Int64(index), payload: payload)
            if index % batch == 0 { try writer.sync() }
        }
        try writer.sync()
        writer.close()
        let writeSeconds = seconds(ContinuousClock.now - writeStart)

        let reader = JournalReader(directory: directory.url)
        var best = Double.infinity
        for _ in 0..<3 {
            var checksum: UInt64 = 0
            let readStart = ContinuousClock.now
            let summary = try reader.forEach { sequence, _, payload in
                checksum &+= sequence &+ UInt64(payload.count)
            }
            best = min(best, seconds(ContinuousClock.now - readStart))
            #expect(summary.recordsDelivered == count)
            #expect(checksum > 0)
        }
        let bytes = count * JournalRecord.encodedSize(payloadCount: payload.count)
        print("""
            JOURNAL BENCH: wrote \(count) x 100-byte records in batches of \(batch): \
            \(Int(Double(count) / writeSeconds)) records/s (\(count / batch) fsyncs, \(String(format: "%.2f", writeSeconds)) s)
            JOURNAL BENCH: read \(count) records (\(bytes >> 20) MiB, warm cache, best of 3): \
            \(Int(Double(count) / best)) records/s, \(Int(Double(bytes) / best / 1_048_576)) MiB/s
            """)
    }

    @Test func crcThroughput() {
        let data = [UInt8](repeating: 0xA5, count: 64 << 20)
        let start = ContinuousClock.now
        let crc = CRC32C.checksum(data)
        let elapsed = seconds(ContinuousClock.now - start)
        print("CRC BENCH: CRC-32C \(Int(64 / elapsed)) MiB/s (crc 0x\(String(crc, radix: 16)))")
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
