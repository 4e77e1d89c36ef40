import Engine
import HarbourCore
import Ledger

/// The ledger side of a reconciliation (issue 16 item 4, RISK-5), computed from an engine —
/// the live one, or one replayed from the journal. Pure: it reads the books and changes
/// nothing.
///
/// - every asset's books sum to zero, and the engine's own invariants hold (the positions
///   pool equals −Σ position cost: the clients' open PnL at trade prices);
/// - the client books of each asset are reported as the sum of the clients' cash, collateral
///   (isolated margin and spot-order locks), the positions pool (open PnL) and funding in
///   transit; the house books as fees + rounding/funding residue + insurance fund — and
///   `compare(readModelBooks:engine:)` checks every one of those books, by name, against the
///   read model's running balance of it;
/// - the client-asset books equal the custody balance the operator recorded for the asset.
public struct LedgerReconciliation: Sendable {
    /// The figures of one asset, as exact decimal strings at the asset's scale.
    public struct AssetFigures: Sendable, Hashable, Codable {
        public let asset: String
        public var clientCash = "0", clientCollateral = "0", positionsPool = "0", fundingInTransit = "0", clientBooks = "0"
        public var houseFees = "0", houseRounding = "0", insuranceFund = "0", houseBooks = "0"
        public var external = "0", sum = "0"
        /// The custody balance the operator recorded, if any.
        public var custody: String?
    }

    /// Per asset, sorted by code.
    public let assets: [AssetFigures]
    /// Everything found wrong; empty when the books reconcile.
    public let findings: [ReconciliationFinding]

    /// Reconciles `engine`'s books; `custody` is the operator's recorded custody balance of
    /// client assets per asset code, in raw units of that asset (nil: not checked).
    public init(engine: Engine, custody: [String: Int64]? = nil) {
        let settlement = engine.config.settlementAsset.code
        struct Sums { var cash: Int128 = 0, collateral: Int128 = 0, pool: Int128 = 0, transit: Int128 = 0, clientTotal: Int128 = 0
                      var fees: Int128 = 0, rounding: Int128 = 0, insurance: Int128 = 0, houseTotal: Int128 = 0
                      var external: Int128 = 0, sum: Int128 = 0 }
        var sums: [String: Sums] = [:]
        let ledger = engine.ledger
        for (i, key) in ledger.keys.enumerated() {
            let b = Int128(ledger.balance(Int32(i)))
            let asset = key.asset ?? settlement
            var s = sums[asset, default: Sums()]
            s.sum += b
            switch key.owner {
            case .client: s.clientTotal += b
            case .house: s.houseTotal += b
            case .external: s.external += b
            }
            switch key {
            case .clientCash: s.cash += b
            case .clientLocked, .clientIsolatedMargin, .loanCollateral: s.collateral += b
            case .positionsPool: s.pool += b
            case .fundingClearing: s.transit += b
            case .houseFees: s.fees += b
            case .houseRounding: s.rounding += b
            case .insuranceFund: s.insurance += b
            case .external: break
            // Margin financing (FIN-4): the broker's loan receivable and interest income are house
            // books; they count in houseBooks, not in the fee/rounding/insurance figures.
            case .loanPrincipal, .loanInterest, .interestIncome: break
            }
            sums[asset] = s
        }
        for code in (custody ?? [:]).keys where sums[code] == nil { sums[code] = Sums() }
        var findings: [ReconciliationFinding] = []
        var figures: [AssetFigures] = []
        for asset in sums.keys.sorted() {
            let s = sums[asset]!
            let scale = engine.config.asset(code: asset)?.scale ?? engine.config.settlementAsset.scale
            func f(_ v: Int128) -> String { ExactAmount.format(v, scale: scale) }
            var a = AssetFigures(asset: asset)
            a.clientCash = f(s.cash); a.clientCollateral = f(s.collateral); a.positionsPool = f(s.pool)
            a.fundingInTransit = f(s.transit); a.clientBooks = f(s.clientTotal)
            a.houseFees = f(s.fees); a.houseRounding = f(s.rounding); a.insuranceFund = f(s.insurance); a.houseBooks = f(s.houseTotal)
            a.external = f(s.external); a.sum = f(s.sum)
            if s.sum != 0 { findings.append(.init(check: "ledgerZero", subject: asset, expected: f(0), actual: f(s.sum))) }
            if let custody, let held = custody[asset] {
                a.custody = f(Int128(held))
                if Int128(held) != s.clientTotal {
                    findings.append(.init(check: "custody", subject: asset, expected: f(Int128(held)), actual: f(s.clientTotal)))
                }
            }
            figures.append(a)
        }
        for problem in engine.invariantViolations() {
            findings.append(.init(check: "engineInvariant", subject: "engine", expected: "no violation", actual: problem))
        }
        self.assets = figures
        self.findings = findings
    }

    /// Every book whose balance in the read model (`book_balances`: public book name →
    /// decimal balance) differs from `engine`'s, and every engine book the read model lacks
    /// (a book never posted to is zero in both). Check "clientBooks" or "houseBooks" by owner.
    public static func compare(readModelBooks: [String: String], engine: Engine) -> [ReconciliationFinding] {
        var findings: [ReconciliationFinding] = []
        var seen = Set<String>()
        let ledger = engine.ledger
        for (i, key) in ledger.keys.enumerated() {
            let name = EventEncoder.bookName(Int32(i), engine: engine)
            seen.insert(name)
            let scale = key.asset.flatMap { engine.config.asset(code: $0)?.scale } ?? engine.config.settlementAsset.scale
            let expected = ExactAmount.format(Int128(ledger.balance(Int32(i))), scale: scale)
            let found = readModelBooks[name]
            let same = found.flatMap(DecimalText.init) == DecimalText(expected) || (found == nil && ledger.balance(Int32(i)) == 0)
            if !same {
                findings.append(.init(check: key.owner == .house ? "houseBooks" : "clientBooks", subject: name,
                                      expected: expected, actual: found ?? "no row"))
            }
        }
        for (name, balance) in readModelBooks.sorted(by: { $0.key < $1.key }) where !seen.contains(name) && DecimalText(balance) != .zero {
            findings.append(.init(check: name.hasPrefix("house:") ? "houseBooks" : "clientBooks", subject: name,
                                  expected: "no such book", actual: balance))
        }
        return findings
    }
}
