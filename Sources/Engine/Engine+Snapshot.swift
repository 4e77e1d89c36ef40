import Crypto
import HarbourCore
import Ledger
import Matching

/// State snapshots (OPS-4): recovery restores the latest snapshot and replays only the
/// journal tail after it, instead of the whole journal.
///
/// A snapshot is the complete engine state in a versioned little-endian binary encoding:
///
///     "HBSN"  u16 version (8; older versions are refused and recovery replays the
///       journal: 1 and 2 predate pricing and platform risk monitoring, 3 framed the risk
///       state as a counted list of words before it was coded by `RiskMonitorState.code`,
///       4 predates the compliance component, 5 the spot markets, 6 margin financing, 7 live
///       risk-limit versions)
///     config identity: settlement asset, symbols, fee-tier names, client-order-id memory,
///       per instrument the funding interval and pricing parameters
///     the state hash of the engine at the snapshot (checked after restore)
///     risk-limit versions (Engine+RiskLimits.swift), installed before anything is read
///     counters (codeCounters: nextOrderId, lastTimestamp, nextGroup, then the
///       snapshot-only commandCount and emitPostings), per-instrument marks / last prices /
///       statuses (codeInstrumentPrices)
///     ledger: keys (BookKey case + fields) in id order with balances; posting count
///     group names → ids (sorted by name)
///     accounts: name, group, fee tier, cash book; every position field, and the ids of the
///       account's resting orders in owner-list order (newest first); client order ids
///       (live, sorted by order id; finished, oldest first)
///     clientIdByOrder (sorted by order id)
///     books: per instrument, per side, every resting order in price-time priority
///     conditional orders: per instrument, per trigger source, in id order
///     pricing: funding clearing book; per instrument index / basis / premium / volatility
///       state, funding and sample clocks, guard flags, last index result and mark
///       components (Engine+SnapshotPricing.swift)
///     risk: parameters identity, sweep clock, EWMA volatility and add-on per instrument,
///       raised alerts, published ADL ranks (Engine+SnapshotRisk.swift)
///     compliance: request counter, disclosure versions, client records and evidence by
///       account, pending requests and used request ids, market makers
///       (ComplianceBook+StateCoding.swift)
///     spot: per market symbol, status, last price and resting orders per side in
///       priority order (SpotMarkets.code); what they lock is in the ledger
///     SHA-256 of everything before it (32 bytes)
///
/// Slot numbers are never written: the same state always gives the same bytes, and a
/// restored engine snapshots to exactly the bytes it was restored from. Everything the
/// engine derives (accountIndex, conditionalLocation, the books' id → slot maps, the
/// owner-list links) is rebuilt; transient per-command buffers start empty.
extension Engine {
    /// Why a snapshot was refused. Restoring never traps on bad input: every problem
    /// is one of these.
    public struct SnapshotError: Error, CustomStringConvertible, Equatable, Sendable {
        public enum Kind: Sendable, Equatable {
            /// Not a Harbour snapshot.
            case badMagic
            /// Written by a format version this build does not read.
            case unsupportedVersion
            /// Ends before the encoding does.
            case truncated
            /// The checksum does not match: the bytes were damaged.
            case checksumMismatch
            /// Taken with a different venue configuration.
            case configMismatch
            /// Decodes, but breaks an invariant of the engine state.
            case corrupt
            /// Restored, but the state hash differs from the one recorded at snapshot time.
            case stateHashMismatch
        }
        public let kind: Kind
        public let description: String

        init(_ kind: Kind, _ description: String) {
            self.kind = kind
            self.description = description
        }
        static func corrupt(_ what: String) -> SnapshotError { SnapshotError(.corrupt, what) }
    }

    /// "HBSN".
    public static let snapshotMagic: [UInt8] = [0x48, 0x42, 0x53, 0x4E]
    public static let snapshotVersion: UInt16 = 8
    static let snapshotChecksumSize = 32

    // MARK: - Writing

