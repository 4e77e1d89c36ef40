import ArgumentParser
import Crypto
import Foundation
import Gateway
import Synchronization

/// `harbour load`: sends signed orders to a running venue over loopback and reports
/// orders per second and acknowledgement latency percentiles (the acknowledgement
/// includes the journal fsync). REST uses keep-alive connections, one request in flight
/// each; WebSocket pipelines up to `--window` orders per connection.
///
/// Orders are IOC buys priced below the market (they are accepted, journaled, risk-checked
/// and expire), so a long run does not grow the book or the position.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load-test a running venue with signed orders (REST or WebSocket)."
    )

    @Option(help: "host:port of the venue.") var address = "127.0.0.1:8080"
    @Option(help: "API key (client role, trade permission).") var key: String
    @Option(help: "API secret.") var secret: String
    @Option(help: "rest or ws.") var mode = "rest"
    @Option(help: "Seconds to run.") var seconds = 5.0
    @Option(help: "Concurrent connections.") var connections = 32
    @Option(help: "WebSocket: orders in flight per connection.") var window = 64
    @Option(help: "Target orders per second across all connections (0: as fast as possible).") var rate = 0
    @Option(help: "Symbol.") var symbol = "BTC-PERP"
    @Option(help: "Limit price of the IOC buys (default: 4% below the current mark, inside the price band).")
    var price: String?

    func run() throws {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw ValidationError("address must be host:port") }
        let hostName = String(parts[0])
        let limit = try price ?? Self.defaultPrice(host: hostName, port: port, symbol: symbol)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let stats = LoadStats()
        let perConnRate = rate > 0 ? max(1.0, Double(rate) / Double(connections)) : 0
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        for c in 0..<connections {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                do {
                    let conn = try Connection(host: hostName, port: port)
                    var lat: [UInt64] = []
                    lat.reserveCapacity(100_000)
                    if mode == "ws" {
                        try runWebSocket(conn, connection: c, deadline: deadline, perConnRate: perConnRate, latencies: &lat, stats: stats, limit: limit)
                    } else {
                        try runREST(conn, connection: c, deadline: deadline, perConnRate: perConnRate, latencies: &lat, stats: stats, limit: limit)
                    }
                    stats.results.withLock { $0.append(contentsOf: lat) }
                } catch {
                    stats.errors.withLock { $0["\(error)", default: 0] += 1 }
                }
            }
            thread.start()
        }
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var lat = stats.results.withLock { $0 }
        lat.sort()
        func pct(_ p: Double) -> String {
            guard !lat.isEmpty else { return "-" }
            let v = lat[min(lat.count - 1, Int(Double(lat.count) * p))]
            return String(format: "%.3f ms", Double(v) / 1e6)
        }
        print("mode: \(mode), connections: \(connections)\(mode == "ws" ? ", window: \(window)" : ""), target rate: \(rate == 0 ? "max" : String(rate))/s")
        print("acknowledged: \(lat.count) in \(String(format: "%.2f", elapsed)) s (sent \(stats.sent.load(ordering: .relaxed)))")
        print("latency p50: \(pct(0.5)) p90: \(pct(0.9)) p99: \(pct(0.99)) p99.9: \(pct(0.999)) max: \(lat.last.map { String(format: "%.3f ms", Double($0) / 1e6) } ?? "-")")
        for (e, n) in stats.errors.withLock({ $0 }) { print("errors: \(n) × \(e)") }
        print("orders_per_sec: \(Int(Double(lat.count) / elapsed))")
    }

    func body(_ n: Int, _ c: Int, _ limit: String) -> String {
        #"{"symbol":"\#(symbol)","side":"buy","orderType":"limit","timeInForce":"IOC","price":"\#(limit)","qty":"0.001","clientOrderId":"ld-\#(c)-\#(n)-\#(UInt32.random(in: 0...UInt32.max))"}"#
    }

    /// 96% of the whole-unit part of the current mark (integer arithmetic, on any tick ≤ 1).
    static func defaultPrice(host: String, port: UInt16, symbol: String) throws -> String {
        let conn = try Connection(host: host, port: port)
        try conn.send(Array("GET /v1/mark/\(symbol) HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8))
        let (status, text) = try conn.readHTTPResponse()
        guard status == 200, let r = text.range(of: #""markPrice":""#) else {
            throw ValidationError("cannot read the mark of \(symbol) (HTTP \(status)); pass --price")
        }
        let digits = text[r.upperBound...].prefix { $0.isNumber }
        guard let whole = Int64(digits), whole > 0 else { throw ValidationError("no mark for \(symbol) yet; pass --price") }
        return String(whole * 96 / 100)
    }

    func sign(_ payload: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { b in let s = String(b, radix: 16); return s.count == 1 ? "0" + s : s }.joined()
    }

    func pace(_ n: Int, _ startNs: UInt64, _ perConnRate: Double) {
        guard perConnRate > 0 else { return }
        let due = startNs + UInt64(Double(n) / perConnRate * 1e9)
        let now = DispatchTime.now().uptimeNanoseconds
        if due > now { usleep(UInt32((due - now) / 1000)) }
    }

    func runREST(_ conn: Connection, connection c: Int, deadline: UInt64, perConnRate: Double, latencies: inout [UInt64],
                 stats: LoadStats, limit: String) throws {
        var n = 0
        let startNs = DispatchTime.now().uptimeNanoseconds
        while DispatchTime.now().uptimeNanoseconds < deadline {
            pace(n, startNs, perConnRate)
            n += 1
            let b = body(n, c, limit)
            let ts = Int64(Date().timeIntervalSince1970 * 1000)
            let sig = sign("\(ts)POST/v1/orders\(b)")
            let req = "POST /v1/orders HTTP/1.1\r\nHost: \(address)\r\nContent-Type: application/json\r\nX-Harbour-Key: \(key)\r\nX-Harbour-Timestamp: \(ts)\r\nX-Harbour-Signature: \(sig)\r\nContent-Length: \(b.utf8.count)\r\n\r\n\(b)"
            let t0 = DispatchTime.now().uptimeNanoseconds
            try conn.send(Array(req.utf8))
            stats.sent.add(1, ordering: .relaxed)
            let (status, text) = try conn.readHTTPResponse()
            let t1 = DispatchTime.now().uptimeNanoseconds
            if status == 200 { latencies.append(t1 - t0) } else {
                stats.errors.withLock { $0["HTTP \(status): \(text.prefix(120))", default: 0] += 1 }
            }
        }
    }

    func runWebSocket(_ conn: Connection, connection c: Int, deadline: UInt64, perConnRate: Double, latencies: inout [UInt64],
                      stats: LoadStats, limit: String) throws {
        try conn.webSocketHandshake(host: address, path: "/v1/ws")
        // A nonce per connection: connections that start within the same millisecond would
        // otherwise sign the same text, and the venue refuses the second use of a signature.
        let ts = String(Int64(Date().timeIntervalSince1970 * 1000)), nonce = "load-\(c)-\(UInt64.random(in: 0...UInt64.max))"
        let signature = RequestAuthenticator.sign(secret: secret, timestamp: ts, method: "GET", target: "/v1/ws", body: [], nonce: nonce)
        try conn.sendText(#"{"op":"auth","key":"\#(key)","timestamp":\#(ts),"nonce":"\#(nonce)","signature":"\#(signature)"}"#)
        let reply = try conn.readText()
        guard reply.contains(#""success":true"#) else { throw Connection.Failure(description: "connection \(c): auth refused: \(reply)") }
        var inFlight: [Int: UInt64] = [:]
        var n = 0
        let startNs = DispatchTime.now().uptimeNanoseconds
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            let open = now < deadline
            if !open && inFlight.isEmpty { break }
            if open && inFlight.count < window {
                // Paced: send order n at its time, reading replies while waiting for it, so a
                // reply's latency is not the time the window takes to fill.
                let due = perConnRate > 0 ? startNs + UInt64(Double(n) / perConnRate * 1e9) : now
                if due <= now {
                    n += 1
                    var msg = body(n, c, limit)
                    msg.removeLast()
                    msg += #","op":"order","id":\#(n)}"#
                    inFlight[n] = DispatchTime.now().uptimeNanoseconds
                    try conn.sendText(msg)
                    stats.sent.add(1, ordering: .relaxed)
                    if !conn.readable(withinNanoseconds: 0) { continue }
                } else if !conn.readable(withinNanoseconds: min(due, deadline) - now) {
                    continue
                }
            }
            let text = try conn.readText()
            let t1 = DispatchTime.now().uptimeNanoseconds
            if let r = text.range(of: #""id":"#) {
                let digits = text[r.upperBound...].prefix { $0.isNumber }
                if let id = Int(digits), let t0 = inFlight.removeValue(forKey: id) {
                    if text.contains(#""error""#) || text.contains(#""op":"error""#) {
                        stats.errors.withLock { $0[String(text.prefix(160)), default: 0] += 1 }
                    } else {
                        latencies.append(t1 - t0)
                    }
                }
            }
        }
    }
}

/// Counters shared by the load threads.
final class LoadStats: Sendable {
    let results = Mutex<[UInt64]>([])
    let errors = Mutex<[String: Int]>([:])
    let sent = Atomic<Int>(0)
}

/// A blocking TCP connection with just enough HTTP/1.1 and WebSocket for load tests.
final class Connection {
    let fd: Int32
    var buffer: [UInt8] = []

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(host: String, port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw Failure(description: "connect to \(host):\(port) failed (errno \(errno))") }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { throw Failure(description: "write failed (errno \(errno))") }
            off += n
        }
    }

    func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { throw Failure(description: "connection closed") }
        buffer.append(contentsOf: chunk[0..<n])
    }

    func readHTTPResponse() throws -> (Int, String) {
        let sep: [UInt8] = [13, 10, 13, 10]
        while true {
            if let r = buffer.firstRange(of: sep) {
                let head = String(decoding: buffer[0..<r.lowerBound], as: UTF8.self)
                let lines = head.split(separator: "\r\n")
                let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "0") ?? 0
                var length = 0
                for l in lines.dropFirst() where l.lowercased().hasPrefix("content-length:") {
                    length = Int(l.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
                let total = r.upperBound + length
                while buffer.count < total { try fill() }
                let body = String(decoding: buffer[r.upperBound..<total], as: UTF8.self)
                buffer.removeFirst(total)
                return (status, body)
            }
            try fill()
        }
    }

    func webSocketHandshake(host: String, path: String) throws {
        let req = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try send(Array(req.utf8))
        let sep: [UInt8] = [13, 10, 13, 10]
        while buffer.firstRange(of: sep) == nil { try fill() }
        let r = buffer.firstRange(of: sep)!
        let head = String(decoding: buffer[0..<r.lowerBound], as: UTF8.self)
        buffer.removeFirst(r.upperBound)
        guard head.hasPrefix("HTTP/1.1 101") else { throw Failure(description: "WebSocket upgrade refused: \(head.prefix(80))") }
    }

    func sendText(_ text: String) throws {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        if payload.count < 126 { frame.append(0x80 | UInt8(payload.count)) }
        else if payload.count < 65536 { frame.append(0x80 | 126); frame.append(UInt8(payload.count >> 8)); frame.append(UInt8(payload.count & 0xff)) }
        else { throw Failure(description: "frame too large") }
        frame += mask
        for (i, b) in payload.enumerated() { frame.append(b ^ mask[i & 3]) }
        try send(frame)
    }

    /// Whether a reply can be read now or becomes readable within `nanoseconds`.
    func readable(withinNanoseconds nanoseconds: UInt64) -> Bool {
        if !buffer.isEmpty { return true }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        // poll waits in whole milliseconds: rounded up, so pacing never sends early.
        let ms = Int32(min(UInt64(Int32.max), (nanoseconds + 999_999) / 1_000_000))
        return poll(&p, 1, ms) > 0
    }

    func readText() throws -> String {
        while true {
            while buffer.count < 2 { try fill() }
            var len = Int(buffer[1] & 0x7f)
            var off = 2
            if len == 126 { while buffer.count < 4 { try fill() }; len = Int(buffer[2]) << 8 | Int(buffer[3]); off = 4 }
            else if len == 127 {
                while buffer.count < 10 { try fill() }
                len = 0
                for k in 2..<10 { len = len << 8 | Int(buffer[k]) }
                off = 10
            }
            while buffer.count < off + len { try fill() }
            let opcode = buffer[0] & 0x0f
            let text = String(decoding: buffer[off..<off + len], as: UTF8.self)
            buffer.removeFirst(off + len)
            if opcode == 1 { return text }
            if opcode == 8 { throw Failure(description: "WebSocket closed: \(text)") }
        }
    }
}
