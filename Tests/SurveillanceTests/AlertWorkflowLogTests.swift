import Compliance
import Foundation
import Surveillance
import Testing

/// The workflow log is append-only JSON lines; the book rebuilt from the projection's
/// alerts and the log is the book that was; a torn last line is not an action.
@Suite struct AlertWorkflowLogTests {
    let raised = RaisedAlert(id: 1, raisedAtMs: 10, alert: SurveillanceAlert(
        rule: .spoofing, symbol: "BTC-PERP", accounts: ["s"], orders: [5], fromMs: 1, toMs: 2, evidence: "e"))

    @Test func entriesWrittenAreReadBackAndRebuildTheBook() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("surv-\(UUID().uuidString)/alert-workflow.jsonl")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        var book = AlertBook()
        book.register([raised])
        let log = try AlertWorkflowLog(url: url)
        try log.append(try book.apply(.assign(to: "carol"), to: 1, by: "head", at: 20))
        try log.append(try book.apply(.review, to: 1, by: "carol", at: 30))
        try log.append(try book.apply(.close(comment: "layering confirmed, reported"), to: 1, by: "carol", at: 40))

        let entries = try AlertWorkflowLog.read(url: url)
        #expect(entries == book.alert(1)!.history)
        var rebuilt = AlertBook()
        rebuilt.register([raised])
        for entry in entries { try rebuilt.replay(entry) }
        #expect(rebuilt.list() == book.list())
        #expect(rebuilt.alert(1)?.status == .closed)

        // A crash mid-append leaves a line without its newline: it was never acknowledged.
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"actor":"dave","#.utf8))
        try handle.close()
        #expect(try AlertWorkflowLog.read(url: url).count == 3)
        // Reopened for writing, the torn tail is cut and the next entry reads back.
        let reopened = try AlertWorkflowLog(url: url)
        var more = AlertBook()
        more.register([RaisedAlert(id: 2, raisedAtMs: 50, alert: raised.alert)])
        try reopened.append(try more.apply(.assign(to: "dave"), to: 2, by: "head", at: 60))
        #expect(try AlertWorkflowLog.read(url: url).map(\.alertId) == [1, 1, 1, 2])
    }
}
