/// A point-in-time image of the engine: the journal sequence it covers, a 32-byte hash of
/// the state (to check that replay reproduces it), and the engine's opaque encoded state.
///
/// Recovery loads the newest valid snapshot, restores the engine from `payload`, and
/// replays the journal from `sequence + 1`.
public struct Snapshot: Sendable, Equatable {
    /// The last journal sequence whose effect is included (0 = before any command).
    public var sequence: UInt64
    /// A 32-byte digest of the engine state (for example SHA-256).
    public var stateHash: [UInt8]
    /// The engine's encoded state; opaque to storage.
    public var payload: [UInt8]

    /// Bytes in `stateHash`.
    public static let stateHashSize = 32

    /// Creates a snapshot. `stateHash` must be exactly 32 bytes.
    public init(sequence: UInt64, stateHash: [UInt8], payload: [UInt8]) {
        precondition(stateHash.count == Self.stateHashSize, "a snapshot state hash is \(Self.stateHashSize) bytes")
        self.sequence = sequence
        self.stateHash = stateHash
        self.payload = payload
    }
}
