import Foundation
import HarbourCore
import Testing
@testable import Engine

/// The margin-financing disclosure in the engine (REG-1, PI-2, FIN): once the venue
/// publishes one, a drawdown needs its current version acknowledged; a new version needs
/// a new acknowledgement; versions only go up; the version is engine state (snapshot and
/// state hash) and a state without one encodes as before it existed.
@Suite struct FinancingDisclosureEngineTests {
    typealias V = FinancingVenue
    static let t1 = V.t0 + 1000

    static func publish(_ v: V, _ version: Int64, at ts: Int64 = t1) -> [Event] {
        v.run(ts, "publishDisclosure", ["symbol": "MARGIN-FINANCING", "version": version, "by": "disclosure-library"])
    }

    static func acknowledge(_ v: V, _ version: Int64, at ts: Int64 = t1) -> [Event] {
        v.run(ts, "acknowledgeDisclosure", ["account": "alice", "symbol": "MARGIN-FINANCING", "version": version])
    }

    static func draw(_ v: V, _ amount: String, at ts: Int64 = t1) -> [Event] {
        v.run(ts, "loanDrawdown", ["account": "alice", "loan": 1, "amount": amount])
    }

    @Test func aPublishedDisclosureMustBeAcknowledgedBeforeADrawdown() throws {
        let v = V.withLoan(draw: "0")
        #expect(v.engine.financingDisclosureVersion == 0)
        let published = Self.publish(v, 1)
        #expect(published.contains { if case .compliance(.financingDisclosurePublished(1, "disclosure-library")) = $0 { true } else { false } })
        #expect(v.engine.financingDisclosureVersion == 1)

        let hashBefore = v.engine.stateHash(), cashBefore = v.engine.balance(v.alice, asset: "USD")
        let refused = try #require(V.rejection(Self.draw(v, "10000")))
        #expect(refused.code == .disclosureNotAcknowledged)
        #expect(refused.message.contains("acknowledge version 1 of the MARGIN-FINANCING disclosure"))
        #expect(v.engine.balance(v.alice, asset: "USD") == cashBefore)
        #expect(v.loan.principal.raw == 0)
        #expect(v.engine.stateHash() == hashBefore, "a refused drawdown changes nothing")

        let wrong = try #require(V.rejection(Self.acknowledge(v, 2)))
        #expect(wrong.code == .disclosureVersionNotCurrent)
        #expect(wrong.message.contains("read and acknowledge version 1"))

        let ack = Self.acknowledge(v, 1)
        #expect(V.rejection(ack) == nil)
        #expect(ack.contains { if case .compliance(.financingDisclosureAcknowledged(_, 1)) = $0 { true } else { false } })
        #expect(v.engine.complianceRecord(v.alice)?.acknowledgements["MARGIN-FINANCING"]?.version == 1)
        #expect(V.rejection(Self.draw(v, "10000")) == nil)
        #expect(v.loan.principal.raw == 10_000_000_000)
    }

    @Test func aNewVersionNeedsANewAcknowledgementButRepaymentGoesOn() throws {
        let v = V.withLoan(draw: "0")
        _ = Self.publish(v, 1)
        _ = Self.acknowledge(v, 1)
        #expect(V.rejection(Self.draw(v, "10000")) == nil)
        _ = Self.publish(v, 2)
        let refused = try #require(V.rejection(Self.draw(v, "1000")))
        #expect(refused.code == .disclosureNotAcknowledged)
        #expect(refused.message.contains("changed: read and acknowledge version 2 (you acknowledged 1)"))
        // Reducing the loan never needs the disclosure.
        #expect(V.rejection(v.run(Self.t1, "loanRepay", ["account": "alice", "loan": 1, "amount": "1000"])) == nil)
        _ = Self.acknowledge(v, 2)
        #expect(V.rejection(Self.draw(v, "1000")) == nil)
    }

    @Test func versionsOnlyGoUpAndNeedFinancingAndAStaffName() throws {
        let v = V.withLoan(draw: "0")
        _ = Self.publish(v, 3)
        let same = try #require(V.rejection(Self.publish(v, 3)))
        #expect(same.code == .disclosureVersionNotCurrent)
        #expect(same.message.contains("above the current 3"))
        #expect(V.rejection(Self.publish(v, 2))?.code == .disclosureVersionNotCurrent)
        #expect(V.rejection(v.run(Self.t1, "publishDisclosure", ["symbol": "MARGIN-FINANCING", "version": 4, "by": ""])) != nil)
        #expect(v.engine.financingDisclosureVersion == 3)

        var config = VenueConfig.standard
        config.financing = nil
        let plain = V(config: config)
        plain.run(V.t0, "openAccount", ["account": "alice"])
        #expect(V.rejection(Self.publish(plain, 1))?.code == .financingDisabled)
        #expect(V.rejection(Self.acknowledge(plain, 1))?.code == .disclosureVersionNotCurrent)
    }

    @Test func theVersionIsEngineStateAndAbsentEncodesAsBefore() throws {
        let v = V.withLoan(draw: "0")
        let unpublished = V.withLoan(draw: "0")
        #expect(v.engine.stateHash() == unpublished.engine.stateHash())
        _ = Self.publish(v, 2)
        _ = Self.publish(unpublished, 2)
        #expect(v.engine.stateHash() == unpublished.engine.stateHash())
        _ = Self.acknowledge(v, 2)
        #expect(v.engine.stateHash() != unpublished.engine.stateHash(), "the acknowledgement is state")

        let restored = try Engine(snapshot: v.engine.snapshot(), config: v.engine.config)
        #expect(restored.financingDisclosureVersion == 2)
        #expect(restored.complianceRecord(v.alice)?.acknowledgements["MARGIN-FINANCING"]?.version == 2)
        #expect(restored.stateHash() == v.engine.stateHash())
        v.expectSnapshotRoundTrip()

        let fresh = V.withLoan(draw: "0")
        let before = fresh.engine.stateHash()
        _ = Self.publish(fresh, 1)
        #expect(fresh.engine.stateHash() != before, "a published version is in the state hash")
    }

    @Test func theReplayLinesRoundTripThroughTheJournalEncoding() throws {
        let v = V.withLoan(draw: "0")
        for command in [Command.compliance(.publishFinancingDisclosure(version: 7, by: "maya")),
                        .compliance(.acknowledgeFinancingDisclosure(account: v.alice, version: 7))] {
            let bytes = CommandCodec.encode(command)
            #expect(try CommandCodec.decode(bytes) == command)
            let line = CommandEncoder().encode(command, timestamp: Self.t1, engine: v.engine)
            #expect(line.contains(#""symbol":"MARGIN-FINANCING""#))
            let (_, decoded) = try v.decoder.decode(line: line, engine: v.engine)
            #expect(decoded == command)
        }
    }
}
