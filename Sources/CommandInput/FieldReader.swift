import HarbourCore
import Engine

/// Typed access to a request's fields by the table's rules; each failure a rejection
/// naming the field (the messages the replay format and the API have always given).
struct FieldReader {
    let fields: CommandFields
    let names: any CommandNames

    func string(_ name: String) throws(Rejection) -> String {
        guard let value = fields[name] else { throw Rejection(.malformedCommand, "missing field '\(name)'") }
        guard case .string(let text) = value else { throw Rejection(.malformedCommand, "field '\(name)' must be a string") }
        return text
    }

    func optionalString(_ name: String) throws(Rejection) -> String? {
        guard let value = fields[name], !value.isNull else { return nil }
        guard case .string(let text) = value else { throw Rejection(.malformedCommand, "field '\(name)' must be a string") }
        return text
    }

    /// A required enumerated field, exactly one of its rule's names.
    func enumerated(_ name: String) throws(Rejection) -> String {
        let text = try string(name)
        let rule = CommandFieldTable.rule(name)
        guard rule.matches(text) else { throw rule.refuse(text) }
        return text
    }

    /// An optional enumerated field (absent or null: nil).
    func optionalEnumerated(_ name: String) throws(Rejection) -> String? {
        guard let text = try optionalString(name) else { return nil }
        let rule = CommandFieldTable.rule(name)
        guard rule.matches(text) else { throw rule.refuse(text) }
        return text
    }

    func stringOrInt(_ name: String) throws(Rejection) -> String {
        switch fields[name] {
        case nil: throw Rejection(.malformedCommand, "missing field '\(name)'")
        case .string(let text)?: return text
        case .integer(let value)?: return String(value)
        default: throw Rejection(.malformedCommand, "field '\(name)' must be an integer or a string holding one")
        }
    }

    func bool(_ name: String) throws(Rejection) -> Bool {
        switch fields[name] {
        case nil, .null?: return false
        case .bool(let value)?: return value
        default: throw Rejection(.malformedCommand, "field '\(name)' must be true or false")
        }
    }

    /// A decimal string by `FixedDecimal.pattern` (the table's decimal rule) at `scale`.
    func decimal(_ name: String, _ scale: DecimalScale, offScale: RejectCode) throws(Rejection) -> Int64 {
        guard let value = fields[name] else { throw Rejection(.malformedCommand, "missing field '\(name)'") }
        guard case .string(let text) = value else {
            throw Rejection(.invalidNumber, "field '\(name)' must be a decimal string like \"1.5\" (JSON numbers are not accepted for money, prices or sizes)")
        }
        do {
            return try FixedDecimal.parse(text, scale: scale)
        } catch {
            switch error {
            case .tooManyDecimals: throw Rejection(offScale, "\(name) '\(text)' has more than \(scale.decimals) decimal places")
            default: throw Rejection(.invalidNumber, "\(name): \(error)")
            }
        }
    }

    func settlementAsset() throws(Rejection) -> String {
        let asset = try string("asset")
        let code = names.config.settlementAsset.code
        guard asset == code else { throw Rejection(.unknownAsset, "asset '\(asset)' is not a settlement asset (use \(code))") }
        return asset
    }

    /// The `asset` field: the settlement asset or a spot market's base asset (BTC, ETH).
    func heldAsset() throws(Rejection) -> Asset {
        let code = try string("asset")
        guard let asset = names.config.asset(code: code) else {
            throw Rejection(.unknownAsset, "asset '\(code)' is not held at this venue (\(names.config.assets.map(\.code).joined(separator: ", ")))")
        }
        return asset
    }

    func account() throws(Rejection) -> AccountID {
        let name = try string("account")
        guard let id = names.accountID(named: name) else { throw Rejection(.unknownAccount, "unknown account '\(name)'") }
        return id
    }

    func instrument() throws(Rejection) -> (InstrumentID, InstrumentSpec) {
        let symbol = try string("symbol")
        guard let id = names.instrumentID(symbol: symbol) else { throw Rejection(.unknownSymbol, "unknown symbol '\(symbol)'") }
        return (id, names.spec(id))
    }

    func orderRef() throws(Rejection) -> OrderRef {
        let rule = CommandFieldTable.rule("orderId")
        switch fields["orderId"] {
        case nil, .null?: break
        case .integer(let id)?: return .id(id)
        case .string(let text)? where rule.matches(text): return .id(Int64(text)!)
        case .string(let text)?: throw rule.refuse(text)
        default: throw rule.refuse("")
        }
        if let id = try clientOrderId() { return .client(id) }
        throw Rejection(.malformedCommand, "name the order by orderId or clientOrderId")
    }

    /// The optional `clientOrderId`, by the table's pattern (`ClientOrderIdFormat`).
    func clientOrderId() throws(Rejection) -> String? {
        guard let id = try optionalString("clientOrderId") else { return nil }
        let rule = CommandFieldTable.rule("clientOrderId")
        guard rule.matches(id) else { throw rule.refuse(id) }
        return id
    }
}
