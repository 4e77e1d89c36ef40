import Storage

/// One journal record as the PostgreSQL journal replica holds it (`journal_records`): the
/// sequence, the sequencer's timestamp, the command payload exactly as journaled, the
/// record's CRC-32C as the journal frames it (`JournalRecord`, header and payload), and
/// the audit-trail hash of the record (REG-2: SHA-256 chained from the record before), so
/// a copy can be checked on its own and against the journal and the audit trail.
public struct ReplicatedRecord: Sendable, Equatable {
    public let sequence: UInt64
    public let timestamp: Int64
    public let payload: [UInt8]
    public let crc: UInt32
    public let auditHash: String

    public init(sequence: UInt64, timestamp: Int64, payload: [UInt8], crc: UInt32, auditHash: String) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.payload = payload
        self.crc = crc
        self.auditHash = auditHash
    }

    /// A record of the journal with its checksum computed as the journal writer does.
    public init(sequence: UInt64, timestamp: Int64, payload: [UInt8], auditHash: String) {
        self.init(sequence: sequence, timestamp: timestamp, payload: payload,
                  crc: Self.checksum(sequence: sequence, timestamp: timestamp, payload: payload), auditHash: auditHash)
    }

    /// The CRC-32C the journal stores after this record (the last four bytes of its framing).
    public static func checksum(sequence: UInt64, timestamp: Int64, payload: [UInt8]) -> UInt32 {
        let framed = JournalRecord(sequence: sequence, timestamp: timestamp, payload: payload).encoded()
        return framed.suffix(4).reversed().reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
    }

    /// True when the stored checksum matches the sequence, timestamp and payload.
    public var checksumIsValid: Bool { crc == Self.checksum(sequence: sequence, timestamp: timestamp, payload: payload) }
}
