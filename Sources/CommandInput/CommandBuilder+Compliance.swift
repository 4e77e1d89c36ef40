import Foundation
import Compliance
import Engine
import HarbourCore

/// The compliance commands of `CommandBuilder` (PI-1..3, REG-4, MM-1): onboarding
/// evidence, four-eyes proposals and decisions, knowledge assessments, disclosure
/// acknowledgements and publications. docs/REPLAY.md ("Onboarding") lists the fields.
extension CommandBuilder {
    func buildCompliance(_ type: CommandType, _ reader: FieldReader) throws(Rejection) -> Command {
        switch type {
        case .recordEvidence:
            let by = try reader.string("by"), account = try reader.account()
            let kind = EvidenceKind(name: try reader.enumerated("evidenceKind"))!
            let currency = try reader.patterned("currency")
            let minor = try reader.decimal("amount", FiatAmount.scale, offScale: .invalidAmount)
            let asOf = try reader.integer("asOf")
            let holding = try reader.optionalEnumerated("holding").flatMap(Holding.init(rawValue:)) ?? .sole
            let source = try reader.string("source")
            var conversion: ConversionRate?
            if reader.fields.has("rate") {
                let raw = try reader.decimal("rate", DecimalScale(8), offScale: .invalidNumber)
                do { conversion = try ConversionRate(from: currency, to: names.config.classification.currency, raw: raw) } catch {
                    throw Rejection(RejectCode(rawValue: error.code) ?? .invalidNumber, error.description)
                }
            }
            return .compliance(.recordEvidence(account: account, by: by, kind: kind, amount: FiatAmount(currency: currency, minorUnits: minor),
                                               asOf: asOf, holding: holding, source: source, conversion: conversion))
        case .proposeClassification:
            let (id, by) = (try reader.patterned("requestId"), try reader.string("by"))
            let account = try reader.account()
            let kind = InvestorKind(rawValue: try reader.enumerated("investorKind"))!
            let licence = try reader.optionalString("licence")
            let owners = (try reader.optionalString("beneficialOwners") ?? "").split(separator: ";")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return .compliance(.propose(requestId: id, by: by, reason: try reader.string("reason"),
                                        change: .classify(account: account, kind: kind, licence: licence, beneficialOwners: owners)))
        case .proposeLeverageCap:
            let (id, by) = (try reader.patterned("requestId"), try reader.string("by"))
            let account = try reader.account(), (instrument, _) = try reader.instrument()
            let text = try reader.stringOrInt("leverage")
            let rule = CommandFieldTable.rule("leverage")
            guard rule.matches(text), let leverage = Int64(text) else { throw rule.refuse(text) }
            return .compliance(.propose(requestId: id, by: by, reason: try reader.string("reason"),
                                        change: .leverageCap(account: account, instrument: instrument, leverage: leverage)))
        case .proposeOwnerNotionalCap:
            let (id, by) = (try reader.patterned("requestId"), try reader.string("by"))
            let account = try reader.account()
            let cap = reader.fields.has("amount") ? try reader.decimal("amount", names.config.settlementAsset.scale, offScale: .invalidAmount) : nil
            return .compliance(.propose(requestId: id, by: by, reason: try reader.string("reason"),
                                        change: .ownerNotionalCap(account: account, cap: cap)))
        case .proposeMarketMaker:
            let (id, by) = (try reader.patterned("requestId"), try reader.string("by"))
            let account = try reader.account(), (instrument, spec) = try reader.instrument()
            let spread = try reader.integer("maxSpreadBps")
            let size = try reader.decimal("minSize", spec.sizeScale, offScale: .quantityOffLot)
            let presence = reader.fields.has("minPresenceBps") ? try reader.integer("minPresenceBps") : 5_000
            return .compliance(.propose(requestId: id, by: by, reason: try reader.string("reason"),
                                        change: .registerMarketMaker(account: account, instrument: instrument, maxSpreadBps: spread,
                                                                     minSize: size, minPresenceBps: presence)))
        case .approveRequest:
            return .compliance(.approve(requestId: try reader.patterned("requestId"), by: try reader.string("by")))
        case .rejectRequest:
            return .compliance(.reject(requestId: try reader.patterned("requestId"), by: try reader.string("by"),
                                       reason: try reader.string("reason")))
        case .recordKnowledgeAssessment:
            let by = try reader.string("by"), account = try reader.account()
            let method: KnowledgeMethod
            let reference = try reader.optionalString("reference")   // type-checked for every method
            switch try reader.enumerated("method") {
            case "quiz":
                guard reader.fields.has("score") else { throw Rejection(.invalidAssessment, "a quiz assessment records its score") }
                method = .quiz(score: Int(try reader.integer("score")))
            case let name:
                guard let reference else {
                    throw Rejection(.invalidAssessment, "a \(name) assessment records its reference")
                }
                method = name == "training" ? .training(reference: reference)
                    : name == "workExperience" ? .workExperience(reference: reference) : .tradingHistory(reference: reference)
            }
            let met = reader.fields.has("met") ? try reader.bool("met") : true
            return .compliance(.recordKnowledge(account: account, by: by, method: method, met: met))
        case .acknowledgeDisclosure:
            let account = try reader.account()
            if try reader.string("symbol") == Engine.financingDisclosureId {
                return .compliance(.acknowledgeFinancingDisclosure(account: account, version: try reader.integer("version")))
            }
            let (instrument, _) = try reader.instrument()
            return .compliance(.acknowledgeDisclosure(account: account, instrument: instrument, version: try reader.integer("version")))
        case .proposeWithdrawal:
            let (id, by) = (try reader.patterned("requestId"), try reader.string("by"))
            let account = try reader.account()
            let asset = try reader.heldAsset()
            let amount = try reader.decimal("amount", asset.scale, offScale: .invalidAmount)
            let change: StaffChange = asset.code == names.config.settlementAsset.code
                ? .withdrawal(account: account, amount: amount) : .assetWithdrawal(account: account, asset: asset.code, amount: amount)
            return .compliance(.propose(requestId: id, by: by, reason: try reader.string("reason"), change: change))
        case .proposeProductApproval:
            let (id, by) = (try reader.patterned("requestId"), try reader.string("by"))
            let (instrument, _) = try reader.instrument()
            return .compliance(.propose(requestId: id, by: by, reason: try reader.string("reason"),
                                        change: .approveProduct(instrument: instrument)))
        case .proposeDelisting:
            let (id, by) = (try reader.patterned("requestId"), try reader.string("by"))
            let (instrument, _) = try reader.instrument()
            return .compliance(.propose(requestId: id, by: by, reason: try reader.string("reason"),
                                        change: .delistProduct(instrument: instrument)))
        case .proposeRiskParameters:
            let (id, by) = (try reader.patterned("requestId"), try reader.string("by"))
            let (instrument, spec) = try reader.instrument()
            func size(_ name: String) throws(Rejection) -> Int64? {
                guard reader.fields.has(name) else { return nil }
                let v = try reader.decimal(name, spec.sizeScale, offScale: .quantityOffLot)
                guard v >= 0 else { throw Rejection(.invalidRiskLimits, "\(name) must not be negative") }
                return v
            }
            let maxLeverage = reader.fields.has("maxLeverage") ? try reader.integer("maxLeverage") : nil
            let positionLimit = try size("positionLimit"), openInterestCap = try size("openInterestCap")
            var tiers: [RiskLimits.Tier]?
            if let text = try reader.optionalString("tiers") {
                let rule = CommandFieldTable.rule("tiers")
                guard rule.matches(text) else { throw rule.refuse(text) }
                switch RiskLimits.Tier.parseTable(text, money: names.config.settlementAsset.scale) {
                case .success(let rows): tiers = rows
                case .failure(let why): throw Rejection(.invalidRiskLimits, why.description)
                }
            }
            let change = RiskLimitChange(maxLeverage: maxLeverage, positionLimit: positionLimit, openInterestCap: openInterestCap, tiers: tiers)
            return .compliance(.propose(requestId: id, by: by, reason: try reader.string("reason"),
                                        change: .riskLimits(instrument: instrument, change: change)))
        case .publishDisclosure:
            if try reader.string("symbol") == Engine.financingDisclosureId {
                return .compliance(.publishFinancingDisclosure(version: try reader.integer("version"), by: try reader.string("by")))
            }
            let (instrument, _) = try reader.instrument()
            let version = try reader.integer("version")
            return .compliance(.publishDisclosure(instrument: instrument, version: version, by: try reader.string("by")))
        default:
            preconditionFailure("\(type) is not a compliance command")
        }
    }
}

extension FieldReader {
    /// A required integer field (JSON integer or a string of digits) by the table's rule.
    func integer(_ name: String) throws(Rejection) -> Int64 {
        let text = try stringOrInt(name)
        let rule = CommandFieldTable.rule(name)
        guard rule.matches(text), let value = Int64(text) else { throw rule.refuse(text) }
        return value
    }

    /// A required string field matching its rule's pattern.
    func patterned(_ name: String) throws(Rejection) -> String {
        let text = try string(name)
        let rule = CommandFieldTable.rule(name)
        guard rule.matches(text) else { throw rule.refuse(text) }
        return text
    }
}
