import HarbourCore
import Matching
@testable import Engine

/// A deliberately simple, separately written model of the venue's matching rules, for
/// the property test: resting orders in a flat array, best order found by scanning,
/// positions as plain sizes. It decides everything the engine decides except margin and
/// position limits, which it takes from the engine's answer (the oracle codes).
final class ReferenceVenue {
    struct Order {
        var id: OrderID
        var account: UInt32
        var group: UInt32
        var side: Side
        var price: Int64
        var quantity: Int64
        var remaining: Int64
        var reduceOnly: Bool
        var priority: Int64
    }
    struct Stop {
        var id: OrderID
        var account: UInt32
        var side: Side
        var type: OrderType
        var stop: Int64
        var limit: Int64
        var quantity: Int64
        var reduceOnly: Bool
        var tif: TimeInForce
        var stp: SelfTradePrevention
        var coid: String?
        var firesOnRise: Bool {
            (type == .stopMarket || type == .stopLimit) ? side == .buy : side == .sell
        }
    }
    struct Outcome: Equatable {
        var trades: [[Int64]] = []        // [maker, taker, price, qty]
        var rejections: [String] = []
        var accepted: [OrderID] = []
        var expiries: [String] = []       // "id:reason"
    }

    let specs: [InstrumentSpec]
    var books: [[Order]]
    var stops: [[Stop]]
    var marks: [Int64]
    var sizes: [[Int64]]
    var groups: [UInt32]
    var coidsLive: [[String: OrderID]]
    var coidsUsed: [Set<String>]
    var coidOf: [OrderID: String] = [:]
    var nextId: OrderID = 1
    var priority: Int64 = 0
    var out = Outcome()
    var touched: [(UInt32, Int)] = []
    /// The engine's rejection per order id (-1: the command's new order), for the
    /// decisions the reference does not model itself.
    var oracle: [Int64: String] = [:]

    func oracleCode(_ key: Int64) -> RejectCode? {
        guard let c = oracle[key], c == RejectCode.insufficientMargin.rawValue || c == RejectCode.positionLimitExceeded.rawValue else { return nil }
        return RejectCode(rawValue: c)
    }

    init(specs: [InstrumentSpec], groups: [UInt32]) {
        self.specs = specs
        books = specs.map { _ in [] }
        stops = specs.map { _ in [] }
        marks = specs.map { _ in 0 }
        sizes = groups.map { _ in specs.map { _ in 0 } }
        self.groups = groups
        coidsLive = groups.map { _ in [:] }
        coidsUsed = groups.map { _ in [] }
    }

    /// Applies a command; `oracle` is the engine's rejection code, consulted only for
    /// margin and position-limit decisions.
    func apply(_ c: Command, oracle: [Int64: String]) -> Outcome {
        self.oracle = oracle
        out = Outcome()
        touched = []
        switch c {
        case .placeOrder(let o): place(o)
        case let .cancelOrder(a, i, ref): cancel(a.index, Int(i.index), ref)
        case let .cancelAll(a, _):
            for i in specs.indices {
                for o in books[i].filter({ $0.account == a.index }).sorted(by: { $0.id < $1.id }) { remove(o.id, i) }
                for s in stops[i].filter({ $0.account == a.index }).sorted(by: { $0.id < $1.id }) { finishCoid(s.id, a.index); stops[i].removeAll { $0.id == s.id } }
            }
        case let .amendOrder(a, i, ref, p, q): amend(a.index, Int(i.index), ref, p, q)
        case let .markPrice(i, p):
            marks[Int(i.index)] = p
            let ii = Int(i.index)
            let fired = stops[ii].filter { $0.firesOnRise ? p >= $0.stop : p <= $0.stop }.sorted { $0.id < $1.id }
            stops[ii].removeAll { s in fired.contains { $0.id == s.id } }
            for s in fired {
                let type: OrderType = (s.type == .stopLimit || s.type == .takeProfitLimit) ? .limit : .market
                let o = PlaceOrder(account: AccountID(s.account), instrument: i, side: s.side, type: type,
                                   timeInForce: type == .limit ? s.tif : .ioc, price: type == .limit ? s.limit : 0,
                                   quantity: s.quantity, reduceOnly: s.reduceOnly, stp: s.stp, clientOrderId: s.coid)
                activate(o, id: s.id)
            }
        default: break
        }
        enforceReduceOnly()
        return out
    }

