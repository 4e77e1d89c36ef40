import Compliance
import HarbourCore

/// The compliance component's one state description (snapshot v5, restore, state hash):
/// the request counter, disclosure versions, records and evidence by account, pending
/// requests and used ids by id, market makers by account and instrument — each in a
/// canonical order. `nextDueMs` is derived (recomputed after restore).
///
/// Each `code` function follows `AccountState.codeHeader`: given the value it writes it
/// and returns it; given nil (reading) it returns what it read.
extension ComplianceBook: StateCoding {
    mutating func code<Coder: StateCoder>(_ coder: inout Coder) throws(Engine.SnapshotError) {
        try coder.code(&nextRequestNumber)
        try coder.require(nextRequestNumber >= 1, "next request number \(nextRequestNumber)")
        // The margin-financing disclosure's version, once published, is one more entry after
        // the contracts' (so a state without one encodes exactly as before it existed).
        var n = disclosureVersions.count + (financingDisclosureVersion > 0 ? 1 : 0)
        try coder.codeCount(&n)
        try coder.require(n == disclosureVersions.count || n == disclosureVersions.count + 1,
                          "\(n) disclosure versions for \(disclosureVersions.count) instruments")
        for i in disclosureVersions.indices {
            try coder.code(&disclosureVersions[i])
            try coder.require(disclosureVersions[i] >= 1, "disclosure version \(disclosureVersions[i])")
        }
        if n > disclosureVersions.count {
            try coder.code(&financingDisclosureVersion)
            try coder.require(financingDisclosureVersion >= 1, "financing disclosure version \(financingDisclosureVersion)")
        } else if coder.isReading {
            financingDisclosureVersion = 0
        }
        records = try Self.codeByAccount(records, &coder) { r, c throws(Engine.SnapshotError) in try Self.code(record: r, &c) }
        evidence = try Self.codeByAccount(evidence, &coder) { e, c throws(Engine.SnapshotError) in try Self.code(evidence: e, &c) }

        let ids = Self.sortedText(pending.keys)
        var count = ids.count
        try coder.codeCount(&count)
        var restored: [String: Pending] = [:]
        for k in 0..<count {
            var id = coder.isReading ? "" : ids[k]
            try coder.code(&id)
            let request = try Self.code(request: coder.isReading ? nil : pending[id]!.request, &coder)
            try coder.require(restored[id] == nil, "request id '\(id)' twice")
            restored[id] = Pending(request: request)
        }
        if coder.isReading { pending = restored }

        var used = Self.sortedText(usedRequestIds)
        count = used.count
        try coder.codeCount(&count)
        if coder.isReading { used = Array(repeating: "", count: count) }
        for k in 0..<count { try coder.code(&used[k]) }
        if coder.isReading {
            usedRequestIds = Set(used)
            try coder.require(pending.keys.allSatisfy(usedRequestIds.contains), "a pending request id is not among the used ids")
        }

        let makers = marketMakers.keys.sorted()
        count = makers.count
        try coder.codeCount(&count)
        var restoredMakers: [UInt32: [UInt16: MarketMakerTerms]] = [:]
        for k in 0..<count {
            var account = coder.isReading ? 0 : makers[k]
            try coder.code(&account)
            let table = coder.isReading ? [:] : marketMakers[account]!
            let instruments = table.keys.sorted()
            var m = instruments.count
            try coder.codeCount(&m)
            var out: [UInt16: MarketMakerTerms] = [:]
            for j in 0..<m {
                var instrument = UInt32(coder.isReading ? 0 : instruments[j])
                try coder.code(&instrument)
                try coder.require(instrument < UInt32(disclosureVersions.count), "market-maker instrument \(instrument)")
                out[UInt16(instrument)] = try Self.code(terms: coder.isReading ? nil : table[UInt16(instrument)], &coder)
            }
            try coder.require(!out.isEmpty && restoredMakers[account] == nil, "market maker \(account)")
            restoredMakers[account] = out
        }
        if coder.isReading { marketMakers = restoredMakers }

        // Product lifecycles, one per instrument, in instrument order.
        for i in products.indices { products[i] = try Self.code(product: products[i], &coder) }
    }

