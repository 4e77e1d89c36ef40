import Compliance
import HarbourCore

/// Professional-investor onboarding, suitability and enforcement in the engine (PI-1..3),
/// four-eyes staff decisions (REG-4) and market-maker registration (MM-1). The state is
/// the `ComplianceBook` component's; the rules are Compliance's (`ClassificationAssessment`,
/// `Classification`, `KnowledgeAssessment`, `FourEyesRequest`, `RiskIncreaseCheck`).
/// Every refusal names its rule and changes nothing.
extension Engine {
    func applyCompliance(_ command: ComplianceCommand, now: Int64) {
        switch command {
        case let .recordEvidence(account, by, kind, amount, asOf, holding, source, conversion):
            recordEvidence(account: account, by: by, kind: kind, amount: amount, asOf: asOf, holding: holding,
                           source: source, conversion: conversion, now: now)
        case let .propose(requestId, by, reason, change):
            propose(requestId: requestId, by: by, reason: reason, change: change, now: now)
        case let .approve(requestId, by):
            approve(requestId: requestId, by: by, now: now)
        case let .reject(requestId, by, reason):
            rejectRequest(requestId: requestId, by: by, reason: reason, now: now)
        case let .recordKnowledge(account, by, method, met):
            recordKnowledge(account: account, by: by, method: method, met: met, now: now)
        case let .acknowledgeDisclosure(account, instrument, version):
            acknowledgeDisclosure(account: account, instrument: instrument, version: version, now: now)
        case let .publishDisclosure(instrument, version, by):
            guard validInstrument(instrument) else { return reject(.unknownSymbol, "unknown symbol", account: nil, clientOrderId: nil) }
            if let r = Self.staffNameProblem(by) { return reject(r) }
            let current = compliance.disclosureVersions[Int(instrument.index)]
            guard version > current, version <= Int64(Int32.max) else {
                return reject(.disclosureVersionNotCurrent, "a new disclosure version must be above the current \(current)",
                              account: nil, clientOrderId: nil)
            }
            compliance.disclosureVersions[Int(instrument.index)] = version
            events.append(.compliance(.disclosurePublished(instrument: instrument, version: version, by: by)))
        case let .acknowledgeFinancingDisclosure(account, version):
            acknowledgeFinancingDisclosure(account: account, version: version, now: now)
        case let .publishFinancingDisclosure(version, by):
            guard financing != nil else {
                return reject(.financingDisabled, "this venue offers no margin financing, so it has no financing disclosure", account: nil, clientOrderId: nil)
            }
            if let r = Self.staffNameProblem(by) { return reject(r) }
            let current = compliance.financingDisclosureVersion
            guard version > current, version <= Int64(Int32.max) else {
                return reject(.disclosureVersionNotCurrent, "a new \(Self.financingDisclosureId) disclosure version must be above the current \(current)",
                              account: nil, clientOrderId: nil)
            }
            compliance.financingDisclosureVersion = version
            events.append(.compliance(.financingDisclosurePublished(version: version, by: by)))
        }
    }

    // MARK: - The PI-3 gate

    /// Why `account` may not add risk on `instrument` at `leverage` now; nil when it may.
    /// Called for every order, amendment or trigger that could increase the position.
    func eligibilityRefusal(account a: UInt32, instrument i: Int, leverage: Int64, addedNotional: Int128) -> Rejection? {
        let k = Int(a) * specs.count + i
        if k < eligibilityCache.count {
            let hit = eligibilityCache[k]
            if hit.epoch == complianceEpoch, lastTimestamp < hit.until, leverage <= hit.leverageCap { return nil }
        }
        let refusal = computeEligibilityRefusal(account: a, instrument: i, leverage: leverage, addedNotional: addedNotional)
        // Cache a "yes" that depends only on time and leverage (not on an owner's notional cap).
        if refusal == nil, let record = compliance.records[a], record.ownerNotionalCap == nil, let c = record.classification {
            if eligibilityCache.count <= k {
                eligibilityCache.append(contentsOf: repeatElement(EligibilityCacheEntry(), count: accounts.count * specs.count - eligibilityCache.count))
            }
            eligibilityCache[k] = EligibilityCacheEntry(epoch: complianceEpoch, until: c.expiresAt,
                                                        leverageCap: record.leverageCaps[specs[i].symbol] ?? .max)
        }
        return refusal
    }

