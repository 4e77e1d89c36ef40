import ArgumentParser
import Foundation
import Logging
import Sequencer

extension ServeSupport {
    /// PERP-1 at start: the configuration must be the latest version recorded in the data
    /// directory (`ConfigHistory`). A changed configuration is refused here, naming every
    /// changed path, unless `reason` says why. Nothing is written: `recordConfigVersion`
    /// records a first or changed version once the venue has recovered with it.
    static func checkConfigVersion(_ configuration: Data, dataDirectory: URL, reason: String?) throws -> ConfigHistory.Check {
        let check = try ConfigHistory(dataDirectory: dataDirectory).check(configuration)
        guard case let .changed(latest, changes) = check, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty else { return check }
        throw ConfigChanged(description: """
            CONFIG_CHANGED: the configuration differs from version \(latest.version) recorded in \
            \(dataDirectory.appendingPathComponent("config").path) (\(latest.recordedAt), "\(latest.reason)"):
              \(changes.joined(separator: "\n  "))
            A live venue's configuration changes by recorded versions, never silently: start with \
            --accept-config-change "why" to record this as version \(latest.version + 1), or start with \
            version \(latest.version)'s file (config/v\(latest.version).json in the data directory). A contract's \
            risk limits (maxLeverage, tiers, positionLimit, openInterestCap) change on a running venue by a four-eyes \
            request instead (POST /v1/risk/instruments/{symbol}/limit-requests), in force from its sequence number on; \
            a file change applies to the whole journal when it is replayed.
            """)
    }

    /// Records the version `check` found to be new (first start, or an accepted change);
    /// returns the version the venue runs.
    static func recordConfigVersion(_ check: ConfigHistory.Check, _ configuration: Data, dataDirectory: URL, reason: String?,
                                    logger: Logger) throws -> ConfigHistory.Version {
        let history = ConfigHistory(dataDirectory: dataDirectory)
        switch check {
        case .unchanged(let latest):
            return latest
        case .first:
            let v = try history.record(configuration, reason: reason ?? "first start")
            logger.notice("configuration version recorded", metadata: ["version": "1", "fingerprint": "\(v.fingerprint.prefix(16))"])
            return v
        case .changed(_, let changes):
            let v = try history.record(configuration, reason: reason ?? "")
            logger.notice("configuration version recorded", metadata: [
                "version": "\(v.version)", "fingerprint": "\(v.fingerprint.prefix(16))", "reason": "\(reason ?? "")",
                "changes": "\(changes.joined(separator: "; "))",
            ])
            return v
        }
    }
}

/// A start refused because the configuration differs from the recorded version (PERP-1):
/// printed as the error alone (not with the command's usage, which is not what is wrong).
struct ConfigChanged: Error, CustomStringConvertible {
    let description: String
}