    func reject(_ code: RejectCode) { out.rejections.append(code.rawValue) }

    func finishCoid(_ id: OrderID, _ a: UInt32) {
        if let c = coidOf.removeValue(forKey: id) { coidsLive[Int(a)].removeValue(forKey: c) }
    }

    func place(_ o: PlaceOrder) {
        let a = Int(o.account.index), i = Int(o.instrument.index), spec = specs[i]
        if let c = o.clientOrderId, coidsUsed[a].contains(c) { return reject(.duplicateClientOrderId) }
        if o.quantity <= 0 { return reject(.invalidQuantity) }
        if o.quantity % spec.lotSize != 0 { return reject(.quantityOffLot) }
        if o.quantity < spec.minQuantity { return reject(.quantityBelowMinimum) }
        if o.quantity > spec.maxQuantity { return reject(.quantityAboveMaximum) }
        if o.type.hasLimitPrice {
            if o.price <= 0 || o.price > spec.maxPrice { return reject(.invalidPrice) }
            if o.price % spec.tickSize != 0 { return reject(.priceOffTick) }
        }
        if o.type.isConditional {
            if o.stopPrice <= 0 || o.stopPrice > spec.maxPrice { return reject(.invalidPrice) }
            if o.stopPrice % spec.tickSize != 0 { return reject(.priceOffTick) }
            let s = Stop(id: 0, account: o.account.index, side: o.side, type: o.type, stop: o.stopPrice, limit: o.price,
                         quantity: o.quantity, reduceOnly: o.reduceOnly, tif: o.timeInForce, stp: o.stp, coid: o.clientOrderId)
            if s.firesOnRise ? marks[i] >= s.stop : marks[i] <= s.stop { return reject(.stopWouldTriggerImmediately) }
            var st = s
            st.id = nextId
            nextId += 1
            stops[i].append(st)
            registerCoid(o.clientOrderId, st.id, a)
            out.accepted.append(st.id)
            return
        }
        guard let code = preTrade(o, key: -1) else {
            let id = nextId
            nextId += 1
            registerCoid(o.clientOrderId, id, a)
            out.accepted.append(id)
            execute(o, id: id)
            return
        }
        reject(code)
    }

    func registerCoid(_ c: String?, _ id: OrderID, _ a: Int) {
        guard let c else { return }
        coidsUsed[a].insert(c)
        coidsLive[a][c] = id
        coidOf[id] = c
    }

    func bandOK(_ price: Int64, _ i: Int) -> Bool {
        let w = Int64((Int128(marks[i]) * Int128(specs[i].priceBand.raw)) / 100_000_000)
        return price >= marks[i] - w && price <= marks[i] + w
    }

    func marketLimit(_ i: Int, _ side: Side) -> Int64 {
        let spec = specs[i]
        let w = Int64((Int128(marks[i]) * Int128(spec.marketProtection.raw)) / 100_000_000)
        if side == .buy { let p = min(marks[i] + w, spec.maxPrice); return p - p % spec.tickSize }
        let p = marks[i] - w
        return p % spec.tickSize == 0 ? p : p - p % spec.tickSize + spec.tickSize
    }

    func reducible(_ a: UInt32, _ i: Int, _ side: Side) -> Int64 {
        side == .sell ? max(0, sizes[Int(a)][i]) : max(0, -sizes[Int(a)][i])
    }

    func best(_ i: Int, _ side: Side) -> Int? {
        var bi: Int?
        for (k, o) in books[i].enumerated() where o.side == side {
            guard let b = bi else { bi = k; continue }
            let ob = books[i][b]
            let better = side == .buy ? o.price > ob.price : o.price < ob.price
            if better || (o.price == ob.price && o.priority < ob.priority) { bi = k }
        }
        return bi
    }

