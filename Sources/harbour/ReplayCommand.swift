import ArgumentParser
import CommandInput
import Engine
import Foundation

/// `harbour replay FILE.jsonl`: runs a command file through a fresh engine, prints one
/// event per line on stdout and `stateHash: <hex>` as the last line on stderr
/// (../shared/REPLAY-FORMAT.md). Malformed lines are reported on stderr with their line
/// number and skipped.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a JSONL command file through a fresh engine; print events and the state hash."
    )

    @Argument(help: "The command file (one JSON command per line); '-' for standard input.")
    var file: String

    @Option(help: "Venue configuration file (default: the built-in demo venue, same as config/venue.json).")
    var config: String?

    @Flag(help: "Leave ledger postings out of the event stream.")
    var noPostings = false

    func run() throws {
        let venue = try config.map { try VenueConfig.load(path: $0) } ?? .standard
        let engine = Engine(config: venue)
        engine.emitPostings = !noPostings
        let decoder = CommandDecoder()
        let encoder = EventEncoder()
        var out = BufferedOutput()
        var lineNumber: Int64 = 0
        try LineReader.forEachLine(path: file) { line in
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { return }
            do {
                let (ts, command) = try decoder.decode(line: line, engine: engine)
                engine.applyInPlace(command, timestamp: ts)
                for e in engine.events { out.write(encoder.encode(e, seq: lineNumber, engine: engine)) }
            } catch {
                out.flush()
                FileHandle.standardError.write(Data("line \(lineNumber): malformed command: \(error)\n".utf8))
            }
        }
        out.flush()
        FileHandle.standardError.write(Data("stateHash: \(engine.stateHash())\n".utf8))
    }
}

/// Buffers stdout lines and writes them in large chunks.
struct BufferedOutput {
    private var buffer: [UInt8] = []
    mutating func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(10)
        if buffer.count > 1 << 16 { flush() }
    }
    mutating func flush() {
        if buffer.isEmpty { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reads a file (or standard input for "-") line by line.
enum LineReader {
    static func forEachLine(path: String, _ body: (String) throws -> Void) throws {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let d = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read \(path)")
            }
            data = d
        }
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: 10) ?? data.endIndex
            try body(String(decoding: data[start..<end], as: UTF8.self))
            start = end == data.endIndex ? end : end + 1
        }
    }
}
