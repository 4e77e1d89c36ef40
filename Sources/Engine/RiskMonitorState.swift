import HarbourCore
import Risk

/// Engine state of platform risk monitoring (RISK-6): per-instrument EWMA volatility and
/// the margin add-on in force, when the next sweep is due, and the alerts raised. All of
/// it is in the state hash and in snapshots, from one description (`code(_:)`).
struct RiskMonitorState {
    var volatility: [EWMAVolatility]
    /// Margin add-on per instrument, raw Rate (read by every margin computation).
    var addOns: [Int64]
    /// Next sweep (ms since the epoch, a multiple of the sweep interval); Int64.max until
    /// the first mark price exists.
    var nextSweepAtMs: Int64 = .max
    /// Raised alerts by condition.
    var active: [RiskAlertKey: RiskAlert] = [:]
    /// Accounts whose margin requirements changed outside a command's own effects (an
    /// add-on step): checked for liquidation at the end of the command. Transient: empty
    /// between commands, so neither snapshotted nor hashed.
    var pendingChecks: [UInt32] = []
    /// A sweep spread over commands, in progress (nil: none; see `RiskSweepPass`).
    var pass: RiskSweepPass?
    /// From the configuration: the EWMA decay and the largest add-on per instrument.
    let lambda: Rate
    let maxAddOns: [Int64]
    let scenarios: Int

    init(params: RiskParameters, instruments: Int) {
        volatility = (0..<instruments).map { _ in EWMAVolatility(lambda: params.ewmaLambda) }
        addOns = Array(repeating: 0, count: instruments)
        lambda = params.ewmaLambda
        maxAddOns = params.instruments.map(\.maxAddOn.raw)
        scenarios = params.stressShocks.count
    }

    /// What must hold between commands (part of `Engine.invariantViolations()`).
    func invariantViolations() -> [String] {
        var problems: [String] = []
        if nextSweepAtMs != .max && !Engine.saneTimes.contains(nextSweepAtMs) { problems.append("risk sweep time \(nextSweepAtMs)") }
        for i in addOns.indices where addOns[i] < 0 || addOns[i] > maxAddOns[i] {
            problems.append("instrument \(i): margin add-on \(addOns[i]) outside 0...\(maxAddOns[i])")
        }
        for (key, alert) in active where alert.key != key { problems.append("alert \(key) filed under another key") }
        if let pass, pass.cursor < 0 || pass.cursor > pass.accounts || pass.openInterest.contains(where: { $0 < 0 }) {
            problems.append("risk sweep pass at \(pass.cursor) of \(pass.accounts)")
        }
        return problems
    }
}

extension RiskMonitorState: StateCoding {
    /// nextSweepAtMs (written as −nextSweepAtMs − 1 while a sweep pass is in progress, the
    /// pass then following the alerts: a state without one hashes as before passes existed);
    /// per instrument: EWMA variance (hi, lo words), last price (0: none),
    /// return count, add-on; the raised alerts in key order (instrument, account,
    /// threshold, value, kind, evidence fields). Every integer is one word in the hash.
    mutating func code<Coder: StateCoder>(_ coder: inout Coder) throws(Engine.SnapshotError) {
        var stamp = pass == nil ? nextSweepAtMs : -nextSweepAtMs - 1
        try coder.code(&stamp)
        let passFollows = stamp < 0
        nextSweepAtMs = passFollows ? -(stamp + 1) : stamp
        try coder.require(nextSweepAtMs == .max || Engine.saneTimes.contains(nextSweepAtMs), "risk sweep time \(nextSweepAtMs)")
        for i in volatility.indices {
            let kept = volatility[i]
            var high = Int64(truncatingIfNeeded: kept.variance >> 64), low = Int64(truncatingIfNeeded: kept.variance)
            var last = kept.lastPrice?.raw ?? 0, samples = kept.returnCount
            try coder.code(&high); try coder.code(&low); try coder.code(&last); try coder.code(&samples)
            try coder.code(&addOns[i])
            guard coder.isReading else { continue }
            let variance = Int128(high) << 64 | Int128(UInt64(bitPattern: low))
            try coder.require(variance >= 0 && last >= 0 && samples >= 0 && addOns[i] >= 0 && addOns[i] <= maxAddOns[i],
                              "instrument \(i): risk state out of range")
            volatility[i] = EWMAVolatility(lambda: lambda, variance: variance, lastPrice: last > 0 ? Price(raw: last) : nil,
                                           returnCount: samples)
        }
        let alerts = coder.isReading ? [] : active.sorted { $0.key < $1.key }.map(\.value)
        var count = alerts.count
        try coder.codeCount(&count)
        for k in 0..<count {
            let alert = try Self.code(alert: coder.isReading ? nil : alerts[k], &coder, instruments: volatility.count)
            if coder.isReading {
                try coder.require(active.updateValue(alert, forKey: alert.key) == nil, "alert repeated")
            }
        }
        guard passFollows else { return }
        var sweep = pass ?? RiskSweepPass(startedAtMs: 0, accounts: 1, instruments: volatility.count, scenarios: scenarios)
        try sweep.code(&coder)
        pass = sweep
    }

    /// One raised alert: written from `alert`, or read (`alert` nil) and returned.
    private static func code<Coder: StateCoder>(alert: RiskAlert?, _ coder: inout Coder, instruments: Int) throws(Engine.SnapshotError) -> RiskAlert {
        let key = alert?.key
        var instrument = Int64(key?.instrument ?? 0), account = key?.account ?? 0
        var threshold = alert?.threshold.raw ?? 0, value = alert?.value.raw ?? 0, kind = Int64(key?.kind.rawValue ?? 0)
        try coder.code(&instrument); try coder.code(&account); try coder.code(&threshold); try coder.code(&value)
        try coder.code(&kind)
        try coder.require(instrument >= -1 && instrument < Int64(instruments) && account >= -1,
                          "alert about instrument \(instrument) / account \(account)")
        var fields: [Int64]
        switch alert?.evidence {
        case let .volatility(v, addOn, samples): fields = [v.raw, addOn.raw, samples]
        case let .concentration(position, oi): fields = [position, oi]
        case let .openInterest(oi, cap): fields = [oi, cap]
        case let .insuranceCoverage(shock, shortfall, fund, n): fields = [shock.raw, shortfall, fund, Int64(n)]
        case nil:
            switch kind {
            case 1: fields = [0, 0, 0]
            case 2, 3: fields = [0, 0]
            case 4: fields = [0, 0, 0, 0]
            default: throw .corrupt("alert kind \(kind)")
            }
        }
        for j in fields.indices { try coder.code(&fields[j]) }
        if let alert { return alert }
        let evidence: RiskEvidence
        switch kind {
        case 1: evidence = .volatility(volatility: Rate(raw: fields[0]), addOn: Rate(raw: fields[1]), samples: fields[2])
        case 2: evidence = .concentration(position: fields[0], openInterest: fields[1])
        case 3: evidence = .openInterest(openInterest: fields[0], cap: fields[1])
        default:
            try coder.require(fields[3] >= 0 && fields[3] <= Int64(Int32.max), "alert accounts in shortfall \(fields[3])")
            evidence = .insuranceCoverage(shock: Rate(raw: fields[0]), shortfall: fields[1], insuranceFund: fields[2],
                                          accountsInShortfall: Int(fields[3]))
        }
        return RiskAlert(raised: true, instrument: instrument >= 0 ? InstrumentID(UInt16(instrument)) : nil,
                         account: account >= 0 ? AccountID(UInt32(account)) : nil,
                         threshold: Rate(raw: threshold), value: Rate(raw: value), evidence: evidence)
    }
}