    /// The complete state of the engine, as bytes that `init(snapshot:config:)` restores.
    /// Call it between commands (the engine is single-threaded; so is this).
    public func snapshot() -> [UInt8] {
        var w = ByteWriter(out: [])
        w.out.reserveCapacity(1 << 16)
        w.out.append(contentsOf: Self.snapshotMagic)
        w.u16(Self.snapshotVersion)

        // Configuration identity.
        w.str(config.settlementAsset.code)
        w.u16(UInt16(specs.count))
        for s in specs { w.str(s.symbol) }
        w.u16(UInt16(config.feeTiers.count))
        for f in config.feeTiers { w.str(f.name) }
        w.i64(Int64(config.clientOrderIdMemory))
        writePricingIdentity(&w)
        w.str(stateHash())
        // Risk-limit versions (version 8), before anything that depends on the limits.
        infallible { () throws(SnapshotError) in try codeRiskLimitVersions(&w) }

        // Counters and prices.
        infallible { () throws(SnapshotError) in try codeCounters(&w) }
        for i in specs.indices { infallible { () throws(SnapshotError) in try codeInstrumentPrices(i, &w) } }

        // Ledger.
        ledger.encode(into: &w)

        // Group names.
        let groups = groupIndex.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        w.u32(UInt32(groups.count))
        for (name, id) in groups { w.str(name); w.u32(id) }

        // Accounts.
        w.u32(UInt32(accounts.count))
        for acct in accounts {
            infallible { () throws(SnapshotError) in _ = try AccountState.codeHeader(acct, &w) }
            for (i, p) in acct.positions.enumerated() {
                p.encode(into: &w)
                let book = books[i]
                let owned = book.ownerSlots(head: p.orderHead)
                w.u32(UInt32(owned.count))
                for s in owned { w.i64(book[s].orderId) }
            }
            acct.clientOrderIds.encode(into: &w)
        }
        let byOrder = clientIdByOrder.sorted { $0.key < $1.key }
        w.u32(UInt32(byOrder.count))
        for (id, c) in byOrder { w.i64(id); w.str(c) }

        // Books, in price-time priority.
        for book in books {
            for side in [Side.buy, .sell] {
                let orders = book.ordersInPriority(side)
                w.u32(UInt32(orders.count))
                for o in orders { infallible { () throws(SnapshotError) in _ = try RestingOrder.code(o, side: side, &w) } }
            }
        }

        // Conditional orders, per trigger source (mark, last).
        for perSource in conditionals {
            for (cb, source) in zip(perSource, [TriggerSource.mark, .last]) {
                let all = cb.all
                w.u32(UInt32(all.count))
                for c in all { infallible { () throws(SnapshotError) in _ = try ConditionalOrder.code(c, source: source, &w) } }
            }
        }

        // Pricing (version 2) and platform risk (version 3).
        writePricing(&w)
        writeRisk(&w)
        // Compliance (version 5).
        compliance.encode(into: &w)
        // Spot markets (version 6).
        var spotCopy = spot
        infallible { () throws(SnapshotError) in try spotCopy.code(&w, accepts: { _ in nil }) }
        // Margin financing (version 7).
        infallible { () throws(SnapshotError) in try codeFinancing(&w) }

        w.out.append(contentsOf: Self.checksum(w.out, count: w.out.count))
        return w.out
    }

    static func writeBookKey(_ k: BookKey, _ w: inout ByteWriter) {
        switch k {
        case let .clientCash(a, asset): w.u8(0); w.u32(a); w.str(asset)
        case let .clientIsolatedMargin(a, i): w.u8(1); w.u32(a); w.u16(i)
        case let .positionsPool(asset): w.u8(2); w.str(asset)
        case let .houseFees(asset): w.u8(3); w.str(asset)
        case let .insuranceFund(asset): w.u8(4); w.str(asset)
        case let .houseRounding(asset): w.u8(5); w.str(asset)
        case let .external(asset): w.u8(6); w.str(asset)
        case let .fundingClearing(asset): w.u8(7); w.str(asset)
        case let .clientLocked(a, asset): w.u8(8); w.u32(a); w.str(asset)
        case let .loanCollateral(loan, asset): w.u8(9); w.i64(loan); w.str(asset)
        case let .loanPrincipal(loan, asset): w.u8(10); w.i64(loan); w.str(asset)
        case let .loanInterest(loan, asset): w.u8(11); w.i64(loan); w.str(asset)
        case let .interestIncome(asset): w.u8(12); w.str(asset)
        }
    }

