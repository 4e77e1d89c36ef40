import Compliance
import HarbourCore

/// The journal encoding of compliance commands: tag 16, a sub-tag per command, then its
/// fields in the style of `CommandCodec`.
extension CommandCodec {
    static let complianceTag: UInt8 = 16

    static func encode(_ c: ComplianceCommand, _ w: inout ByteWriter) {
        w.u8(complianceTag)
        switch c {
        case let .recordEvidence(a, by, kind, amount, asOf, holding, source, conversion):
            w.u8(1); w.u32(a.index); w.str(by); w.str(kind.name); w.str(amount.currency); w.i64(amount.minorUnits)
            w.i64(asOf); w.str(holding.rawValue); w.str(source)
            if let conversion { w.u8(1); w.str(conversion.from); w.str(conversion.to); w.i64(conversion.raw) } else { w.u8(0) }
        case let .propose(id, by, reason, change):
            w.u8(2); w.str(id); w.str(by); w.str(reason); encode(change, &w)
        case let .approve(id, by):
            w.u8(3); w.str(id); w.str(by)
        case let .reject(id, by, reason):
            w.u8(4); w.str(id); w.str(by); w.str(reason)
        case let .recordKnowledge(a, by, method, met):
            w.u8(5); w.u32(a.index); w.str(by); w.str(method.name)
            switch method {
            case .training(let r), .workExperience(let r), .tradingHistory(let r): w.str(r)
            case .quiz(let score): w.i64(Int64(score))
            }
            w.u8(met ? 1 : 0)
        case let .acknowledgeDisclosure(a, i, version):
            w.u8(6); w.u32(a.index); w.u16(i.index); w.i64(version)
        case let .publishDisclosure(i, version, by):
            w.u8(7); w.u16(i.index); w.i64(version); w.str(by)
        case let .acknowledgeFinancingDisclosure(a, version):
            w.u8(8); w.u32(a.index); w.i64(version)
        case let .publishFinancingDisclosure(version, by):
            w.u8(9); w.i64(version); w.str(by)
        }
    }

    static func encode(_ change: StaffChange, _ w: inout ByteWriter) {
        switch change {
        case let .classify(a, kind, licence, owners):
            w.u8(1); w.u32(a.index); w.str(kind.rawValue); w.optStr(licence)
            w.u32(UInt32(owners.count)); for o in owners { w.str(o) }
        case let .leverageCap(a, i, leverage):
            w.u8(2); w.u32(a.index); w.u16(i.index); w.i64(leverage)
        case let .ownerNotionalCap(a, cap):
            w.u8(3); w.u32(a.index); w.optI64(cap)
        case let .registerMarketMaker(a, i, spread, size, presence):
            w.u8(4); w.u32(a.index); w.u16(i.index); w.i64(spread); w.i64(size); w.i64(presence)
        case let .approveProduct(i):
            w.u8(5); w.u32(0); w.u16(i.index)
        case let .withdrawal(a, amount):
            w.u8(6); w.u32(a.index); w.i64(amount)
        case let .creditLimit(a, d, limit, review):
            w.u8(7); w.u32(a.index)
            for f in d.figures { w.i64(f) }
            w.i64(d.asOf); w.i64(limit); w.i64(review)
        case let .haircut(asset, haircut):
            w.u8(8); w.u32(0); w.str(asset); w.i64(haircut)
        case let .assetWithdrawal(a, asset, amount):
            w.u8(9); w.u32(a.index); w.str(asset); w.i64(amount)
        case let .financingLimits(f):
            w.u8(10); w.u32(0)
            for x in f.figures { w.i64(x) }
        case let .delistProduct(i):
            w.u8(11); w.u32(0); w.u16(i.index)
        case let .riskLimits(i, x):
            w.u8(12); w.u32(0); w.u16(i.index)
            w.optI64(x.maxLeverage); w.optI64(x.positionLimit); w.optI64(x.openInterestCap)
            if let tiers = x.tiers {
                w.u8(1); w.u32(UInt32(tiers.count))
                for t in tiers { w.i64(t.notionalCap); w.i64(t.maintenanceRate); w.i64(t.maxLeverage) }
            } else { w.u8(0) }
        }
    }

