/// A contract's governance (PERP-6): proposed, approved (who, when, and the spot reference
/// asset it tracks), enabled, cancel-only, delisted. No one enables an unapproved product;
/// the approver is not the proposer (REG-4); every step is recorded. A pure state machine:
/// the engine applies its decisions as versioned events.
public struct ProductLifecycle: Sendable, Hashable, Codable {
    public enum Stage: String, Sendable, Hashable, Codable, CaseIterable {
        case proposed, approved, enabled, cancelOnly, delisted
    }

    /// One recorded step.
    public struct Step: Sendable, Hashable, Codable {
        public let stage: Stage
        public let by: String
        public let at: Int64
        public let note: String

        public init(stage: Stage, by: String, at: Int64, note: String) {
            self.stage = stage
            self.by = by
            self.at = at
            self.note = note
        }
    }

    public let symbol: String
    /// The spot asset (or index of spot assets) the contract references, e.g. "BTC-USD".
    public let referenceAsset: String
    public private(set) var stage: Stage
    public private(set) var history: [Step]

    /// Proposes a contract on a reference asset the platform lists as spot.
    public init(symbol: String, referenceAsset: String, listedSpotAssets: Set<String>, proposedBy: String, at now: Int64,
                note: String) throws(ComplianceError) {
        guard !symbol.isEmpty, !proposedBy.isEmpty else { throw .invalidPolicy("a proposal names the contract and its proposer") }
        guard listedSpotAssets.contains(referenceAsset) else {
            throw .invalidPolicy("\(symbol) references \(referenceAsset), which is not a spot asset the platform lists (\(listedSpotAssets.sorted().joined(separator: ", ")))")
        }
        self.symbol = symbol
        self.referenceAsset = referenceAsset
        stage = .proposed
        history = [Step(stage: .proposed, by: proposedBy, at: now, note: note)]
    }

    /// A lifecycle exactly as recorded earlier (restoring engine state).
    public init(restoring symbol: String, referenceAsset: String, stage: Stage, history: [Step]) {
        self.symbol = symbol
        self.referenceAsset = referenceAsset
        self.stage = stage
        self.history = history
    }

    /// A contract the venue's configuration lists as live from the start: proposed and
    /// approved by the configuration itself (its review happened before deployment, and the
    /// configuration is versioned with the release), then enabled.
    public static func genesis(symbol: String, referenceAsset: String, at now: Int64) -> ProductLifecycle {
        let by = "venue configuration"
        return ProductLifecycle(restoring: symbol, referenceAsset: referenceAsset, stage: .enabled, history: [
            Step(stage: .proposed, by: by, at: now, note: "listed in the venue configuration"),
            Step(stage: .approved, by: by, at: now, note: "approved with the configuration release"),
            Step(stage: .enabled, by: by, at: now, note: "enabled at venue start"),
        ])
    }

    /// Which stages may follow which.
    static let allowed: [Stage: Set<Stage>] = [
        .proposed: [.approved, .delisted],
        .approved: [.enabled, .delisted],
        .enabled: [.cancelOnly, .delisted],
        .cancelOnly: [.enabled, .delisted],
        .delisted: [],
    ]

    /// Moves to `next`, recorded with who and when. Approval must come from someone other
    /// than the proposer; enabling needs an approval first.
    public mutating func move(to next: Stage, by who: String, at now: Int64, note: String) throws(ComplianceError) {
        guard !who.isEmpty, !note.isEmpty else { throw .invalidAssessment("a lifecycle step names who took it and why") }
        guard Self.allowed[stage]?.contains(next) == true else {
            throw .invalidPolicy("\(symbol) cannot go from \(stage.rawValue) to \(next.rawValue)")
        }
        if next == .approved, who == history[0].by {
            throw .sameMakerAndChecker("\(who) proposed \(symbol) and cannot also approve it")
        }
        stage = next
        history.append(Step(stage: next, by: who, at: now, note: note))
    }

    /// Whether orders may open risk on the contract.
    public var isTradable: Bool { stage == .enabled }
}
