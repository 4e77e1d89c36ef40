import HarbourCore

/// Margin add-ons by volatility level (RISK-6): each step says "from this volatility
/// upward, add this rate to the initial/maintenance margin rate".
public struct MarginAddOnSchedule: Sendable, Hashable {
    /// One step: the add-on applies when volatility ≥ `threshold`.
    public struct Step: Sendable, Hashable {
        public let threshold: Rate
        public let addOn: Rate
        public init(threshold: Rate, addOn: Rate) {
            self.threshold = threshold
            self.addOn = addOn
        }
    }

    /// Steps by strictly increasing threshold, with non-decreasing add-ons.
    public let steps: [Step]

    public init(steps: [Step]) {
        for i in steps.indices.dropFirst() {
            precondition(steps[i].threshold > steps[i - 1].threshold, "thresholds must increase")
            precondition(steps[i].addOn >= steps[i - 1].addOn, "add-ons must not decrease")
        }
        self.steps = steps
    }

    /// The add-on of the highest step whose threshold is ≤ `volatility`; zero below all.
    public func addOn(for volatility: Rate) -> Rate {
        var result = Rate.zero
        for s in steps {
            if volatility >= s.threshold { result = s.addOn } else { break }
        }
        return result
    }
}