    static func checksum(_ bytes: [UInt8], count: Int) -> [UInt8] {
        var h = SHA256()
        bytes.withUnsafeBytes { h.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        return Array(h.finalize())
    }

    /// Replaces the trailing checksum of `bytes` with the one of its content (tests use it
    /// to feed the decoder damaged content that passes the checksum).
    static func resealSnapshot(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= snapshotChecksumSize else { return bytes }
        let n = bytes.count - snapshotChecksumSize
        return Array(bytes[0..<n]) + checksum(bytes, count: n)
    }

    // MARK: - Reading

    /// Restores an engine from `snapshot()` bytes. The result is indistinguishable from
    /// the engine that took the snapshot: the same `stateHash()`, the same snapshot bytes
    /// and the same events for every further command. `config` must be the configuration
    /// the snapshot was taken with (asset, symbols, fee tiers and id memory are checked).
    /// `events` (the previous command's events) starts empty.
    public convenience init(snapshot bytes: [UInt8], config: VenueConfig) throws(SnapshotError) {
        let payload = try Engine.openSnapshot(bytes)
        self.init(config: config)
        try restore(from: bytes, payload: payload)
    }

    /// Checks magic, version and checksum; returns the range of the encoded state.
    static func openSnapshot(_ bytes: [UInt8]) throws(SnapshotError) -> Range<Int> {
        let header = snapshotMagic.count + 2
        let m = min(bytes.count, snapshotMagic.count)
        guard bytes[0..<m].elementsEqual(snapshotMagic[0..<m]) else {
            throw SnapshotError(.badMagic, "not a Harbour engine snapshot")
        }
        guard bytes.count >= header else { throw SnapshotError(.truncated, "snapshot truncated in its header") }
        let version = UInt16(bytes[4]) | UInt16(bytes[5]) << 8
        guard version == snapshotVersion else {
            let why = version < snapshotVersion ? " (an older snapshot lacks state this build keeps; recovery replays the journal instead)" : ""
            throw SnapshotError(.unsupportedVersion, "snapshot format version \(version); this build reads version \(snapshotVersion)\(why)")
        }
        guard bytes.count >= header + snapshotChecksumSize else {
            throw SnapshotError(.truncated, "snapshot truncated: \(bytes.count) bytes")
        }
        let end = bytes.count - snapshotChecksumSize
        guard checksum(bytes, count: end).elementsEqual(bytes[end...]) else {
            throw SnapshotError(.checksumMismatch, "snapshot checksum does not match its content (damaged or truncated)")
        }
        return header..<end
    }

    /// Decodes the state into this freshly initialised engine, checking every invariant
    /// the engine relies on so that no later command can trap on restored state.
    private func restore(from bytes: [UInt8], payload: Range<Int>) throws(SnapshotError) {
        var r = SnapshotReader(bytes: bytes, pos: payload.lowerBound, end: payload.upperBound)
        let asset = config.settlementAsset.code
        let ni = specs.count

        // Configuration identity.
        let snapAsset = try r.str()
        guard snapAsset == asset else {
            throw SnapshotError(.configMismatch, "snapshot settles in \(snapAsset), the configuration in \(asset)")
        }
        var snapSymbols: [String] = []
        for _ in 0..<Int(try r.u16()) { snapSymbols.append(try r.str()) }
        guard snapSymbols == specs.map(\.symbol) else {
            throw SnapshotError(.configMismatch, "snapshot instruments \(snapSymbols) differ from the configuration's \(specs.map(\.symbol))")
        }
        var snapTiers: [String] = []
        for _ in 0..<Int(try r.u16()) { snapTiers.append(try r.str()) }
        guard snapTiers == config.feeTiers.map(\.name) else {
            throw SnapshotError(.configMismatch, "snapshot fee tiers \(snapTiers) differ from the configuration's \(config.feeTiers.map(\.name))")
        }
        let memory = try r.i64()
        guard memory == Int64(config.clientOrderIdMemory) else {
            throw SnapshotError(.configMismatch, "snapshot remembers \(memory) client order ids, the configuration \(config.clientOrderIdMemory)")
        }
        try checkPricingIdentity(&r)
        let recordedHash = try r.str()
        try codeRiskLimitVersions(&r)

        // Counters and prices.
        try codeCounters(&r)
        for i in 0..<ni { try codeInstrumentPrices(i, &r) }

        // Ledger.
        var restored = Ledger()
        try restored.code(&r)
        let houseBooks: [(BookKey, Int32)] = [(.positionsPool(asset: asset), poolBook), (.houseFees(asset: asset), feesBook),
                                              (.external(asset: asset), externalBook), (.houseRounding(asset: asset), roundingBook),
                                              (.insuranceFund(asset: asset), insuranceBook)]
        for (k, id) in houseBooks where restored.existingBook(k) != id {
            throw .corrupt("ledger book \(k) is not at id \(id)")
        }
        ledger = restored
        let keys = ledger.keys

        // Group names (two names share an id once their groups merged, PERP-3).
        let nGroups = try r.count()
        for _ in 0..<nGroups {
            let name = try r.str(), id = try r.u32()
            guard !name.isEmpty, id < nextGroup, groupIndex.updateValue(id, forKey: name) == nil else { throw .corrupt("group '\(name)' → \(id)") }
        }

        // Accounts (owner lists are kept until the books exist).
        let nAccounts = try r.count()
        guard nAccounts <= Int(UInt32.max) else { throw .corrupt("account count") }
        accounts.reserveCapacity(nAccounts)
        var ownerLists: [[OrderID]] = []        // index a * ni + i
        ownerLists.reserveCapacity(nAccounts * ni)
        for a in 0..<nAccounts {
            let account = UInt32(a)
            let header = try AccountState.codeHeader(nil, &r)
            let name = header.name
            guard !name.isEmpty, accountIndex.updateValue(account, forKey: name) == nil else {
                throw .corrupt("account \(a): name '\(name)' empty or repeated")
            }
            let group = header.group
            guard group < nextGroup else { throw .corrupt("account \(a): group \(group) ≥ nextGroup \(nextGroup)") }
            let feeTier = header.feeTier
            guard feeTier < config.feeTiers.count else { throw .corrupt("account \(a): fee tier \(feeTier)") }
            let cashBook = header.cashBook
            guard cashBook >= 0, Int(cashBook) < keys.count, keys[Int(cashBook)] == .clientCash(account: account, asset: asset) else {
                throw .corrupt("account \(a): cash book \(cashBook)")
            }
            var positions = ContiguousArray<PositionState>()
            positions.reserveCapacity(ni)
            for i in 0..<ni {
                var p = PositionState(leverage: 1)
                try p.code(&r)
                guard (1...specs[i].maxLeverage).contains(p.leverage) else { throw .corrupt("account \(a): leverage \(p.leverage)") }
                if p.isolatedBook != -1 {
                    guard Int(p.isolatedBook) < keys.count,
                          keys[Int(p.isolatedBook)] == .clientIsolatedMargin(account: account, instrument: UInt16(i)) else {
                        throw .corrupt("account \(a): isolated book \(p.isolatedBook)")
                    }
                }
                let n = try r.count()
                guard n == Int(p.openOrders) else { throw .corrupt("account \(a): owner list of \(n) orders, \(p.openOrders) open") }
                var ids: [OrderID] = []
                ids.reserveCapacity(n)
                for _ in 0..<n { ids.append(try r.i64()) }
                ownerLists.append(ids)
                positions.append(p)
            }
            var registry = ClientOrderIdRegistry()
            try registry.code(&r)
            guard registry.finishedInOrder.count <= config.clientOrderIdMemory else {
                throw .corrupt("account \(a): \(registry.finishedInOrder.count) finished client order ids")
            }
            var acct = AccountState(name: name, group: group, feeTier: feeTier, cashBook: cashBook, positions: positions)
            acct.clientOrderIds = registry
            accounts.append(acct)
        }
        let nByOrder = try r.count()
        var previousId = OrderID.min
        for _ in 0..<nByOrder {
            let id = try r.i64(), c = try r.str()
            guard id > previousId else { throw .corrupt("clientIdByOrder not in order id order") }
            previousId = id
            clientIdByOrder[id] = c
        }

        // Books: insert level by level in priority order, so each level's FIFO is kept.
        var ownerOf: [OrderID: UInt32] = [:]       // every open order (resting and conditional)
        var aggregates = [OpenOrderAggregate](repeating: OpenOrderAggregate(), count: nAccounts * ni)
        for i in 0..<ni {
            let book = books[i]
            let spec = specs[i]
            for side in [Side.buy, .sell] {
                var previousPrice: Int64? = nil
                for _ in 0..<(try r.count()) {
                    let order = try RestingOrder.code(nil, side: side, &r)
                    let (id, account, group, price) = (order.orderId, order.account, order.group, order.price)
                    let (quantity, remaining, reduceOnly) = (order.quantity, order.remaining, order.reduceOnly)
                    guard id >= 1, id < nextOrderId, ownerOf.updateValue(account, forKey: id) == nil else {
                        throw .corrupt("\(spec.symbol): resting order id \(id) out of range or repeated")
                    }
                    guard Int(account) < nAccounts, accounts[Int(account)].group == group else {
                        throw .corrupt("\(spec.symbol): order \(id): account \(account) / group \(group)")
                    }
                    guard price > 0, price <= spec.maxPrice, remaining > 0, remaining <= quantity else {
                        throw .corrupt("\(spec.symbol): order \(id): price \(price), quantity \(quantity), remaining \(remaining)")
                    }
                    if let prev = previousPrice, side == .buy ? price > prev : price < prev {
                        throw .corrupt("\(spec.symbol): \(side) orders not in priority order at order \(id)")
                    }
                    previousPrice = price
                    let k = Int(account) * ni + i
                    guard aggregates[k].add(side: side, price: price, remaining: remaining, reduceOnly: reduceOnly) else {
                        throw .corrupt("\(spec.symbol): open-order totals of account \(account) overflow")
                    }
                    var scratchHead: Int32 = -1
                    book.insert(order, ownerHead: &scratchHead)
                }
            }
        }
        // Open-order aggregates must be those of the orders; owner lists are then relinked
        // in their recorded order (it decides the order of reduce-only upkeep events).
        for a in 0..<nAccounts {
            for i in 0..<ni {
                guard aggregates[a * ni + i] == OpenOrderAggregate(kept: accounts[a].positions[i]) else {
                    throw .corrupt("account \(a) on \(specs[i].symbol): open-order totals do not match its resting orders")
                }
                let book = books[i]
                var slots: [Int32] = []
                slots.reserveCapacity(ownerLists[a * ni + i].count)
                var seen = Set<Int32>()
                for id in ownerLists[a * ni + i] {
                    guard let s = book.slot(of: id), book[s].account == UInt32(a), seen.insert(s).inserted else {
                        throw .corrupt("account \(a) on \(specs[i].symbol): owner list names order \(id), not one of its resting orders")
                    }
                    slots.append(s)
                }
                accounts[a].positions[i].orderHead = book.relinkOwnerList(slots)
            }
        }

        // Conditional orders.
        for i in 0..<ni {
            let spec = specs[i]
            for (src, source) in [TriggerSource.mark, .last].enumerated() {
                var previous = OrderID.min
                for _ in 0..<(try r.count()) {
                    let order = try ConditionalOrder.code(nil, source: source, &r)
                    let (id, account, stop, quantity, coid) = (order.orderId, order.account, order.stopPrice, order.quantity,
                                                               order.clientOrderId)
                    guard id > previous, id >= 1, id < nextOrderId, Int(account) < nAccounts,
                          ownerOf.updateValue(account, forKey: id) == nil else {
                        throw .corrupt("\(spec.symbol): conditional order id \(id) out of order, range or repeated")
                    }
                    previous = id
                    guard stop > 0, stop <= spec.maxPrice, quantity > 0, coid == clientIdByOrder[id] else {
                        throw .corrupt("\(spec.symbol): conditional order \(id): stop \(stop), quantity \(quantity) or client order id")
                    }
                    conditionals[i][src].add(order)
                    conditionalLocation[id] = (UInt16(i), source)
                }
            }
        }
        try restorePricing(&r)
        try restoreRisk(&r)
        var restoredCompliance = ComplianceBook(config: config)
        try restoredCompliance.code(&r)
        for a in restoredCompliance.records.keys.sorted() + restoredCompliance.evidence.keys.sorted()
            + restoredCompliance.marketMakers.keys.sorted() where Int(a) >= nAccounts {
            throw .corrupt("compliance state for account \(a), beyond the \(nAccounts) accounts")
        }
        restoredCompliance.recomputeDue(policy: config.classification)
        compliance = restoredCompliance
        var restoredSpot = SpotMarkets(specs: config.spotMarkets, firstId: ni)
        let orderLimit = nextOrderId
        try restoredSpot.code(&r) { o in
            guard o.orderId >= 1, o.orderId < orderLimit, ownerOf.updateValue(o.account, forKey: o.orderId) == nil else {
                return "id out of range or repeated"
            }
            guard Int(o.account) < nAccounts, accounts[Int(o.account)].group == o.group else { return "account \(o.account) / group \(o.group)" }
            return nil
        } acceptsStop: { c in
            guard c.orderId >= 1, c.orderId < orderLimit, Int(c.account) < nAccounts,
                  ownerOf.updateValue(c.account, forKey: c.orderId) == nil else { return "id or account out of range, or id repeated" }
            return c.clientOrderId == clientIdByOrder[c.orderId] ? nil : "client order id"
        }
        for m in restoredSpot.specs.indices {
            for c in restoredSpot.stops[m].all { conditionalLocation[c.orderId] = (UInt16(ni + m), .last) }
        }
        spot = restoredSpot
        let lockProblems = spotLockViolations()
        guard lockProblems.isEmpty else { throw .corrupt("spot locks: \(lockProblems.joined(separator: "; "))") }
        try codeFinancing(&r)
        let financingProblems = financingViolations().filter { !$0.contains("zone") }
        guard financingProblems.isEmpty else { throw .corrupt(financingProblems.joined(separator: "; ")) }
        guard r.atEnd else { throw .corrupt("\(payload.upperBound - r.pos) bytes after the encoded state") }

        // Client order ids: each open id names an open order of its account, and
        // clientIdByOrder is exactly their inverse.
        var liveCount = 0
        for a in 0..<nAccounts {
            for (c, id) in accounts[a].clientOrderIds.live {
                guard ownerOf[id] == UInt32(a), clientIdByOrder[id] == c else {
                    throw .corrupt("account \(a): client order id '\(c)' names order \(id), which is not its open order")
                }
                liveCount += 1
            }
        }
        guard liveCount == clientIdByOrder.count else { throw .corrupt("clientIdByOrder names orders without a client order id") }

        // Positions pool = −Σ cost (RISK-5).
        var cost: Int128 = 0
        for acct in accounts {
            for i in 0..<ni { cost += Int128(acct.positions[i].cost) * Int128(productToAsset[i]) }
        }
        guard Int128(ledger.balance(poolBook)) == -cost else { throw .corrupt("positions pool does not equal −Σ position cost") }

        // The derived liquidation index is built now, as the engine that took the
        // snapshot had it (stateHash() no longer builds it as a side effect).
        rebuildLiquidationIndex()
        let hash = stateHash()
        guard hash == recordedHash else {
            throw SnapshotError(.stateHashMismatch, "restored state hash \(hash) differs from the recorded \(recordedHash)")
        }
    }

}

/// Bounds-checked little-endian reader of snapshot bytes; every overrun is `.truncated`.
struct SnapshotReader {
    let bytes: [UInt8]
    var pos: Int
    let end: Int