    func preTrade(_ o: PlaceOrder, key: Int64) -> RejectCode? {
        let i = Int(o.instrument.index), spec = specs[i]
        if o.type.hasLimitPrice && !bandOK(o.price, i) { return .priceOutsideBand }
        if o.reduceOnly && o.quantity > reducible(o.account.index, i, o.side) { return .reduceOnlyWouldIncrease }
        if o.timeInForce == .postOnly, let b = best(i, o.side.opposite) {
            let p = books[i][b].price
            if o.side == .buy ? o.price >= p : o.price <= p { return .postOnlyWouldTake }
        }
        let open = books[i].filter { $0.account == o.account.index }.count
        if o.type == .limit && (o.timeInForce == .gtc || o.timeInForce == .postOnly) && open >= spec.maxOpenOrders { return .tooManyOpenOrders }
        // Margin and position limit: the engine is the oracle.
        if !o.reduceOnly, let code = oracleCode(key) { return code }
        return nil
    }

    func activate(_ o: PlaceOrder, id: OrderID) {
        if let code = preTrade(o, key: id) {
            reject(code)
            finishCoid(id, o.account.index)
            return
        }
        execute(o, id: id)
    }

    func execute(_ o: PlaceOrder, id: OrderID) {
        let i = Int(o.instrument.index)
        let limit = o.type.hasLimitPrice ? o.price : marketLimit(i, o.side)
        var remaining = o.quantity
        let group = groups[Int(o.account.index)]
        if o.timeInForce == .fok {
            var avail: Int64 = 0
            var stopped = false
            for m in books[i].filter({ $0.side == o.side.opposite && (o.side == .buy ? $0.price <= limit : $0.price >= limit) })
                .sorted(by: { ($0.side == .buy ? $0.price > $1.price : $0.price < $1.price) || ($0.price == $1.price && $0.priority < $1.priority) }) {
                if stopped { break }
                if m.group == group { if o.stp != .expireMaker { stopped = true }; continue }
                avail += m.remaining
            }
            if avail < remaining { out.expiries.append("\(id):FOK"); finishCoid(id, o.account.index); return }
        }
        var stp = false
        (remaining, stp) = sweep(id: id, account: o.account.index, group: group, i: i, side: o.side, limit: limit, remaining: remaining, mode: o.stp)
        if remaining == 0 { finishCoid(id, o.account.index); return }
        if stp { out.expiries.append("\(id):STP"); finishCoid(id, o.account.index); return }
        if o.type.hasLimitPrice && (o.timeInForce == .gtc || o.timeInForce == .postOnly) {
            priority += 1
            books[i].append(Order(id: id, account: o.account.index, group: group, side: o.side, price: limit, quantity: o.quantity,
                                  remaining: remaining, reduceOnly: o.reduceOnly, priority: priority))
        } else {
            out.expiries.append("\(id):\(o.type.hasLimitPrice ? o.timeInForce.name : "IOC")")
            finishCoid(id, o.account.index)
        }
    }

    func sweep(id: OrderID, account: UInt32, group: UInt32, i: Int, side: Side, limit: Int64, remaining r: Int64,
               mode: SelfTradePrevention) -> (Int64, Bool) {
        var remaining = r
        while remaining > 0, let b = best(i, side.opposite) {
            let m = books[i][b]
            if side == .buy ? m.price > limit : m.price < limit { break }
            if m.group == group {
                if mode != .expireTaker { out.expiries.append("\(m.id):STP"); remove(m.id, i, silent: true) }
                if mode != .expireMaker { return (remaining, true) }
                continue
            }
            var q = min(remaining, m.remaining)
            if m.reduceOnly {
                let cap = reducible(m.account, i, m.side)
                if cap == 0 { out.expiries.append("\(m.id):REDUCE_ONLY"); remove(m.id, i, silent: true); continue }
                q = min(q, cap)
            }
            out.trades.append([m.id, id, m.price, q])
            sizes[Int(m.account)][i] += m.side.sign * q
            sizes[Int(account)][i] += side.sign * q
            touch(m.account, i)
            touch(account, i)
            remaining -= q
            books[i][b].remaining -= q
            if books[i][b].remaining == 0 {
                books[i].remove(at: b)
                finishCoid(m.id, m.account)
            } else if m.reduceOnly && q < min(remaining + q, m.remaining) {
                out.expiries.append("\(m.id):REDUCE_ONLY")
                remove(m.id, i, silent: true)
            }
        }
        return (remaining, false)
    }