    static func decodeCompliance(_ r: inout ByteReader) throws(DecodeError) -> ComplianceCommand {
        let sub = try r.u8()
        switch sub {
        case 1:
            let a = AccountID(try r.u32()), by = try r.str(), kindName = try r.str()
            guard let kind = EvidenceKind(name: kindName) else { throw DecodeError(description: "evidence kind \(kindName)") }
            let currency = try r.str(), minor = try r.i64(), asOf = try r.i64(), holdingName = try r.str(), source = try r.str()
            guard let holding = Holding(rawValue: holdingName) else { throw DecodeError(description: "holding \(holdingName)") }
            var conversion: ConversionRate?
            if try r.u8() == 1 {
                let from = try r.str(), to = try r.str(), raw = try r.i64()
                guard let rate = try? ConversionRate(from: from, to: to, raw: raw) else { throw DecodeError(description: "conversion rate") }
                conversion = rate
            }
            return .recordEvidence(account: a, by: by, kind: kind, amount: FiatAmount(currency: currency, minorUnits: minor),
                                   asOf: asOf, holding: holding, source: source, conversion: conversion)
        case 2:
            let id = try r.str(), by = try r.str(), reason = try r.str()
            return .propose(requestId: id, by: by, reason: reason, change: try decodeChange(&r))
        case 3: return .approve(requestId: try r.str(), by: try r.str())
        case 4: return .reject(requestId: try r.str(), by: try r.str(), reason: try r.str())
        case 5:
            let a = AccountID(try r.u32()), by = try r.str(), name = try r.str()
            let method: KnowledgeMethod
            switch name {
            case "training": method = .training(reference: try r.str())
            case "workExperience": method = .workExperience(reference: try r.str())
            case "tradingHistory": method = .tradingHistory(reference: try r.str())
            case "quiz":
                let score = try r.i64()
                guard let s = Int(exactly: score) else { throw DecodeError(description: "quiz score") }
                method = .quiz(score: s)
            default: throw DecodeError(description: "knowledge method \(name)")
            }
            return .recordKnowledge(account: a, by: by, method: method, met: try r.u8() == 1)
        case 6: return .acknowledgeDisclosure(account: AccountID(try r.u32()), instrument: InstrumentID(try r.u16()), version: try r.i64())
        case 7: return .publishDisclosure(instrument: InstrumentID(try r.u16()), version: try r.i64(), by: try r.str())
        case 8: return .acknowledgeFinancingDisclosure(account: AccountID(try r.u32()), version: try r.i64())
        case 9: return .publishFinancingDisclosure(version: try r.i64(), by: try r.str())
        default: throw DecodeError(description: "unknown compliance command \(sub)")
        }
    }

    static func decodeChange(_ r: inout ByteReader) throws(DecodeError) -> StaffChange {
        let tag = try r.u8()
        let a = AccountID(try r.u32())
        switch tag {
        case 1:
            let kindName = try r.str()
            guard let kind = InvestorKind(rawValue: kindName) else { throw DecodeError(description: "investor kind \(kindName)") }
            let licence = try r.optStr()
            let n = Int(try r.u32())
            guard n <= 1024 else { throw DecodeError(description: "owner count \(n)") }
            var owners: [String] = []
            for _ in 0..<n { owners.append(try r.str()) }
            return .classify(account: a, kind: kind, licence: licence, beneficialOwners: owners)
        case 2: return .leverageCap(account: a, instrument: InstrumentID(try r.u16()), leverage: try r.i64())
        case 3: return .ownerNotionalCap(account: a, cap: try r.optI64())
        case 4:
            return .registerMarketMaker(account: a, instrument: InstrumentID(try r.u16()), maxSpreadBps: try r.i64(),
                                        minSize: try r.i64(), minPresenceBps: try r.i64())
        case 5: return .approveProduct(instrument: InstrumentID(try r.u16()))
        case 6: return .withdrawal(account: a, amount: try r.i64())
        case 7:
            var f: [Int64] = []
            for _ in 0..<6 { f.append(try r.i64()) }
            let d = DeclaredFigures(netWorthFiat: f[0], netWorthNonFiat: f[1], liquidFiat: f[2], liquidNonFiat: f[3], annualIncome: f[4],
                                    liabilities: f[5], asOf: try r.i64())
            return .creditLimit(account: a, declared: d, limit: try r.i64(), reviewDueAt: try r.i64())
        case 8: return .haircut(asset: try r.str(), haircut: try r.i64())
        case 9: return .assetWithdrawal(account: a, asset: try r.str(), amount: try r.i64())
        case 10:
            var f: [Int64] = []
            for _ in 0..<6 { f.append(try r.i64()) }
            return .financingLimits(FinancingLimitFigures(figures: f))
        case 11: return .delistProduct(instrument: InstrumentID(try r.u16()))
        case 12:
            let i = InstrumentID(try r.u16())
            let lev = try r.optI64(), limit = try r.optI64(), cap = try r.optI64()
            var tiers: [RiskLimits.Tier]?
            if try r.u8() == 1 {
                let n = Int(try r.u32())
                guard n <= RiskLimits.maxTiers else { throw DecodeError(description: "tier count \(n)") }
                var rows: [RiskLimits.Tier] = []
                for _ in 0..<n { rows.append(RiskLimits.Tier(notionalCap: try r.i64(), maintenanceRate: try r.i64(), maxLeverage: try r.i64())) }
                tiers = rows
            }
            return .riskLimits(instrument: i, change: RiskLimitChange(maxLeverage: lev, positionLimit: limit, openInterestCap: cap, tiers: tiers))
        default: throw DecodeError(description: "unknown staff change \(tag)")
        }
    }
}
