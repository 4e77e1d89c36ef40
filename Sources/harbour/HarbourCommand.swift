import ArgumentParser

/// The `harbour` command-line tool: replay, bench, serve, verify.
@main
struct HarbourCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "harbour",
        abstract: "Harbour: a regulated perpetual-futures venue for professional investors.",
        subcommands: [ServeCommand.self, ReplayCommand.self, VerifyCommand.self, AuditCommand.self, ReconcileCommand.self, ReportCommand.self, RebuildCommand.self, RestoreCommand.self, BenchCommand.self, LoadCommand.self, CrashLoadCommand.self, StressCommand.self]
    )
}
