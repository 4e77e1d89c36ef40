import HarbourCore

/// The broker's capital figure for the lending limits (FIN-3): the items of its capital in
/// settlement-asset raw units, where virtual assets count for nothing (a 100% haircut) —
/// so lending capacity never rests on the broker's own crypto holdings.
public struct BrokerCapital: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case fiat = "FIAT"
        case securities = "SECURITIES"
        case virtualAsset = "VIRTUAL_ASSET"
    }

    public struct Item: Sendable, Hashable {
        public let name: String
        public let kind: Kind
        public let value: Amount
        public init(name: String, kind: Kind, value: Amount) {
            self.name = name
            self.kind = kind
            self.value = value
        }
    }

    public let items: [Item]

    public init(items: [Item]) { self.items = items }

    /// Σ items, virtual assets at zero.
    public var figure: Amount {
        items.reduce(Amount.zero) { $0 + ($1.kind == .virtualAsset ? .zero : max(.zero, $1.value)) }
    }
}