    func computeEligibilityRefusal(account a: UInt32, instrument i: Int, leverage: Int64, addedNotional: Int128) -> Rejection? {
        let record = compliance.records[a]
        var ownerAfter: Int64?
        if record?.ownerNotionalCap != nil {
            let total = ownerOpenNotional(of: a) + addedNotional
            ownerAfter = total > Int128(Int64.max) ? Int64.max : Int64(total)
        }
        let request = RiskIncreaseCheck.Request(disclosureId: specs[i].symbol, disclosureVersion: Int(compliance.disclosureVersions[i]),
                                                symbol: specs[i].symbol, leverage: leverage, ownerNotionalAfter: ownerAfter)
        guard let refusal = RiskIncreaseCheck.refusal(for: record, request, now: lastTimestamp) else { return nil }
        let code = RejectCode(rawValue: refusal.code) ?? .notProfessionalInvestor
        var message = refusal.message
        if refusal.rule == .leverageAboveClientCap { message += "; lower the leverage first (reducing risk is always allowed)" }
        return Rejection(code, message)
    }

    /// Whether an order of `quantity` on `side` could take the position further from zero
    /// than it is, counting the account's other open orders on that side: a buy that
    /// cannot take the position above zero (or a sell below zero) only reduces risk.
    @inline(__always)
    func mayIncreaseRisk(_ p: PositionState, side: Side, quantity: Int64) -> Bool {
        side == .buy ? p.size + p.buyQuantity + quantity > 0 : p.size - p.sellQuantity - quantity < 0
    }

    /// Σ |size| × mark over every account of `a`'s beneficial owner (settlement raw units):
    /// the account itself, and accounts whose corporate classification names an owner in common.
    func ownerOpenNotional(of a: UInt32) -> Int128 {
        let owners = Set(compliance.records[a]?.classification?.beneficialOwners ?? [])
        var members: [UInt32] = [a]
        if !owners.isEmpty {
            for key in compliance.records.keys.sorted() where key != a {
                if let other = compliance.records[key]?.classification?.beneficialOwners, !owners.isDisjoint(with: other) {
                    members.append(key)
                }
            }
        }
        var total: Int128 = 0
        for m in members {
            for i in specs.indices {
                let p = accounts[Int(m)].positions[i]
                total += Int128(p.size.magnitude) * Int128(marks[i]) * Int128(productToAsset[i])
            }
        }
        return total
    }

    // MARK: - Records

