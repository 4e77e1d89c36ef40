import Foundation
import Logging
import Synchronization

/// The information-barrier log (MM-3): every refused market-maker attempt at data it may
/// not see, in memory for `GET /v1/compliance/barrier-events` and appended, one JSON object
/// per line, to `barrier-events.jsonl` in the data directory (opened with `O_APPEND`, each
/// line written with one `write` and `fsync`ed before the refusal is answered). The file is
/// read back at start, so the record survives restarts; a torn last line (a crash mid-write)
/// is skipped on reading and the next append starts on a fresh line.
public final class BarrierEventLog: Sendable {
    /// The file name in the data directory.
    public static let fileName = "barrier-events.jsonl"

    private let path: String?
    private let logger: Logger
    private let events: Mutex<[BarrierEvent]>

    /// Opens the log in `dataDirectory` (reading what is there); nil: in memory only.
    public init(dataDirectory: URL?, logger: Logger = Logger(label: "harbour.barrier")) {
        self.logger = logger
        path = dataDirectory?.appendingPathComponent(Self.fileName).path
        var loaded: [BarrierEvent] = []
        if let path, let data = FileManager.default.contents(atPath: path) {
            let decoder = JSONDecoder()
            for line in data.split(separator: UInt8(ascii: "\n")) {
                if let event = try? decoder.decode(BarrierEvent.self, from: Data(line)) { loaded.append(event) }
            }
        }
        events = Mutex(loaded)
    }

    /// Every event so far, oldest first.
    public var all: [BarrierEvent] { events.withLock { $0 } }

    /// Records an attempt (with the next id and `time`) and returns the event.
    @discardableResult
    public func record(time: Int64, key: String, account: String, route: String, kind: BarrierEvent.Kind,
                       attempted: String) -> BarrierEvent {
        events.withLock { list in
            let event = BarrierEvent(id: (list.last?.id ?? 0) + 1, time: time, key: key, account: account, route: route,
                                     kind: kind, attempted: attempted)
            list.append(event)
            append(event)
            logger.warning("information barrier", metadata: [
                "key": .string(key), "account": .string(account), "route": .string(route),
                "kind": .string(kind.rawValue), "attempted": .string(attempted),
            ])
            return event
        }
    }

    /// Appends one line durably. A failure is logged: the request is refused all the same.
    private func append(_ event: BarrierEvent) {
        guard let path else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let json = try? encoder.encode(event) else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else {
            logger.error("cannot open the barrier log", metadata: ["path": .string(path), "errno": .stringConvertible(errno)])
            return
        }
        defer { close(fd) }
        // A fresh line if the last one was torn (no newline at the end of the file).
        var bytes: [UInt8] = []
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0,
           let handle = FileHandle(forReadingAtPath: path) {
            try? handle.seek(toOffset: UInt64(size - 1))
            if let last = try? handle.read(upToCount: 1), last != Data([UInt8(ascii: "\n")]) { bytes.append(UInt8(ascii: "\n")) }
            try? handle.close()
        }
        bytes += Array(json) + [UInt8(ascii: "\n")]
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != bytes.count || fsync(fd) != 0 {
            logger.error("cannot write the barrier log", metadata: ["path": .string(path), "errno": .stringConvertible(errno)])
        }
    }
}
