import Crypto

/// One record of the audit trail (REG-2): a command and every event it caused, as
/// replay-format JSON, chained to the record before it by SHA-256.
///
/// A record is one line of an audit segment:
///
/// ```
/// {"prev":"<64 hex>","seq":N,"ts":T,"command":{...},"events":[{...},...],"hash":"<64 hex>"}
/// ```
///
/// `hash` is the SHA-256 of the line up to (not including) `,"hash":` followed by `}` —
/// that is, of the record without its own hash — and `prev` is the previous record's
/// `hash` (64 zeros before the first record, or the head a pruning recorded). Changing,
/// removing, inserting or reordering any record breaks the chain at that place; rewriting
/// the whole tail with a fresh valid chain is caught against a published head (`AuditHead`).
/// The command and events are deterministic functions of the journal, so the trail can
/// also be checked against a replay of the journal.
public struct AuditRecord: Sendable, Equatable {
    public let previousHash: String
    public let sequence: UInt64
    public let timestamp: Int64
    /// The command in the replay format (a JSON object).
    public let command: String
    /// The events, each a JSON object.
    public let events: [String]

    /// 64 zeros: the `prev` of the first record of a chain.
    public static let genesis = String(repeating: "0", count: 64)
    /// Bytes after the hashed body: `,"hash":"` + 64 hex + `"}`.
    static let hashSuffixCount = 9 + 64 + 2

    public init(previousHash: String, sequence: UInt64, timestamp: Int64, command: String, events: [String]) {
        self.previousHash = previousHash
        self.sequence = sequence
        self.timestamp = timestamp
        self.command = command
        self.events = events
    }

    /// The record without its hash, as hashed: `{"prev":...,"events":[...]}`.
    public var body: String {
        "{\"prev\":\"\(previousHash)\",\"seq\":\(sequence),\"ts\":\(timestamp),\"command\":\(command),\"events\":[\(events.joined(separator: ","))]}"
    }

    /// The record's hash (hex SHA-256 of `body`).
    public var hash: String { Self.hex(SHA256.hash(data: Array(body.utf8))) }

    /// The record's line (without the newline) and its hash.
    public func sealed() -> (line: String, hash: String) {
        let body = body
        let hash = Self.hex(SHA256.hash(data: Array(body.utf8)))
        return (String(body.dropLast()) + ",\"hash\":\"\(hash)\"}", hash)
    }

    /// What a stored line says about itself, read without a JSON parser: its `prev`, `seq`,
    /// the hash it claims and the hash its content has. Nil when the line is not shaped
    /// like a record.
    static func inspect(_ line: Substring) -> (previous: String, sequence: UInt64, claimed: String, actual: String)? {
        let utf8 = Array(line.utf8)
        let prefix = Array("{\"prev\":\"".utf8)
        guard utf8.count > prefix.count + 64 + Self.hashSuffixCount, Array(utf8[0..<prefix.count]) == prefix else { return nil }
        let previous = String(decoding: utf8[prefix.count..<(prefix.count + 64)], as: UTF8.self)
        let seqMarker = Array("\",\"seq\":".utf8)
        var position = prefix.count + 64
        guard Array(utf8[position..<(position + seqMarker.count)]) == seqMarker else { return nil }
        position += seqMarker.count
        var sequence: UInt64 = 0
        var digits = 0
        while position < utf8.count, utf8[position] >= 48, utf8[position] <= 57, digits < 20 {
            let (times, o1) = sequence.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(utf8[position] - 48))
            guard !o1, !o2 else { return nil }
            sequence = plus
            position += 1
            digits += 1
        }
        guard digits > 0 else { return nil }
        let suffixStart = utf8.count - Self.hashSuffixCount
        let hashMarker = Array(",\"hash\":\"".utf8)
        guard Array(utf8[suffixStart..<(suffixStart + hashMarker.count)]) == hashMarker,
              utf8[utf8.count - 2] == 34, utf8[utf8.count - 1] == 125 else { return nil }
        let claimed = String(decoding: utf8[(suffixStart + hashMarker.count)..<(utf8.count - 2)], as: UTF8.self)
        var body = Array(utf8[0..<suffixStart])
        body.append(125)
        return (previous, sequence, claimed, hex(SHA256.hash(data: body)))
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }
}

/// A published chain head (REG-2): the hash of the record at `sequence`, with the time it
/// was published. Kept in `audit/heads.log`, logged, and served to the supervisor, so a
/// later rewrite of the whole trail is detected against a copy held elsewhere.
public struct AuditHead: Sendable, Equatable, Codable {
    public let sequence: UInt64
    public let hash: String
    public let publishedAt: Int64

    public init(sequence: UInt64, hash: String, publishedAt: Int64) {
        self.sequence = sequence
        self.hash = hash
        self.publishedAt = publishedAt
    }

    /// "SEQ HASH PUBLISHED_AT", one per line in heads.log.
    public var line: String { "\(sequence) \(hash) \(publishedAt)" }

    public init?(line: Substring) {
        let parts = line.split(separator: " ")
        guard parts.count == 3, let sequence = UInt64(parts[0]), parts[1].count == 64,
              parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase }), let at = Int64(parts[2]) else { return nil }
        self.init(sequence: sequence, hash: String(parts[1]), publishedAt: at)
    }
}