    func recordEvidence(account: AccountID, by: String, kind: EvidenceKind, amount: FiatAmount, asOf: Int64, holding: Holding,
                        source: String, conversion: ConversionRate?, now: Int64) {
        guard validAccount(account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
        if let r = Self.staffNameProblem(by) { return reject(r) }
        let policy = config.classification
        guard !source.isEmpty, source.utf8.count <= 256 else {
            return reject(.invalidEvidence, "evidence names its source (1 to 256 characters)", account: account, clientOrderId: nil)
        }
        guard asOf <= now else {
            return reject(.invalidEvidence, "evidence dated \(asOf) is after the command time \(now)", account: account, clientOrderId: nil)
        }
        guard FiatAmount.isCurrencyCode(amount.currency) else {
            return reject(.invalidCurrency, "currency '\(amount.currency)' is not an ISO 4217 code", account: account, clientOrderId: nil)
        }
        if amount.currency != policy.currency {
            guard let rate = conversion else {
                return reject(.invalidEvidence, "evidence in \(amount.currency) needs a conversion rate to \(policy.currency)",
                              account: account, clientOrderId: nil)
            }
            guard rate.from == amount.currency, rate.to == policy.currency else {
                return reject(.conversionRateMismatch, "a \(rate.from)→\(rate.to) rate cannot convert \(amount.currency) to \(policy.currency)",
                              account: account, clientOrderId: nil)
            }
        }
        let a = account.index
        var recorded = compliance.evidence[a] ?? ClassificationEvidence()
        guard recorded.portfolio.count < ComplianceBook.maxEvidenceItems else {
            return reject(.invalidEvidence, "an account keeps at most \(ComplianceBook.maxEvidenceItems) evidence items",
                          account: account, clientOrderId: nil)
        }
        switch kind {
        case .portfolio(let assetKind):
            recorded.portfolio.append(EvidenceItem(kind: assetKind, amount: amount, asOf: asOf, holding: holding, source: source,
                                                   conversion: conversion))
        case .totalAssets:
            recorded.totalAssets = EvidenceItem(kind: .other, amount: amount, asOf: asOf, holding: holding, source: source,
                                                conversion: conversion)
        }
        compliance.evidence[a] = recorded
        events.append(.compliance(.evidenceRecorded(account: account, kind: kind, amount: amount, asOf: asOf, source: source, by: by)))
    }

    func recordKnowledge(account: AccountID, by: String, method: KnowledgeMethod, met: Bool, now: Int64) {
        guard validAccount(account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
        if let r = Self.staffNameProblem(by) { return reject(r) }
        let quiz = config.knowledgeQuiz
        let recordMethod: KnowledgeAssessment.Method
        switch method {
        case .training(let r): recordMethod = .training(reference: r)
        case .workExperience(let r): recordMethod = .workExperience(reference: r)
        case .tradingHistory(let r): recordMethod = .tradingHistory(reference: r)
        case .quiz(let score): recordMethod = .quiz(score: score, passMark: quiz.passMark, questions: quiz.questions)
        }
        if case .quiz = method {} else if Self.referenceProblem(method) {
            return reject(.invalidAssessment, "a \(method.name) assessment records its reference (1 to 256 characters)",
                          account: account, clientOrderId: nil)
        }
        let assessment: KnowledgeAssessment
        do { assessment = try KnowledgeAssessment(method: recordMethod, met: met, assessedAt: now, assessedBy: by) } catch {
            return reject(Self.code(error), error.description, account: account, clientOrderId: nil)
        }
        compliance.records[account.index, default: ClientComplianceRecord()].knowledge = assessment
        events.append(.compliance(.knowledgeAssessed(account: account, assessment: assessment)))
    }

    func acknowledgeDisclosure(account: AccountID, instrument: InstrumentID, version: Int64, now: Int64) {
        guard validAccount(account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
        guard validInstrument(instrument) else { return reject(.unknownSymbol, "unknown symbol", account: account, clientOrderId: nil) }
        let i = Int(instrument.index), current = compliance.disclosureVersions[i]
        guard version == current else {
            return reject(.disclosureVersionNotCurrent,
                          "version \(version) is not the current \(specs[i].symbol) risk disclosure; read and acknowledge version \(current)",
                          account: account, clientOrderId: nil)
        }
        let symbol = specs[i].symbol
        compliance.records[account.index, default: ClientComplianceRecord()].acknowledgements[symbol] =
            DisclosureAcknowledgement(disclosureId: symbol, version: Int(version), acknowledgedAt: now)
        events.append(.compliance(.disclosureAcknowledged(account: account, instrument: instrument, version: version)))
    }

    func acknowledgeFinancingDisclosure(account: AccountID, version: Int64, now: Int64) {
        guard validAccount(account) else { return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil) }
        let id = Self.financingDisclosureId, current = compliance.financingDisclosureVersion
        guard financing != nil, current > 0 else {
            return reject(.disclosureVersionNotCurrent, "no \(id) disclosure is published on this venue", account: account, clientOrderId: nil)
        }
        guard version == current else {
            return reject(.disclosureVersionNotCurrent, "version \(version) is not the current \(id) disclosure; read and acknowledge version \(current)",
                          account: account, clientOrderId: nil)
        }
        compliance.records[account.index, default: ClientComplianceRecord()].acknowledgements[id] =
            DisclosureAcknowledgement(disclosureId: id, version: Int(version), acknowledgedAt: now)
        events.append(.compliance(.financingDisclosureAcknowledged(account: account, version: version)))
    }

    // MARK: - Four-eyes requests

    func propose(requestId: String, by: String, reason: String, change: StaffChange, now: Int64) {
        if let r = Self.requestIdProblem(requestId) { return reject(r) }
        if let r = Self.staffNameProblem(by) { return reject(r) }
        guard compliance.usedRequestIds.contains(requestId) == false else {
            return reject(.duplicateRequestId, "request id '\(requestId)' was already used", account: nil, clientOrderId: nil)
        }
        guard !reason.isEmpty, reason.utf8.count <= 256 else {
            return reject(.invalidAssessment, "a sensitive change records its reason (1 to 256 characters)", account: nil, clientOrderId: nil)
        }
        if let subject = change.subject, !validAccount(subject) {
            return reject(.unknownAccount, "unknown account", account: nil, clientOrderId: nil)
        }
        let findings: [String]
        switch checkChange(change, now: now) {
        case .failure(let r): return reject(r.code, r.message, account: change.subject, clientOrderId: nil)
        case .success(let f): findings = f
        }
        let request: FourEyesRequest<StaffChange>
        do {
            request = try FourEyesRequest(id: compliance.nextRequestNumber, change: change, maker: by, madeAt: now, reason: reason)
        } catch {
            return reject(Self.code(error), error.description, account: change.subject, clientOrderId: nil)
        }
        compliance.nextRequestNumber += 1
        compliance.usedRequestIds.insert(requestId)
        compliance.pending[requestId] = ComplianceBook.Pending(request: request)
        events.append(.compliance(.requestProposed(requestId: requestId, change: change, by: by, reason: reason, findings: findings)))
    }

    func approve(requestId: String, by: String, now: Int64) {
        if let r = Self.staffNameProblem(by) { return reject(r) }
        guard var pending = compliance.pending[requestId] else {
            return reject(.unknownRequest, "no pending request '\(requestId)'", account: nil, clientOrderId: nil)
        }
        let change: StaffChange
        do { change = try pending.request.approve(by: by, at: now) } catch {
            return reject(Self.code(error), Self.describe(error, requestId: requestId, maker: pending.request.maker),
                          account: nil, clientOrderId: nil)
        }
        // Checked again at approval: evidence may have aged, a maker may have been registered since.
        if case .failure(let r) = checkChange(change, now: now) {
            return reject(r.code, r.message + " (at approval; the request stays pending)", account: change.subject, clientOrderId: nil)
        }
        var effect: ComplianceEvent
        let a = change.subject?.index ?? 0
        switch change {
        case .creditLimit, .haircut, .financingLimits:
            let mark = events.count
            if let r = approveFinancingChange(change, request: pending.request, checker: by, now: now) {
                return reject(r.code, r.message, account: change.subject, clientOrderId: nil)
            }
            compliance.pending[requestId] = nil
            events.insert(.compliance(.requestApproved(requestId: requestId, change: change, by: by)), at: mark)
            return
        case let .classify(account, kind, licence, owners):
            var evidence = compliance.evidence[a] ?? ClassificationEvidence()
            evidence.licenceReference = licence
            let classification: Classification
            do {
                let assessment = try ClassificationAssessment.assess(kind, evidence: evidence, policy: config.classification, now: now)
                classification = try Classification(assessment: assessment, evidence: evidence, policy: config.classification,
                                                    assessedAt: now, proposedBy: pending.request.maker, approvedBy: by,
                                                    beneficialOwners: owners)
            } catch {
                return reject(Self.code(error), error.description, account: account, clientOrderId: nil)
            }
            compliance.records[a, default: ClientComplianceRecord()].classification = classification
            // O(1): the new classification's warning and lapse can only bring the next due time forward.
            compliance.noteDue(classification, account: a, policy: config.classification)
            effect = .classified(account: account, classification: classification)
        case let .leverageCap(account, instrument, leverage):
            compliance.records[a, default: ClientComplianceRecord()].leverageCaps[specs[Int(instrument.index)].symbol] = leverage
            effect = .leverageCapSet(account: account, instrument: instrument, leverage: leverage)
        case let .ownerNotionalCap(account, cap):
            compliance.records[a, default: ClientComplianceRecord()].ownerNotionalCap = cap
            effect = .ownerNotionalCapSet(account: account, cap: cap)
        case let .registerMarketMaker(account, instrument, spread, size, presence):
            let terms = try! MarketMakerTerms(symbol: specs[Int(instrument.index)].symbol, maxSpreadBps: spread, minSize: size,
                                              minPresenceBps: presence)
            compliance.marketMakers[a, default: [:]][instrument.index] = terms
            effect = .marketMakerRegistered(account: account, terms: terms)
        case let .withdrawal(account, amount):
            payOut(account.index, amount)
            effect = .withdrawalPaid(account: account, asset: config.settlementAsset.code, amount: amount)
        case let .assetWithdrawal(account, asset, amount):
            payOutAsset(account.index, asset, amount)
            effect = .withdrawalPaid(account: account, asset: asset, amount: amount)
        case let .approveProduct(instrument):
            do { try compliance.products[Int(instrument.index)].move(to: .approved, by: by, at: now, note: pending.request.reason) } catch {
                return reject(Self.code(error), error.description, account: nil, clientOrderId: nil)
            }
            effect = .productStage(instrument: instrument, stage: .approved, by: by)
        case let .riskLimits(instrument, x):
            compliance.pending[requestId] = nil
            events.append(.compliance(.requestApproved(requestId: requestId, change: change, by: by)))
            approveRiskLimits(instrument, x, request: pending.request, requestId: requestId, checker: by, now: now)
            return
        case let .delistProduct(instrument):
            // The request's events come first; the settlement's follow the stage change.
            compliance.pending[requestId] = nil
            events.append(.compliance(.requestApproved(requestId: requestId, change: change, by: by)))
            events.append(.compliance(.productStage(instrument: instrument, stage: .delisted, by: by)))
            delist(Int(instrument.index), by: by, note: pending.request.reason, now: now)
            return
        }
        compliance.pending[requestId] = nil
        events.append(.compliance(.requestApproved(requestId: requestId, change: change, by: by)))
        events.append(.compliance(effect))
        switch change {
        case let .classify(account, _, _, owners) where !owners.isEmpty: joinOwnerGroup(account.index)
        case let .registerMarketMaker(account, _, _, _, _): joinHouseGroup(account.index)
        default: break
        }
    }

    func rejectRequest(requestId: String, by: String, reason: String, now: Int64) {
        if let r = Self.staffNameProblem(by) { return reject(r) }
        guard var pending = compliance.pending[requestId] else {
            return reject(.unknownRequest, "no pending request '\(requestId)'", account: nil, clientOrderId: nil)
        }
        guard reason.utf8.count <= 256 else {
            return reject(.invalidAssessment, "a rejection's reason is at most 256 characters", account: nil, clientOrderId: nil)
        }
        do { try pending.request.reject(by: by, at: now, reason: reason) } catch {
            return reject(Self.code(error), Self.describe(error, requestId: requestId, maker: pending.request.maker),
                          account: nil, clientOrderId: nil)
        }
        compliance.pending[requestId] = nil
        events.append(.compliance(.requestRejected(requestId: requestId, change: pending.request.change, by: by, reason: reason)))
    }

    /// Whether a change can be made now; on success, what the assessment found.
    func checkChange(_ change: StaffChange, now: Int64) -> Result<[String], Rejection> {
        switch change {
        case let .classify(account, kind, licence, owners):
            guard kind != .retail else {
                return .failure(Rejection(.invalidAssessment, "retail is what an unclassified account is; there is nothing to approve"))
            }
            if kind == .institutional, (licence ?? "").isEmpty {
                return .failure(Rejection(.invalidEvidence, "an institutional classification records the licence or registration reference"))
            }
            if [.corporation, .partnership, .trustCorporation].contains(kind), owners.isEmpty {
                return .failure(Rejection(.invalidEvidence, "a \(kind.rawValue) records its beneficial owners"))
            }
            if owners.count > 16 || owners.contains(where: { $0.isEmpty || $0.utf8.count > 128 }) {
                return .failure(Rejection(.invalidEvidence, "at most 16 beneficial owners, each named in 1 to 128 characters"))
            }
            var evidence = compliance.evidence[account.index] ?? ClassificationEvidence()
            evidence.licenceReference = licence
            do {
                let assessment = try ClassificationAssessment.assess(kind, evidence: evidence, policy: config.classification, now: now)
                guard assessment.qualifies else {
                    return .failure(Rejection(.invalidEvidence, "\(kind.rawValue) does not qualify: " + assessment.findings.joined(separator: "; ")))
                }
                return .success(assessment.findings)
            } catch {
                return .failure(Rejection(Self.code(error), error.description))
            }
        case let .leverageCap(_, instrument, leverage):
            guard validInstrument(instrument) else { return .failure(Rejection(.unknownSymbol, "unknown symbol")) }
            let spec = specs[Int(instrument.index)]
            guard (1...spec.maxLeverage).contains(leverage) else {
                return .failure(Rejection(.leverageOutOfRange, "a leverage cap must be between 1 and \(spec.symbol)'s maximum \(spec.maxLeverage)"))
            }
            return .success(["\(spec.symbol) leverage cap \(leverage)x"])
        case let .ownerNotionalCap(_, cap):
            if let cap, cap <= 0 || cap > Engine.maxBalance {
                return .failure(Rejection(.invalidAmount, "a notional cap must be positive and within the venue's limit"))
            }
            return .success([cap.map { "owner notional cap \(FixedDecimal.format($0, scale: config.settlementAsset.scale))" } ?? "no owner notional cap"])
        case .creditLimit, .haircut, .financingLimits:
            return checkFinancingChange(change, now: now)
        case let .assetWithdrawal(account, code, amount):
            guard let asset = config.asset(code: code), code != config.settlementAsset.code else {
                return .failure(Rejection(.unknownAsset, "'\(code)' is not a spot asset held at this venue"))
            }
            guard amount > 0 else { return .failure(Rejection(.invalidAmount, "withdrawal amount must be positive")) }
            if let r = assetWithdrawalProblem(account, asset, amount) { return .failure(r) }
            return .success(["withdraw \(FixedDecimal.format(amount, scale: asset.scale)) \(code) of free units"])
        case let .withdrawal(account, amount):
            guard amount > 0 else { return .failure(Rejection(.invalidAmount, "withdrawal amount must be positive")) }
            if let r = withdrawalProblem(account.index, amount) { return .failure(r) }
            return .success(["withdraw \(FixedDecimal.format(amount, scale: config.settlementAsset.scale)) \(config.settlementAsset.code) of free funds"])
        case let .riskLimits(instrument, x):
            return checkRiskLimits(instrument, x)
        case let .delistProduct(instrument):
            if let r = delistingProblem(instrument) { return .failure(r) }
            return .success(delistingFindings(Int(instrument.index)))
        case let .approveProduct(instrument):
            guard validInstrument(instrument) else { return .failure(Rejection(.unknownSymbol, "unknown symbol")) }
            let product = compliance.products[Int(instrument.index)]
            guard product.stage == .proposed else {
                return .failure(Rejection(.productNotApproved, "\(product.symbol) is \(product.stage.rawValue), not proposed: there is nothing to approve"))
            }
            guard config.spotAssets.contains(product.referenceAsset) else {
                return .failure(Rejection(.invalidPolicy, "\(product.symbol) references \(product.referenceAsset), which is not a spot asset the platform lists"))
            }
            return .success(["\(product.symbol) on \(product.referenceAsset), proposed by \(product.history.first?.by ?? "-")"])
        case let .registerMarketMaker(account, instrument, spread, size, presence):
            guard validInstrument(instrument) else { return .failure(Rejection(.unknownSymbol, "unknown symbol")) }
            let spec = specs[Int(instrument.index)]
            if compliance.marketMakers[account.index]?[instrument.index] != nil {
                return .failure(Rejection(.alreadyMarketMaker, "\(accounts[Int(account.index)].name) is already a market maker on \(spec.symbol)"))
            }
            do {
                let terms = try MarketMakerTerms(symbol: spec.symbol, maxSpreadBps: spread, minSize: size, minPresenceBps: presence)
                guard size % spec.lotSize == 0 else {
                    return .failure(Rejection(.quantityOffLot, "minSize must be a multiple of the lot size \(spec.sizeString(spec.lotSize))"))
                }
                return .success(["\(spec.symbol): max spread \(terms.maxSpreadBps) bps, min size \(spec.sizeString(size)) per side, present \(terms.minPresenceBps) bps of trading time"])
            } catch {
                return .failure(Rejection(Self.code(error), error.description))
            }
        }
    }

    // MARK: - Time-driven: expiry warnings and lapses

    /// Warns each client whose classification lapses within the window (once per
    /// classification) and announces lapses; runs when `compliance.nextDueMs` has passed.
    func runComplianceDue(now: Int64) {
        let policy = config.classification, announced = events.count
        for a in compliance.popDue(at: now) {
            guard var record = compliance.records[a], let c = record.classification else { continue }
            let account = AccountID(a)
            let fresh = { (at: Int64?) in (at ?? .min) < c.assessedAt }
            if now >= c.expiresAt {
                if fresh(record.lapseAnnouncedAt) {
                    record.lapseAnnouncedAt = now
                    if fresh(record.expiryWarnedAt) { record.expiryWarnedAt = now }
                    events.append(.compliance(.classificationLapsed(account: account, expiredAt: c.expiresAt)))
                }
            } else if RiskIncreaseCheck.shouldWarnOfExpiry(record, policy: policy, now: now) {
                record.expiryWarnedAt = now
                events.append(.compliance(.classificationExpiring(account: account, expiresAt: c.expiresAt)))
            }
            compliance.records[a] = record
        }
        complianceEpoch &+= 1
        if events.count > announced { timeWorkRan = true }
    }

    // MARK: - Field checks

    /// A staff name: 1 to 64 characters, no control characters.
    static func staffNameProblem(_ name: String) -> Rejection? {
        if name.isEmpty || name.utf8.count > 64 || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            return Rejection(.malformedCommand, "'by' names the staff member: 1 to 64 characters, no control characters")
        }
        return nil
    }

    /// A request id follows the client-order-id format (1 to 36 of [A-Za-z0-9._:/-]).
    static func requestIdProblem(_ id: String) -> Rejection? {
        ClientOrderIdFormat.isValid(id) ? nil : Rejection(.malformedCommand, "requestId must match \(ClientOrderIdFormat.pattern)")
    }

    static func referenceProblem(_ method: KnowledgeMethod) -> Bool {
        switch method {
        case .training(let r), .workExperience(let r), .tradingHistory(let r): return r.isEmpty || r.utf8.count > 256
        case .quiz: return false
        }
    }

    /// A decision's refusal in the request's own words (its text id, not the internal number).
    static func describe(_ error: ComplianceError, requestId: String, maker: String) -> String {
        if case .sameMakerAndChecker = error {
            return "\(maker) made request '\(requestId)' and cannot also check it: a different staff member must decide (four-eyes)"
        }
        return error.description
    }

    static func code(_ error: ComplianceError) -> RejectCode { RejectCode(rawValue: error.code) ?? .invalidAssessment }

    func reject(_ r: Rejection) { reject(r.code, r.message, account: nil, clientOrderId: nil) }

    // MARK: - Product governance (PERP-6)

    /// The lifecycle step an operator's status change takes, or why it is refused: a contract
    /// is enabled only once approved, restricted to cancel-only only while live, and a halt
    /// (`disabled`) is always possible. Nil step: no lifecycle change.
    func lifecycleStep(_ instrument: Int, to status: InstrumentStatus) -> Result<ProductLifecycle.Stage?, Rejection> {
        let product = compliance.products[instrument]
        switch (status, product.stage) {
        case (.disabled, _): return .success(nil)
        case (_, .delisted): return .failure(Rejection(.productNotApproved, "\(product.symbol) is delisted"))
        case (.enabled, .proposed):
            return .failure(Rejection(.productNotApproved, "\(product.symbol) is proposed and not approved: compliance approves it (four-eyes) before it can be enabled"))
        case (.enabled, .enabled): return .success(nil)
        case (.enabled, _): return .success(.enabled)
        case (.cancelOnly, .enabled): return .success(.cancelOnly)
        case (.cancelOnly, .cancelOnly): return .success(nil)
        case (.cancelOnly, _):
            return .failure(Rejection(.productNotApproved, "\(product.symbol) is \(product.stage.rawValue): only a live contract can be restricted to cancel-only"))
        }
    }

    /// The lifecycle of `instrument` (PERP-6).
    public func productLifecycle(_ instrument: InstrumentID) -> ProductLifecycle { compliance.products[Int(instrument.index)] }
}

extension ComplianceBook {
    /// Evidence items an account keeps (bounds the state a client record can grow to).
    static let maxEvidenceItems = 64
}

/// One cached PI-3 "yes" (see `Engine.eligibilityCache`): valid for compliance epoch
/// `epoch`, before command time `until` (the classification's expiry), at leverage up to
/// `leverageCap`. The default entry is never valid (epoch 0).
struct EligibilityCacheEntry: Sendable {
    var epoch: UInt64 = 0
    var until: Int64 = 0
    var leverageCap: Int64 = 0
}
