import Foundation
import ReadModel

/// The result of one `harbour reconcile` run: what was replayed, the ledger figures per
/// asset and every difference found. `reconciled` is true exactly when there are none.
struct ReconciliationReport: Codable, Sendable {
    var reconciled: Bool { findings.isEmpty }
    let journalRecords: Int
    let lastSequence: UInt64
    let readModelSequence: UInt64
    let stateHash: String
    let checkpoint: String
    let assets: [LedgerReconciliation.AssetFigures]
    let findings: [ReconciliationFinding]

    enum CodingKeys: String, CodingKey {
        case reconciled, journalRecords, lastSequence, readModelSequence, stateHash, checkpoint, assets, findings
    }

    init(journalRecords: Int, lastSequence: UInt64, readModelSequence: UInt64, stateHash: String, checkpoint: String,
         assets: [LedgerReconciliation.AssetFigures], findings: [ReconciliationFinding]) {
        self.journalRecords = journalRecords; self.lastSequence = lastSequence; self.readModelSequence = readModelSequence
        self.stateHash = stateHash; self.checkpoint = checkpoint; self.assets = assets; self.findings = findings
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        journalRecords = try c.decode(Int.self, forKey: .journalRecords)
        lastSequence = try c.decode(UInt64.self, forKey: .lastSequence)
        readModelSequence = try c.decode(UInt64.self, forKey: .readModelSequence)
        stateHash = try c.decode(String.self, forKey: .stateHash)
        checkpoint = try c.decode(String.self, forKey: .checkpoint)
        assets = try c.decode([LedgerReconciliation.AssetFigures].self, forKey: .assets)
        findings = try c.decode([ReconciliationFinding].self, forKey: .findings)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reconciled, forKey: .reconciled)
        try c.encode(journalRecords, forKey: .journalRecords)
        try c.encode(lastSequence, forKey: .lastSequence)
        try c.encode(readModelSequence, forKey: .readModelSequence)
        try c.encode(stateHash, forKey: .stateHash)
        try c.encode(checkpoint, forKey: .checkpoint)
        try c.encode(assets, forKey: .assets)
        try c.encode(findings, forKey: .findings)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return e
    }()

    /// The report for people: one line per asset, one per difference, and the verdict.
    var text: String {
        var s = "journal records: \(journalRecords)\nlastSequence: \(lastSequence)\nreadModel lastSequence: \(readModelSequence)\n"
        s += "stateHash: \(stateHash) (\(checkpoint))\n"
        for a in assets {
            s += "\(a.asset): client books \(a.clientBooks) = cash \(a.clientCash) + collateral \(a.clientCollateral) + positions pool \(a.positionsPool) + funding in transit \(a.fundingInTransit); "
            s += "house books \(a.houseBooks) = fees \(a.houseFees) + rounding \(a.houseRounding) + insurance \(a.insuranceFund); external \(a.external); sum \(a.sum)"
            if let c = a.custody { s += "; custody \(c)" }
            s += "\n"
        }
        for f in findings { s += "DIFFERS: \(f.line)\n" }
        s += reconciled ? "RECONCILED\n" : "NOT RECONCILED: \(findings.count) difference(s)\n"
        return s
    }
}
