import CommandInput
import Foundation
import Testing
@testable import Gateway

/// docs/openapi.yaml states the same fields, required fields, patterns and names as the
/// one validation table (`CommandFieldTable`, DECISIONS 31), for every native request
/// body that becomes a command. Changing either without the other fails here.
@Suite struct FieldTableOpenAPITests {
    /// One documented property: the pattern(s) and names it states.
    struct Property: Equatable {
        var patterns: Set<String> = []
        var names: Set<String>?
    }

    /// A request body schema of the document: its properties and required fields.
    struct Body {
        var properties: [String: Property] = [:]
        var required: Set<String> = []
    }

    static let lines: [Substring] = (try? OpenAPITests.document())?.split(separator: "\n", omittingEmptySubsequences: false) ?? []

    static func indent(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }

    /// The line index of `marker` (a whole trimmed line) at or after `start`.
    static func find(_ marker: String, from start: Int = 0) -> Int? {
        (start..<lines.count).first { lines[$0].trimmingCharacters(in: .whitespaces) == marker }
    }

    /// The single-quoted value after `key: '` in `text`.
    static func quoted(_ key: String, in text: Substring) -> String? {
        guard let range = text.range(of: key + ": '") else { return nil }
        let rest = text[range.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }

    /// The pattern a component schema states (`Decimal`, `ClientOrderId`).
    static func componentPattern(_ name: String) -> String? {
        guard let start = find("\(name):", from: find("schemas:") ?? 0) else { return nil }
        for index in (start + 1)..<lines.count {
            if indent(lines[index]) <= indent(lines[start]) { return nil }
            if let pattern = quoted("pattern", in: lines[index]) { return pattern }
        }
        return nil
    }

    static func property(_ text: Substring) -> Property {
        var property = Property()
        for component in ["Decimal", "ClientOrderId"] where text.contains("'#/components/schemas/\(component)'") {
            if let pattern = componentPattern(component) { property.patterns.insert(pattern) }
        }
        if let pattern = quoted("pattern", in: text) { property.patterns.insert(pattern) }
        if let range = text.range(of: "enum: [") {
            let list = text[range.upperBound...].prefix { $0 != "]" }
            property.names = Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return property
    }

    /// The request body schema of an operation, following a `$ref` to a component.
    static func body(of operationId: String) -> Body? {
        guard let op = find("operationId: \(operationId)"),
              var at = (op..<lines.count).first(where: { lines[$0].contains("requestBody:") }) else { return nil }
        if let ref = quoted("$ref", in: lines[at]), ref.hasPrefix("#/components/requestBodies/") {
            guard let target = find(String(ref.split(separator: "/").last!) + ":", from: find("requestBodies:") ?? 0) else { return nil }
            at = target
        }
        guard let schemaLine = (at..<lines.count).first(where: { lines[$0].contains("schema:") }) else { return nil }
        if let ref = quoted("$ref", in: lines[schemaLine]), ref.hasPrefix("#/components/schemas/") {
            guard let target = find(String(ref.split(separator: "/").last!) + ":", from: find("schemas:") ?? 0) else { return nil }
            at = target
        } else {
            at = schemaLine
        }
        var body = Body()
        let base = indent(lines[at])
        var propertiesIndent: Int?
        for index in (at + 1)..<lines.count {
            let line = lines[index]
            let depth = indent(line)
            if depth <= base { break }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("required: [") {
                body.required = Set(text.dropFirst("required: [".count).dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            } else if text == "properties:" {
                propertiesIndent = depth
            } else if let propertiesIndent, depth == propertiesIndent + 2, let colon = text.firstIndex(of: ":") {
                body.properties[String(text[..<colon])] = property(line[line.index(line.startIndex, offsetBy: depth)...])
            } else if let p = propertiesIndent, depth <= p {
                propertiesIndent = nil
            }
        }
        return body
    }

    /// Native operations whose body is a command, and the fields the route supplies itself.
    static let operations: [(String, CommandType, Set<String>)] = [
        ("placeOrder", .placeOrder, ["account"]), ("amendOrder", .amendOrder, ["account"]),
        ("setLeverage", .setLeverage, ["account"]), ("setMarginMode", .setMarginMode, ["account"]),
        ("openAccount", .openAccount, []), ("deposit", .deposit, []), ("withdraw", .withdraw, []),
        ("setInstrumentStatus", .setInstrumentStatus, ["symbol"]), ("depositInsurance", .insuranceDeposit, []),
        ("recordEvidence", .recordEvidence, ["by"]), ("proposeClassification", .proposeClassification, ["by"]),
        ("proposeLeverageCap", .proposeLeverageCap, ["by"]), ("proposeOwnerNotionalCap", .proposeOwnerNotionalCap, ["by"]),
        ("proposeMarketMaker", .proposeMarketMaker, ["by"]), ("recordKnowledgeAssessment", .recordKnowledgeAssessment, ["by"]),
        ("rejectRequest", .rejectRequest, ["by", "requestId"]), ("proposeProductApproval", .proposeProductApproval, ["by", "symbol"]),
        ("proposeDelisting", .proposeDelisting, ["by", "symbol"]), ("proposeRiskParameters", .proposeRiskParameters, ["by", "symbol"]),
        ("proposeWithdrawal", .proposeWithdrawal, ["by"]), ("acknowledgeDisclosure", .acknowledgeDisclosure, ["account", "symbol"]),
        ("pledgeCollateral", .collateralPledge, ["account", "loan"]), ("releaseCollateral", .collateralRelease, ["account", "loan"]),
        ("drawLoan", .loanDrawdown, ["account", "loan"]), ("repayLoan", .loanRepay, ["account", "loan"]),
        ("setFinancingClient", .financingClient, ["by"]), ("assessCredit", .creditAssessment, ["by"]),
        ("setBrokerCapital", .brokerCapital, ["by"]), ("setCollateralPrice", .collateralPrice, []),
        ("recordForcedSaleFill", .forcedSaleFill, ["instruction"]), ("proposeCreditLimit", .proposeCreditLimit, ["by"]),
        ("proposeHaircut", .proposeHaircut, ["by"]), ("proposeFinancingLimits", .proposeFinancingLimits, ["by"]),
    ]

    @Test("every command body in docs/openapi.yaml has the table's fields, required fields, patterns and names")
    func documentAgreesWithTable() throws {
        #expect(!Self.lines.isEmpty)
        var checkedRows = Set<String>()
        for (operationId, type, supplied) in Self.operations {
            guard let body = Self.body(of: operationId) else {
                Issue.record("no request body found for \(operationId)")
                continue
            }
            let fields = CommandFieldTable.fields(of: type).filter { !supplied.contains($0.name) }
            #expect(Set(body.properties.keys) == Set(fields.map(\.name)), "\(operationId) properties")
            #expect(body.required == Set(fields.filter(\.required).map(\.name)), "\(operationId) required")
            for (name, _) in fields {
                let rule = CommandFieldTable.rule(name)
                let documented = body.properties[name] ?? Property()
                #expect(documented.patterns == Set([rule.pattern].compactMap { $0 }), "\(operationId).\(name) pattern")
                #expect(documented.names == rule.allowed.map(Set.init), "\(operationId).\(name) names")
                checkedRows.insert(name)
            }
        }
        // Every row with a pattern or names is stated somewhere in the document.
        for rule in CommandFieldTable.rules where rule.pattern != nil || rule.allowed != nil {
            #expect(checkedRows.contains(rule.name), "row '\(rule.name)' is not in any documented body")
        }
    }

    @Test("the /v1 body schemas the gateway enforces are the table's")
    func gatewaySchemasAreTheTable() {
        #expect(Set(placeOrderSchema.fields.keys) == Set(CommandFieldTable.fields(of: .placeOrder).map(\.name)).subtracting(["account"]))
        #expect(placeOrderSchema.required == ["symbol", "side", "orderType", "qty"])
    }
}

/// The `/fapi` name mapping lands inside the table, and covers what the document states.
@Suite struct BinanceNameMappingTests {
    @Test("every Binance name /fapi documents maps to a name the table allows, and every table name is reachable")
    func mappingAgreesWithTableAndDocument() throws {
        let body = try #require(FieldTableOpenAPITests.body(of: "binanceNewOrder"))
        for (parameter, field, names) in BinanceNames.orderNameMapping {
            let allowed = try #require(CommandFieldTable.rule(field).allowed, "\(field) is enumerated in the table")
            for (binance, native) in names { #expect(allowed.contains(native), "\(parameter)=\(binance) → \(native)") }
            #expect(Set(names.values) == Set(allowed), "every native \(field) is reachable from /fapi")
            #expect(body.properties[parameter]?.names == Set(names.keys), "docs/openapi.yaml /fapi/v1/order \(parameter)")
        }
    }
}
