import Engine
import HarbourCore

extension VenueHost {
    /// Why an onboarding sequence did not complete: the command refused and its rejection.
    public struct OnboardingRefused: Error, CustomStringConvertible {
        public let rejection: Rejection
        public var description: String { "onboarding refused: \(rejection)" }
    }

    /// Onboards account `name` as an individual professional investor through the ordinary
    /// journaled commands of `Onboarding.individual` (evidence, a maker's proposal, a
    /// different checker's approval, knowledge assessment, disclosure acknowledgements).
    /// For demo accounts and tests; staff onboard real clients through the operator API.
    public func onboardIndividual(_ name: String, maker: String = "onboarding-maker",
                                  checker: String = "onboarding-checker") async throws {
        let commands = try await read { engine -> [Command] in
            guard let id = engine.accountID(named: name) else { return [] }
            return Onboarding.individual(id, name: name, engine: engine, at: max(engine.lastTimestamp, 0), maker: maker, checker: checker)
        }
        guard !commands.isEmpty else { throw OnboardingRefused(rejection: Rejection(.unknownAccount, "unknown account '\(name)'")) }
        try await submitAll(commands)
    }

    /// Onboards account `name` as an institutional professional investor (licence reference).
    public func onboardInstitution(_ name: String, licence: String, maker: String = "onboarding-maker",
                                   checker: String = "onboarding-checker") async throws {
        let commands = try await read { engine -> [Command] in
            guard let id = engine.accountID(named: name) else { return [] }
            return Onboarding.institutional(id, name: name, licence: licence, engine: engine, maker: maker, checker: checker)
        }
        guard !commands.isEmpty else { throw OnboardingRefused(rejection: Rejection(.unknownAccount, "unknown account '\(name)'")) }
        try await submitAll(commands)
    }

    private func submitAll(_ commands: [Command]) async throws {
        for command in commands {
            let outcome = try await submit(command)
            for case let .rejected(r, _, _, _) in outcome.events { throw OnboardingRefused(rejection: r) }
        }
    }
}