    func touch(_ a: UInt32, _ i: Int) {
        if !touched.contains(where: { $0 == (a, i) }) { touched.append((a, i)) }
    }

    func enforceReduceOnly() {
        for (a, i) in touched {
            for o in books[i] where o.account == a && o.reduceOnly {
                let cap = reducible(a, i, o.side)
                if cap == 0 {
                    out.expiries.append("\(o.id):REDUCE_ONLY")
                    remove(o.id, i, silent: true)
                } else if o.remaining > cap, let k = books[i].firstIndex(where: { $0.id == o.id }) {
                    books[i][k].quantity -= o.remaining - cap
                    books[i][k].remaining = cap
                }
            }
        }
    }

    func remove(_ id: OrderID, _ i: Int, silent: Bool = false) {
        guard let k = books[i].firstIndex(where: { $0.id == id }) else { return }
        let o = books[i].remove(at: k)
        finishCoid(id, o.account)
    }

    func resolve(_ a: UInt32, _ ref: OrderRef) -> OrderID? {
        switch ref {
        case .id(let x): return x
        case .client(let c): return coidsLive[Int(a)][c]
        }
    }

    func cancel(_ a: UInt32, _ i: Int, _ ref: OrderRef) {
        guard let id = resolve(a, ref) else { return reject(.unknownOrder) }
        if books[i].contains(where: { $0.id == id && $0.account == a }) { return remove(id, i) }
        if stops[i].contains(where: { $0.id == id && $0.account == a }) {
            stops[i].removeAll { $0.id == id }
            finishCoid(id, a)
            return
        }
        reject(.unknownOrder)
    }

    func amend(_ a: UInt32, _ i: Int, _ ref: OrderRef, _ p: Int64?, _ q: Int64?) {
        let spec = specs[i]
        guard let id = resolve(a, ref) else { return reject(.unknownOrder) }
        guard let k = books[i].firstIndex(where: { $0.id == id && $0.account == a }) else {
            return reject(stops[i].contains(where: { $0.id == id && $0.account == a }) ? .orderNotAmendable : .unknownOrder)
        }
        let o = books[i][k]
        let filled = o.quantity - o.remaining
        let np = p ?? o.price, nq = q ?? o.quantity
        if p == nil && q == nil { return reject(.malformedCommand) }
        if np <= 0 || np > spec.maxPrice { return reject(.invalidPrice) }
        if np % spec.tickSize != 0 { return reject(.priceOffTick) }
        if nq <= 0 || nq % spec.lotSize != 0 || nq > spec.maxQuantity { return reject(nq % spec.lotSize != 0 ? .quantityOffLot : .invalidQuantity) }
        if nq <= filled { return reject(.invalidQuantity) }
        let nr = nq - filled
        if np == o.price && nr <= o.remaining {
            books[i][k].remaining = nr
            books[i][k].quantity = nq
            return
        }
        if !bandOK(np, i) { return reject(.priceOutsideBand) }
        if o.reduceOnly {
            if nr > reducible(a, i, o.side) { return reject(.reduceOnlyWouldIncrease) }
        } else if let code = oracleCode(id) {
            return reject(code)
        }
        books[i].remove(at: k)
        var (remaining, stp) = sweep(id: id, account: a, group: groups[Int(a)], i: i, side: o.side, limit: np, remaining: nr, mode: .expireTaker)
        if remaining == 0 { finishCoid(id, a); return }
        if stp { out.expiries.append("\(id):STP"); finishCoid(id, a); remaining = 0; return }
        priority += 1
        books[i].append(Order(id: id, account: a, group: o.group, side: o.side, price: np, quantity: nq, remaining: remaining,
                              reduceOnly: o.reduceOnly, priority: priority))
    }

    /// Resting orders of one side in priority order: (id, price, remaining).
    func resting(_ i: Int, _ side: Side) -> [[Int64]] {
        books[i].filter { $0.side == side }
            .sorted { (side == .buy ? $0.price > $1.price : $0.price < $1.price) || ($0.price == $1.price && $0.priority < $1.priority) }
            .map { [$0.id, $0.price, $0.remaining] }
    }
}
