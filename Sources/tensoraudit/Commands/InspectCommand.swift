import ArgumentParser
import SafetensorsFormat
import CheckpointIO
import TensorScan

/// `tensoraudit inspect`: what is in a checkpoint, read from its header only.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List the tensors, metadata and layout of a checkpoint (reads only headers)."
    )

    @OptionGroup var checkpointArgument: CheckpointArgument

    @OptionGroup var report: ReportOptions

    func run() throws {
        try runReportingErrors {
            let checkpoint = try checkpointArgument.open()
            let summary = InspectSummary(checkpoint)
            print(report.json ? summary.json().rendered() : summary.text())
        }
    }
}
