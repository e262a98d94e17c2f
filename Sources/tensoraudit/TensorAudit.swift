import ArgumentParser
import CheckpointIO
import TensorScan

/// The `tensoraudit` command: audits model checkpoints straight from memory-mapped files.
@main
struct TensorAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensoraudit",
        abstract: "Audit model checkpoints (safetensors) straight from memory-mapped files.",
        discussion: """
        Exit codes: 0 success, 1 audit found failing findings, 2 invalid or unreadable input, \
        64 usage error.
        """,
        version: "0.1.0",
        subcommands: [
            InspectCommand.self,
            PaddingCommand.self,
            TiesCommand.self,
            RowsCommand.self,
            DiffCommand.self,
            AuditCommand.self,
        ]
    )

    /// Installs the SIGBUS guard (a file truncated while mapped exits 2 with a message
    /// instead of crashing), then runs the parsed command.
    static func main() {
        ReportWriter.guardStandardDescriptors()
        FaultGuard.installBusErrorHandler()
        main(nil)
    }
}
