import Testing
@testable import CommandInput

@Suite struct CommandFieldTableTests {
    @Test func everyRuleHasAUniqueName() {
        #expect(Set(CommandFieldTable.rules.map(\.name)).count == CommandFieldTable.rules.count)
    }
}
