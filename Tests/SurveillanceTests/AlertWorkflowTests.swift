import Compliance
import Surveillance
import Testing

/// The review of an alert is a state machine with an append-only history (MM-5: each
/// alert kept with its evidence); refusals name a stable code and change nothing.
@Suite struct AlertWorkflowTests {
    let raised = RaisedAlert(id: 7, raisedAtMs: 1_000, alert: SurveillanceAlert(
        rule: .washTrade, symbol: "BTC-PERP", accounts: ["a", "b"], orders: [1, 2], fromMs: 1_000, toMs: 1_000, evidence: "x"))

    @Test func assignReviewCloseRecordsEveryStepInOrder() throws {
        var book = AlertBook()
        book.register([raised])
        try book.apply(.assign(to: "carol"), to: 7, by: "head", at: 2_000)
        try book.apply(.review, to: 7, by: "carol", at: 3_000)
        let last = try book.apply(.close(comment: "same owner hedging two mandates; reported"), to: 7, by: "carol", at: 4_000)
        #expect(last.from == .underReview && last.to == .closed && last.sequence == 3)
        let entry = try #require(book.alert(7))
        #expect(entry.status == .closed && entry.assignee == "carol")
        #expect(entry.history.map(\.action.code) == ["assign", "review", "close"])
        #expect(entry.history.map(\.to) == [.assigned, .underReview, .closed])
        #expect(entry.history.map(\.atMs) == [2_000, 3_000, 4_000])
        #expect(book.list(status: .closed).map(\.alert.id) == [7])
        #expect(book.list(status: .open).isEmpty)
    }

    @Test func illegalTransitionsAreRefusedAndChangeNothing() throws {
        var entry = AlertCase(alert: raised)
        #expect(throws: AlertWorkflowError.invalidTransition) { try entry.apply(.review, by: "carol", at: 1) }
        #expect(throws: AlertWorkflowError.invalidTransition) { try entry.apply(.close(comment: "fine"), by: "carol", at: 1) }
        #expect(throws: AlertWorkflowError.missingActor) { try entry.apply(.assign(to: " "), by: "head", at: 1) }
        #expect(throws: AlertWorkflowError.missingActor) { try entry.apply(.assign(to: "carol"), by: "", at: 1) }
        #expect(entry.history.isEmpty && entry.status == .open)

        try entry.apply(.assign(to: "carol"), by: "head", at: 2)
        #expect(throws: AlertWorkflowError.notAssignee) { try entry.apply(.review, by: "dave", at: 3) }
        #expect(throws: AlertWorkflowError.invalidTransition) { try entry.apply(.close(comment: "fine"), by: "carol", at: 3) }
        try entry.apply(.review, by: "carol", at: 3)
        #expect(throws: AlertWorkflowError.invalidTransition) { try entry.apply(.review, by: "carol", at: 4) }
        #expect(throws: AlertWorkflowError.commentRequired) { try entry.apply(.close(comment: ""), by: "carol", at: 4) }
        #expect(throws: AlertWorkflowError.commentRequired) { try entry.apply(.close(comment: "  \n"), by: "carol", at: 4) }
        #expect(throws: AlertWorkflowError.notAssignee) { try entry.apply(.close(comment: "fine"), by: "dave", at: 4) }
        #expect(entry.history.count == 2 && entry.status == .underReview)

        try entry.apply(.close(comment: "false positive: market maker's hedge"), by: "carol", at: 5)
        // Closed is final: no re-opening, re-assigning or second close.
        #expect(throws: AlertWorkflowError.alreadyClosed) { try entry.apply(.assign(to: "dave"), by: "head", at: 6) }
        #expect(throws: AlertWorkflowError.alreadyClosed) { try entry.apply(.review, by: "carol", at: 6) }
        #expect(throws: AlertWorkflowError.alreadyClosed) { try entry.apply(.close(comment: "again"), by: "carol", at: 6) }
        #expect(entry.history.count == 3 && entry.status == .closed)
        if case .close(let comment) = entry.history.last?.action { #expect(comment == "false positive: market maker's hedge") } else {
            Issue.record("last step is not the close")
        }
    }

    @Test func reassigningDuringReviewSendsTheAlertBackAndHandsItOver() throws {
        var entry = AlertCase(alert: raised)
        try entry.apply(.assign(to: "carol"), by: "head", at: 1)
        try entry.apply(.review, by: "carol", at: 2)
        try entry.apply(.assign(to: "dave"), by: "head", at: 3)
        #expect(entry.status == .assigned && entry.assignee == "dave")
        #expect(throws: AlertWorkflowError.notAssignee) { try entry.apply(.review, by: "carol", at: 4) }
        try entry.apply(.review, by: "dave", at: 4)
        #expect(entry.history.map(\.actor) == ["head", "carol", "head", "dave"])
    }

    @Test func unknownAlertsAreRefusedAndRegisteringTwiceKeepsTheHistory() throws {
        var book = AlertBook()
        #expect(throws: AlertWorkflowError.unknownAlert) { try book.apply(.review, to: 1, by: "carol", at: 1) }
        book.register([raised])
        try book.apply(.assign(to: "carol"), to: 7, by: "head", at: 2)
        book.register([raised])
        #expect(book.alert(7)?.history.count == 1)

        // A logged history re-applied to a fresh book gives the same cases.
        var rebuilt = AlertBook()
        rebuilt.register([raised])
        for step in book.alert(7)!.history { try rebuilt.replay(step) }
        #expect(rebuilt.list() == book.list())
    }
}