    static func code<Coder: StateCoder>(product p: ProductLifecycle, _ coder: inout Coder) throws(Engine.SnapshotError) -> ProductLifecycle {
        var symbol = p.symbol, reference = p.referenceAsset, stage = p.stage.rawValue
        try coder.code(&symbol); try coder.code(&reference); try coder.code(&stage)
        try coder.require(symbol == p.symbol, "product \(symbol) where \(p.symbol) is configured")
        guard let restoredStage = ProductLifecycle.Stage(rawValue: stage) else { throw .corrupt("product stage '\(stage)'") }
        var count = p.history.count
        try coder.codeCount(&count)
        var steps: [ProductLifecycle.Step] = []
        for k in 0..<count {
            let step = coder.isReading ? nil : p.history[k]
            var s = step?.stage.rawValue ?? "", by = step?.by ?? "", at = step?.at ?? 0, note = step?.note ?? ""
            try coder.code(&s); try coder.code(&by); try coder.code(&at); try coder.code(&note)
            guard let st = ProductLifecycle.Stage(rawValue: s) else { throw .corrupt("product step stage '\(s)'") }
            steps.append(ProductLifecycle.Step(stage: st, by: by, at: at, note: note))
        }
        try coder.require(steps.last?.stage == restoredStage, "product \(symbol) history ends elsewhere than its stage")
        return ProductLifecycle(restoring: symbol, referenceAsset: reference, stage: restoredStage, history: steps)
    }

