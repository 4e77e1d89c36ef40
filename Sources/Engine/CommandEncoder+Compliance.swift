import Compliance
import HarbourCore

/// The replay-format lines of compliance commands (docs/REPLAY.md, "Onboarding").
extension CommandEncoder {
    func encode(_ c: ComplianceCommand, timestamp ts: Int64, engine: Engine, into w: inout JSONLine) {
        func name(_ a: AccountID) -> String { Int(a.index) < engine.accountCount ? engine.accountName(a) : "#\(a.index)" }
        func sym(_ i: InstrumentID) -> String { Int(i.index) < engine.config.instruments.count ? engine.spec(i).symbol : "#\(i.index)" }
        switch c {
        case let .recordEvidence(a, by, kind, amount, asOf, holding, source, conversion):
            w.str("type", "recordEvidence"); w.int("ts", ts); w.str("by", by); w.str("account", name(a))
            w.str("evidenceKind", kind.name); w.str("amount", FixedDecimal.format(amount.minorUnits, scale: FiatAmount.scale))
            w.str("currency", amount.currency); w.int("asOf", asOf); w.str("holding", holding.rawValue); w.str("source", source)
            if let conversion { w.str("rate", FixedDecimal.format(conversion.raw, scale: DecimalScale(8))) }
        case let .propose(id, by, reason, change):
            switch change {
            case let .classify(a, kind, licence, owners):
                w.str("type", "proposeClassification"); w.int("ts", ts); w.str("requestId", id); w.str("by", by)
                w.str("account", name(a)); w.str("investorKind", kind.rawValue)
                if let licence { w.str("licence", licence) }
                if !owners.isEmpty { w.str("beneficialOwners", owners.joined(separator: ";")) }
            case let .leverageCap(a, i, leverage):
                w.str("type", "proposeLeverageCap"); w.int("ts", ts); w.str("requestId", id); w.str("by", by)
                w.str("account", name(a)); w.str("symbol", sym(i)); w.str("leverage", String(leverage))
            case let .ownerNotionalCap(a, cap):
                w.str("type", "proposeOwnerNotionalCap"); w.int("ts", ts); w.str("requestId", id); w.str("by", by)
                w.str("account", name(a))
                if let cap { w.str("amount", FixedDecimal.format(cap, scale: engine.config.settlementAsset.scale)) }
            case let .registerMarketMaker(a, i, spread, size, presence):
                w.str("type", "proposeMarketMaker"); w.int("ts", ts); w.str("requestId", id); w.str("by", by)
                w.str("account", name(a)); w.str("symbol", sym(i)); w.int("maxSpreadBps", spread)
                w.str("minSize", engine.spec(i).sizeString(size)); w.int("minPresenceBps", presence)
            case let .approveProduct(i):
                w.str("type", "proposeProductApproval"); w.int("ts", ts); w.str("requestId", id); w.str("by", by); w.str("symbol", sym(i))
            case let .creditLimit(a, d, limit, review):
                let money = engine.config.settlementAsset.scale
                w.str("type", "proposeCreditLimit"); w.int("ts", ts); w.str("requestId", id); w.str("by", by); w.str("account", name(a))
                for (k, v) in zip(["netWorthFiat", "netWorthNonFiat", "liquidFiat", "liquidNonFiat", "annualIncome", "liabilities"], d.figures) {
                    w.str(k, FixedDecimal.format(v, scale: money))
                }
                w.int("asOf", d.asOf); w.str("limit", FixedDecimal.format(limit, scale: money)); w.int("reviewDueAt", review)
            case let .haircut(asset, haircut):
                w.str("type", "proposeHaircut"); w.int("ts", ts); w.str("requestId", id); w.str("by", by); w.str("asset", asset)
                w.str("haircut", FixedDecimal.format(haircut, scale: DecimalScale(8)))
            case let .withdrawal(a, amount):
                w.str("type", "proposeWithdrawal"); w.int("ts", ts); w.str("requestId", id); w.str("by", by); w.str("account", name(a))
                w.str("asset", engine.config.settlementAsset.code)
                w.str("amount", FixedDecimal.format(amount, scale: engine.config.settlementAsset.scale))
            case let .assetWithdrawal(a, asset, amount):
                w.str("type", "proposeWithdrawal"); w.int("ts", ts); w.str("requestId", id); w.str("by", by); w.str("account", name(a))
                w.str("asset", asset); w.str("amount", FixedDecimal.format(amount, scale: engine.assetScale(asset)))
            case let .financingLimits(f):
                w.str("type", "proposeFinancingLimits"); w.int("ts", ts); w.str("requestId", id); w.str("by", by)
                FinancingLimitFigures.write(f, money: engine.config.settlementAsset.scale, into: &w)
            case let .delistProduct(i):
                w.str("type", "proposeDelisting"); w.int("ts", ts); w.str("requestId", id); w.str("by", by); w.str("symbol", sym(i))
            case let .riskLimits(i, x):
                w.str("type", "proposeRiskParameters"); w.int("ts", ts); w.str("requestId", id); w.str("by", by); w.str("symbol", sym(i))
                x.write(spec: engine.spec(i), into: &w)
            }
            w.str("reason", reason)
        case let .approve(id, by):
            w.str("type", "approveRequest"); w.int("ts", ts); w.str("requestId", id); w.str("by", by)
        case let .reject(id, by, reason):
            w.str("type", "rejectRequest"); w.int("ts", ts); w.str("requestId", id); w.str("by", by); w.str("reason", reason)
        case let .recordKnowledge(a, by, method, met):
            w.str("type", "recordKnowledgeAssessment"); w.int("ts", ts); w.str("by", by); w.str("account", name(a))
            w.str("method", method.name)
            switch method {
            case .training(let r), .workExperience(let r), .tradingHistory(let r): w.str("reference", r)
            case .quiz(let score): w.int("score", Int64(score))
            }
            if !met { w.raw("met", "false") }
        case let .acknowledgeDisclosure(a, i, version):
            w.str("type", "acknowledgeDisclosure"); w.int("ts", ts); w.str("account", name(a)); w.str("symbol", sym(i))
            w.int("version", version)
        case let .publishDisclosure(i, version, by):
            w.str("type", "publishDisclosure"); w.int("ts", ts); w.str("symbol", sym(i)); w.int("version", version); w.str("by", by)
        case let .acknowledgeFinancingDisclosure(a, version):
            w.str("type", "acknowledgeDisclosure"); w.int("ts", ts); w.str("account", name(a)); w.str("symbol", Engine.financingDisclosureId)
            w.int("version", version)
        case let .publishFinancingDisclosure(version, by):
            w.str("type", "publishDisclosure"); w.int("ts", ts); w.str("symbol", Engine.financingDisclosureId); w.int("version", version)
            w.str("by", by)
        }
    }
}
