import Foundation

/// A recorded (sequence, state hash) pair, written at clean shutdown and with snapshots,
/// so that recovery can prove it rebuilt exactly the state that was running (OPS-4).
public struct Checkpoint: Sendable, Equatable {
    public let sequence: UInt64
    public let stateHash: String

    public init(sequence: UInt64, stateHash: String) {
        self.sequence = sequence
        self.stateHash = stateHash
    }

    static func url(in dir: URL) -> URL { dir.appendingPathComponent("checkpoint.txt") }

    func write(to dir: URL) throws {
        let tmp = dir.appendingPathComponent("checkpoint.tmp")
        try Data("\(sequence) \(stateHash)\n".utf8).write(to: tmp, options: .atomic)
        _ = try? FileManager.default.removeItem(at: Self.url(in: dir))
        try FileManager.default.moveItem(at: tmp, to: Self.url(in: dir))
    }

    public static func read(from dir: URL) -> Checkpoint? {
        guard let text = try? String(contentsOf: url(in: dir), encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count == 2, let seq = UInt64(parts[0]), parts[1].count == 64 else { return nil }
        return Checkpoint(sequence: seq, stateHash: String(parts[1]))
    }
}
