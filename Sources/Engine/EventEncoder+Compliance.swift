import Compliance
import HarbourCore

/// JSON of the compliance events (PI-1..3, REG-4, MM-1), in the `harbour replay` style:
/// fiat amounts as decimal strings with their currency, times as integers (ms).
extension EventEncoder {
    static func encodeCompliance(_ event: ComplianceEvent, seq: Int64, engine: Engine, into w: inout JSONLine) {
        func acct(_ a: AccountID) -> String { engine.accountName(a) }
        func sym(_ i: InstrumentID) -> String { engine.spec(i).symbol }
        func fiat(_ f: FiatAmount) -> String { FixedDecimal.format(f.minorUnits, scale: FiatAmount.scale) }
        func list(_ items: [String]) -> String {
            var s = "["
            for (k, item) in items.enumerated() {
                if k > 0 { s += "," }
                JSONText.quote(item, into: &s)
            }
            return s + "]"
        }
        func change(_ c: StaffChange) {
            w.str("kind", c.kindName)
            if let subject = c.subject { w.str("account", acct(subject)) }
            switch c {
            case let .classify(_, kind, licence, owners):
                w.str("investorKind", kind.rawValue)
                if let licence { w.str("licence", licence) }
                if !owners.isEmpty { w.raw("beneficialOwners", list(owners)) }
            case let .leverageCap(_, i, leverage):
                w.str("symbol", sym(i)); w.str("leverage", String(leverage))
            case let .ownerNotionalCap(_, cap):
                w.optStr("amount", cap.map { FixedDecimal.format($0, scale: engine.config.settlementAsset.scale) })
            case let .registerMarketMaker(_, i, spread, size, presence):
                w.str("symbol", sym(i)); w.int("maxSpreadBps", spread); w.str("minSize", engine.spec(i).sizeString(size))
                w.int("minPresenceBps", presence)
            case let .approveProduct(i):
                w.str("symbol", sym(i))
            case let .creditLimit(_, _, limit, review):
                w.str("limit", FixedDecimal.format(limit, scale: engine.config.settlementAsset.scale)); w.int("reviewDueAt", review)
            case let .haircut(asset, haircut):
                w.str("asset", asset); w.str("haircut", FixedDecimal.format(haircut, scale: DecimalScale(8)))
            case let .withdrawal(_, amount):
                w.str("asset", engine.config.settlementAsset.code)
                w.str("amount", FixedDecimal.format(amount, scale: engine.config.settlementAsset.scale))
            case let .assetWithdrawal(_, asset, amount):
                w.str("asset", asset); w.str("amount", FixedDecimal.format(amount, scale: engine.assetScale(asset)))
            case let .financingLimits(f):
                FinancingLimitFigures.write(f, money: engine.config.settlementAsset.scale, into: &w)
            case let .delistProduct(i):
                w.str("symbol", sym(i))
            case let .riskLimits(i, x):
                w.str("symbol", sym(i)); x.write(spec: engine.spec(i), into: &w)
            }
        }
        switch event {
        case let .evidenceRecorded(a, kind, amount, asOf, source, by):
            w.str("type", "evidenceRecorded"); w.int("seq", seq); w.str("account", acct(a)); w.str("evidenceKind", kind.name)
            w.str("amount", fiat(amount)); w.str("currency", amount.currency); w.int("asOf", asOf); w.str("source", source)
            w.str("by", by)
        case let .requestProposed(id, c, by, reason, findings):
            w.str("type", "requestProposed"); w.int("seq", seq); w.str("requestId", id); change(c)
            w.str("by", by); w.str("reason", reason); w.raw("findings", list(findings))
        case let .requestApproved(id, c, by):
            w.str("type", "requestApproved"); w.int("seq", seq); w.str("requestId", id); change(c); w.str("by", by)
        case let .requestRejected(id, c, by, reason):
            w.str("type", "requestRejected"); w.int("seq", seq); w.str("requestId", id); change(c); w.str("by", by)
            w.str("reason", reason)
        case let .classified(a, c):
            w.str("type", "classified"); w.int("seq", seq); w.str("account", acct(a)); w.str("investorKind", c.kind.rawValue)
            w.int("assessedAt", c.assessedAt); w.int("expiresAt", c.expiresAt)
            w.str("proposedBy", c.proposedBy); w.str("approvedBy", c.approvedBy)
            if !c.beneficialOwners.isEmpty { w.raw("beneficialOwners", list(c.beneficialOwners)) }
        case let .knowledgeAssessed(a, k):
            w.str("type", "knowledgeAssessed"); w.int("seq", seq); w.str("account", acct(a))
            switch k.method {
            case .training(let r): w.str("method", "training"); w.str("reference", r)
            case .workExperience(let r): w.str("method", "workExperience"); w.str("reference", r)
            case .tradingHistory(let r): w.str("method", "tradingHistory"); w.str("reference", r)
            case let .quiz(score, passMark, questions):
                w.str("method", "quiz"); w.int("score", Int64(score)); w.int("passMark", Int64(passMark)); w.int("questions", Int64(questions))
            }
            w.raw("passed", k.passed ? "true" : "false"); w.str("by", k.assessedBy)
        case let .disclosureAcknowledged(a, i, version):
            w.str("type", "disclosureAcknowledged"); w.int("seq", seq); w.str("account", acct(a)); w.str("symbol", sym(i))
            w.int("version", version)
        case let .disclosurePublished(i, version, by):
            w.str("type", "disclosurePublished"); w.int("seq", seq); w.str("symbol", sym(i)); w.int("version", version); w.str("by", by)
        case let .financingDisclosureAcknowledged(a, version):
            w.str("type", "disclosureAcknowledged"); w.int("seq", seq); w.str("account", acct(a)); w.str("symbol", Engine.financingDisclosureId)
            w.int("version", version)
        case let .financingDisclosurePublished(version, by):
            w.str("type", "disclosurePublished"); w.int("seq", seq); w.str("symbol", Engine.financingDisclosureId); w.int("version", version)
            w.str("by", by)
        case let .leverageCapSet(a, i, leverage):
            w.str("type", "leverageCap"); w.int("seq", seq); w.str("account", acct(a)); w.str("symbol", sym(i))
            w.str("leverage", String(leverage))
        case let .ownerNotionalCapSet(a, cap):
            w.str("type", "ownerNotionalCap"); w.int("seq", seq); w.str("account", acct(a))
            w.optStr("amount", cap.map { FixedDecimal.format($0, scale: engine.config.settlementAsset.scale) })
        case let .marketMakerRegistered(a, t):
            w.str("type", "marketMakerRegistered"); w.int("seq", seq); w.str("account", acct(a)); w.str("symbol", t.symbol)
            w.int("maxSpreadBps", t.maxSpreadBps)
            if let i = engine.instrumentID(symbol: t.symbol) { w.str("minSize", engine.spec(i).sizeString(t.minSize)) }
            w.int("minPresenceBps", t.minPresenceBps); w.int("requoteAfterInterruptionMs", t.requoteAfterInterruptionMs)
        case let .classificationExpiring(a, expiresAt):
            w.str("type", "classificationExpiring"); w.int("seq", seq); w.str("account", acct(a)); w.int("expiresAt", expiresAt)
        case let .classificationLapsed(a, expiredAt):
            w.str("type", "classificationLapsed"); w.int("seq", seq); w.str("account", acct(a)); w.int("expiredAt", expiredAt)
        case let .withdrawalPaid(a, asset, amount):
            w.str("type", "withdrawalPaid"); w.int("seq", seq); w.str("account", acct(a))
            w.str("asset", asset); w.str("amount", FixedDecimal.format(amount, scale: engine.assetScale(asset)))
        case let .riskLimitsSet(v):
            let spec = engine.spec(v.instrument)
            w.str("type", "riskParametersSet"); w.int("seq", seq); w.str("symbol", spec.symbol); w.int("version", v.version)
            v.limits.write(spec: spec, into: &w)
            w.str("requestId", v.requestId); w.str("proposedBy", v.proposedBy); w.str("by", v.approvedBy); w.str("reason", v.reason)
        case let .productStage(i, stage, by):
            w.str("type", "productStage"); w.int("seq", seq); w.str("symbol", sym(i)); w.str("stage", stage.rawValue); w.str("by", by)
        case let .stpGroupMerged(group, accounts, reason):
            w.str("type", "stpGroup"); w.int("seq", seq); w.int("group", Int64(group)); w.raw("accounts", list(accounts.map(acct)))
            w.str("reason", reason)
        case let .finalSettlement(a, i, size, price):
            w.str("type", "finalSettlement"); w.int("seq", seq); w.str("account", acct(a)); w.str("symbol", sym(i))
            w.str("size", engine.spec(i).sizeString(size)); w.str("price", engine.spec(i).priceString(price))
        }
    }
}