    static func sortedText<S: Sequence>(_ s: S) -> [String] where S.Element == String {
        s.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// A map keyed by account index, in index order.
    static func codeByAccount<Value, Coder: StateCoder>(
        _ map: [UInt32: Value], _ coder: inout Coder,
        _ codeValue: (Value?, inout Coder) throws(Engine.SnapshotError) -> Value) throws(Engine.SnapshotError) -> [UInt32: Value] {
        let keys = map.keys.sorted()
        var count = keys.count
        try coder.codeCount(&count)
        var out: [UInt32: Value] = [:]
        for k in 0..<count {
            var key = coder.isReading ? 0 : keys[k]
            try coder.code(&key)
            let value = try codeValue(coder.isReading ? nil : map[key], &coder)
            try coder.require(out[key] == nil, "two compliance entries for account \(key)")
            out[key] = value
        }
        return out
    }

    static func code<Coder: StateCoder>(optional value: Int64?, _ coder: inout Coder) throws(Engine.SnapshotError) -> Int64? {
        var present = value != nil, v = value ?? 0
        try coder.code(&present)
        guard present else { return nil }
        try coder.code(&v)
        return v
    }

    static func code<Coder: StateCoder>(strings value: [String]?, _ coder: inout Coder) throws(Engine.SnapshotError) -> [String] {
        var list = value ?? []
        var count = list.count
        try coder.codeCount(&count)
        if coder.isReading { list = Array(repeating: "", count: count) }
        for k in 0..<count { try coder.code(&list[k]) }
        return list
    }

    static func code<Coder: StateCoder>(record r: ClientComplianceRecord?, _ coder: inout Coder) throws(Engine.SnapshotError)
        -> ClientComplianceRecord {
        var present = r?.classification != nil
        try coder.code(&present)
        let classification = present ? try code(classification: r?.classification, &coder) : nil
        present = r?.knowledge != nil
        try coder.code(&present)
        let knowledge = present ? try code(knowledge: r?.knowledge, &coder) : nil
        let acks = sortedText((r?.acknowledgements ?? [:]).keys)
        var count = acks.count
        try coder.codeCount(&count)
        var acknowledgements: [String: DisclosureAcknowledgement] = [:]
        for k in 0..<count {
            let a = coder.isReading ? nil : r!.acknowledgements[acks[k]]!
            var id = a?.disclosureId ?? "", version = Int64(a?.version ?? 0), at = a?.acknowledgedAt ?? 0
            try coder.code(&id); try coder.code(&version); try coder.code(&at)
            try coder.require(version >= 1 && version <= Int64(Int32.max), "acknowledged version \(version)")
            acknowledgements[id] = DisclosureAcknowledgement(disclosureId: id, version: Int(version), acknowledgedAt: at)
        }
        let caps = sortedText((r?.leverageCaps ?? [:]).keys)
        count = caps.count
        try coder.codeCount(&count)
        var leverageCaps: [String: Int64] = [:]
        for k in 0..<count {
            var symbol = coder.isReading ? "" : caps[k], cap = coder.isReading ? 0 : r!.leverageCaps[caps[k]]!
            try coder.code(&symbol); try coder.code(&cap)
            try coder.require(cap >= 1, "leverage cap \(cap)")
            leverageCaps[symbol] = cap
        }
        let ownerCap = try code(optional: r?.ownerNotionalCap, &coder)
        let warned = try code(optional: r?.expiryWarnedAt, &coder)
        let lapsed = try code(optional: r?.lapseAnnouncedAt, &coder)
        return ClientComplianceRecord(classification: classification, knowledge: knowledge, acknowledgements: acknowledgements,
                                      leverageCaps: leverageCaps, ownerNotionalCap: ownerCap, expiryWarnedAt: warned,
                                      lapseAnnouncedAt: lapsed)
    }

    static func code<Coder: StateCoder>(classification c: Classification?, _ coder: inout Coder) throws(Engine.SnapshotError)
        -> Classification {
        var kind = c?.kind.rawValue ?? ""
        try coder.code(&kind)
        let investor = InvestorKind(rawValue: kind)
        try coder.require(investor != nil, "investor kind '\(kind)'")
        let evidence = try code(evidence: c?.evidence, &coder)
        var assessedAt = c?.assessedAt ?? 0, expiresAt = c?.expiresAt ?? 0
        var proposedBy = c?.proposedBy ?? "", approvedBy = c?.approvedBy ?? ""
        try coder.code(&assessedAt); try coder.code(&expiresAt); try coder.code(&proposedBy); try coder.code(&approvedBy)
        try coder.require(expiresAt > assessedAt && proposedBy != approvedBy, "classification dates or maker/checker")
        let owners = try code(strings: c?.beneficialOwners, &coder)
        return Classification(restoring: investor ?? .retail, evidence: evidence, assessedAt: assessedAt, expiresAt: expiresAt,
                              proposedBy: proposedBy, approvedBy: approvedBy, beneficialOwners: owners)
    }

    static func code<Coder: StateCoder>(evidence e: ClassificationEvidence?, _ coder: inout Coder) throws(Engine.SnapshotError)
        -> ClassificationEvidence {
        var count = e?.portfolio.count ?? 0
        try coder.codeCount(&count)
        var items: [EvidenceItem] = []
        for k in 0..<count { items.append(try code(item: coder.isReading ? nil : e!.portfolio[k], &coder)) }
        var present = e?.totalAssets != nil
        try coder.code(&present)
        let total = present ? try code(item: e?.totalAssets, &coder) : nil
        var licence = e?.licenceReference
        try coder.code(&licence)
        return ClassificationEvidence(portfolio: items, totalAssets: total, licenceReference: licence)
    }

    static func code<Coder: StateCoder>(item: EvidenceItem?, _ coder: inout Coder) throws(Engine.SnapshotError) -> EvidenceItem {
        var kind = item?.kind.rawValue ?? "", currency = item?.amount.currency ?? "", minor = item?.amount.minorUnits ?? 0
        var asOf = item?.asOf ?? 0, holding = item?.holding.rawValue ?? "", source = item?.source ?? ""
        try coder.code(&kind); try coder.code(&currency); try coder.code(&minor); try coder.code(&asOf)
        try coder.code(&holding); try coder.code(&source)
        var present = item?.conversion != nil
        try coder.code(&present)
        var conversion: ConversionRate?
        if present {
            var from = item?.conversion?.from ?? "", to = item?.conversion?.to ?? "", raw = item?.conversion?.raw ?? 0
            try coder.code(&from); try coder.code(&to); try coder.code(&raw)
            conversion = try? ConversionRate(from: from, to: to, raw: raw)
            try coder.require(conversion != nil, "conversion rate \(from)/\(to) \(raw)")
        }
        let assetKind = PortfolioAssetKind(rawValue: kind), holder = Holding(rawValue: holding)
        try coder.require(assetKind != nil && holder != nil && FiatAmount.isCurrencyCode(currency) && minor >= 0,
                          "evidence item \(kind) \(holding) \(currency) \(minor)")
        return EvidenceItem(kind: assetKind ?? .other, amount: FiatAmount(currency: currency, minorUnits: minor), asOf: asOf,
                            holding: holder ?? .sole, source: source, conversion: conversion)
    }

    static func code<Coder: StateCoder>(knowledge k: KnowledgeAssessment?, _ coder: inout Coder) throws(Engine.SnapshotError)
        -> KnowledgeAssessment {
        var tag: UInt8 = 0, reference = "", score: Int64 = 0, passMark: Int64 = 0, questions: Int64 = 0
        switch k?.method {
        case .training(let r)?: tag = 1; reference = r
        case .workExperience(let r)?: tag = 2; reference = r
        case .tradingHistory(let r)?: tag = 3; reference = r
        case let .quiz(s, p, q)?: tag = 4; score = Int64(s); passMark = Int64(p); questions = Int64(q)
        case nil: break
        }
        try coder.code(&tag)
        if tag == 4 {
            try coder.code(&score); try coder.code(&passMark); try coder.code(&questions)
            try coder.require((1...10_000).contains(questions) && (0...questions).contains(score) && (0...questions).contains(passMark),
                              "quiz \(score)/\(passMark)/\(questions)")
        } else {
            try coder.code(&reference)
        }
        var passed = k?.passed ?? false, at = k?.assessedAt ?? 0, by = k?.assessedBy ?? ""
        try coder.code(&passed); try coder.code(&at); try coder.code(&by)
        let method: KnowledgeAssessment.Method
        switch tag {
        case 1: method = .training(reference: reference)
        case 2: method = .workExperience(reference: reference)
        case 3: method = .tradingHistory(reference: reference)
        case 4: method = .quiz(score: Int(score), passMark: Int(passMark), questions: Int(questions))
        default: throw .corrupt("knowledge method tag \(tag)")
        }
        return KnowledgeAssessment(restoring: method, passed: passed, assessedAt: at, assessedBy: by)
    }

    static func code<Coder: StateCoder>(terms t: MarketMakerTerms?, _ coder: inout Coder) throws(Engine.SnapshotError) -> MarketMakerTerms {
        var symbol = t?.symbol ?? "", spread = t?.maxSpreadBps ?? 0, size = t?.minSize ?? 0
        var presence = t?.minPresenceBps ?? 0, requote = t?.requoteAfterInterruptionMs ?? 0
        try coder.code(&symbol); try coder.code(&spread); try coder.code(&size); try coder.code(&presence); try coder.code(&requote)
        guard let terms = try? MarketMakerTerms(symbol: symbol, maxSpreadBps: spread, minSize: size, minPresenceBps: presence,
                                                requoteAfterInterruptionMs: requote) else {
            throw .corrupt("market-maker terms of \(symbol)")
        }
        return terms
    }

    static func code<Coder: StateCoder>(request q: FourEyesRequest<StaffChange>?, _ coder: inout Coder) throws(Engine.SnapshotError)
        -> FourEyesRequest<StaffChange> {
        var number = q?.id ?? 0, maker = q?.maker ?? "", madeAt = q?.madeAt ?? 0, reason = q?.reason ?? ""
        try coder.code(&number); try coder.code(&maker); try coder.code(&madeAt); try coder.code(&reason)
        let change = try code(change: q?.change, &coder)
        return FourEyesRequest(restoringPending: number, change: change, maker: maker, madeAt: madeAt, reason: reason)
    }

    static func code<Coder: StateCoder>(change c: StaffChange?, _ coder: inout Coder) throws(Engine.SnapshotError) -> StaffChange {
        var tag: UInt8 = 0, account: UInt32 = 0
        switch c {
        case .classify(let a, _, _, _)?: tag = 1; account = a.index
        case .leverageCap(let a, _, _)?: tag = 2; account = a.index
        case .ownerNotionalCap(let a, _)?: tag = 3; account = a.index
        case .registerMarketMaker(let a, _, _, _, _)?: tag = 4; account = a.index
        case .approveProduct?: tag = 5
        case .withdrawal(let a, _)?: tag = 6; account = a.index
        case .creditLimit(let a, _, _, _)?: tag = 7; account = a.index
        case .haircut?: tag = 8
        case .assetWithdrawal(let a, _, _)?: tag = 9; account = a.index
        case .financingLimits?: tag = 10
        case .delistProduct?: tag = 11
        case .riskLimits?: tag = 12
        case nil: break
        }
        try coder.code(&tag); try coder.code(&account)
        let a = AccountID(account)
        switch (tag, c) {
        case (1, _):
            var kind = "", licence: String? = nil, owners: [String] = []
            if case let .classify(_, k, l, o)? = c { kind = k.rawValue; licence = l; owners = o }
            try coder.code(&kind); try coder.code(&licence)
            owners = try code(strings: coder.isReading ? nil : owners, &coder)
            guard let investor = InvestorKind(rawValue: kind) else { throw .corrupt("investor kind '\(kind)'") }
            return .classify(account: a, kind: investor, licence: licence, beneficialOwners: owners)
        case (2, _):
            var instrument: UInt32 = 0, leverage: Int64 = 0
            if case let .leverageCap(_, i, l)? = c { instrument = UInt32(i.index); leverage = l }
            try coder.code(&instrument); try coder.code(&leverage)
            return .leverageCap(account: a, instrument: InstrumentID(UInt16(truncatingIfNeeded: instrument)), leverage: leverage)
        case (3, _):
            var cap: Int64? = nil
            if case let .ownerNotionalCap(_, x)? = c { cap = x }
            cap = try code(optional: cap, &coder)
            return .ownerNotionalCap(account: a, cap: cap)
        case (4, _):
            var instrument: UInt32 = 0, spread: Int64 = 0, size: Int64 = 0, presence: Int64 = 0
            if case let .registerMarketMaker(_, i, s, z, p)? = c { instrument = UInt32(i.index); spread = s; size = z; presence = p }
            try coder.code(&instrument); try coder.code(&spread); try coder.code(&size); try coder.code(&presence)
            return .registerMarketMaker(account: a, instrument: InstrumentID(UInt16(truncatingIfNeeded: instrument)),
                                        maxSpreadBps: spread, minSize: size, minPresenceBps: presence)
        case (5, _):
            var instrument: UInt32 = 0
            if case let .approveProduct(i)? = c { instrument = UInt32(i.index) }
            try coder.code(&instrument)
            return .approveProduct(instrument: InstrumentID(UInt16(truncatingIfNeeded: instrument)))
        case (11, _):
            var instrument: UInt32 = 0
            if case let .delistProduct(i)? = c { instrument = UInt32(i.index) }
            try coder.code(&instrument)
            return .delistProduct(instrument: InstrumentID(UInt16(truncatingIfNeeded: instrument)))
        case (6, _):
            var amount: Int64 = 0
            if case let .withdrawal(_, x)? = c { amount = x }
            try coder.code(&amount)
            try coder.require(amount > 0, "withdrawal amount \(amount)")
            return .withdrawal(account: a, amount: amount)
        case (7, _):
            var f = [Int64](repeating: 0, count: 7), limit: Int64 = 0, review: Int64 = 0
            if case let .creditLimit(_, d, l, r)? = c { f = d.figures + [d.asOf]; limit = l; review = r }
            for k in f.indices { try coder.code(&f[k]) }
            try coder.code(&limit); try coder.code(&review)
            return .creditLimit(account: a, declared: DeclaredFigures(netWorthFiat: f[0], netWorthNonFiat: f[1], liquidFiat: f[2], liquidNonFiat: f[3],
                                                                      annualIncome: f[4], liabilities: f[5], asOf: f[6]),
                                limit: limit, reviewDueAt: review)
        case (8, _):
            var asset = "", haircut: Int64 = 0
            if case let .haircut(x, h)? = c { asset = x; haircut = h }
            try coder.code(&asset); try coder.code(&haircut)
            return .haircut(asset: asset, haircut: haircut)
        case (9, _):
            var asset = "", amount: Int64 = 0
            if case let .assetWithdrawal(_, x, q)? = c { asset = x; amount = q }
            try coder.code(&asset); try coder.code(&amount)
            try coder.require(amount > 0, "withdrawal amount \(amount)")
            return .assetWithdrawal(account: a, asset: asset, amount: amount)
        case (10, _):
            var f = [Int64](repeating: 0, count: 6)
            if case let .financingLimits(x)? = c { f = x.figures }
            for k in f.indices { try coder.code(&f[k]) }
            return .financingLimits(FinancingLimitFigures(figures: f))
        case (12, _):
            var instrument: UInt32 = 0, change = RiskLimitChange()
            if case let .riskLimits(i, x)? = c { instrument = UInt32(i.index); change = x }
            try coder.code(&instrument)
            return .riskLimits(instrument: InstrumentID(UInt16(truncatingIfNeeded: instrument)), change: try code(riskChange: change, &coder))
        default:
            throw .corrupt("staff change tag \(tag)")
        }
    }

    /// A risk-limit change: each optional figure, then the optional tier table (count, then
    /// cap, rate, leverage per row).
    static func code<Coder: StateCoder>(riskChange x: RiskLimitChange, _ coder: inout Coder) throws(Engine.SnapshotError) -> RiskLimitChange {
        let maxLeverage = try code(optional: x.maxLeverage, &coder)
        let positionLimit = try code(optional: x.positionLimit, &coder)
        let openInterestCap = try code(optional: x.openInterestCap, &coder)
        var hasTiers = x.tiers != nil
        try coder.code(&hasTiers)
        let tiers = hasTiers ? try code(tiers: x.tiers ?? [], &coder) : nil
        return RiskLimitChange(maxLeverage: maxLeverage, positionLimit: positionLimit, openInterestCap: openInterestCap, tiers: tiers)
    }

    /// A tier table: count, then cap, rate, leverage per row.
    static func code<Coder: StateCoder>(tiers: [RiskLimits.Tier], _ coder: inout Coder) throws(Engine.SnapshotError) -> [RiskLimits.Tier] {
        var n = tiers.count
        try coder.codeCount(&n)
        try coder.require(n <= RiskLimits.maxTiers, "tier count \(n)")
        var out: [RiskLimits.Tier] = []
        for k in 0..<n {
            var cap = coder.isReading ? 0 : tiers[k].notionalCap, rate = coder.isReading ? 0 : tiers[k].maintenanceRate
            var lev = coder.isReading ? 0 : tiers[k].maxLeverage
            try coder.code(&cap); try coder.code(&rate); try coder.code(&lev)
            out.append(RiskLimits.Tier(notionalCap: cap, maintenanceRate: rate, maxLeverage: lev))
        }
        return out
    }
}