    var atEnd: Bool { pos == end }

    @inline(__always)
    mutating func need(_ n: Int) throws(Engine.SnapshotError) {
        if n < 0 || end - pos < n { throw Engine.SnapshotError(.truncated, "snapshot truncated at byte \(pos)") }
    }
    mutating func u8() throws(Engine.SnapshotError) -> UInt8 {
        try need(1); defer { pos += 1 }
        return bytes[pos]
    }
    mutating func bool() throws(Engine.SnapshotError) -> Bool {
        let b = try u8()
        guard b <= 1 else { throw .corrupt("byte \(pos - 1): boolean \(b)") }
        return b == 1
    }
    mutating func u16() throws(Engine.SnapshotError) -> UInt16 {
        try need(2); defer { pos += 2 }
        return UInt16(bytes[pos]) | UInt16(bytes[pos + 1]) << 8
    }
    mutating func u32() throws(Engine.SnapshotError) -> UInt32 {
        try need(4)
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[pos + k]) << UInt32(8 * k) }
        pos += 4
        return v
    }
    mutating func i32() throws(Engine.SnapshotError) -> Int32 { Int32(bitPattern: try u32()) }
    mutating func i64() throws(Engine.SnapshotError) -> Int64 {
        try need(8)
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[pos + k]) << UInt64(8 * k) }
        pos += 8
        return Int64(bitPattern: v)
    }
    /// A count of following items; each takes at least one byte, so a count larger than
    /// what is left is a truncation (and never a huge allocation).
    mutating func count() throws(Engine.SnapshotError) -> Int {
        let n = Int(try u32())
        try need(n)
        return n
    }
    mutating func str() throws(Engine.SnapshotError) -> String {
        let n = Int(try u32())
        try need(n)
        defer { pos += n }
        guard let s = String(validating: bytes[pos..<pos + n], as: UTF8.self) else {
            throw .corrupt("byte \(pos): invalid UTF-8")
        }
        return s
    }
    mutating func optStr() throws(Engine.SnapshotError) -> String? { try bool() ? try str() : nil }
    mutating func bytes(_ n: Int) throws(Engine.SnapshotError) -> ArraySlice<UInt8> {
        try need(n); defer { pos += n }
        return bytes[pos..<pos + n]
    }
    mutating func bookKey() throws(Engine.SnapshotError) -> BookKey {
        switch try u8() {
        case 0: return .clientCash(account: try u32(), asset: try str())
        case 1: return .clientIsolatedMargin(account: try u32(), instrument: try u16())
        case 2: return .positionsPool(asset: try str())
        case 3: return .houseFees(asset: try str())
        case 4: return .insuranceFund(asset: try str())
        case 5: return .houseRounding(asset: try str())
        case 6: return .external(asset: try str())
        case 7: return .fundingClearing(asset: try str())
        case 8: return .clientLocked(account: try u32(), asset: try str())
        case 9: return .loanCollateral(loan: try i64(), asset: try str())
        case 10: return .loanPrincipal(loan: try i64(), asset: try str())
        case 11: return .loanInterest(loan: try i64(), asset: try str())
        case 12: return .interestIncome(asset: try str())
        case let tag: throw .corrupt("byte \(pos - 1): unknown ledger book kind \(tag)")
        }
    }
}
