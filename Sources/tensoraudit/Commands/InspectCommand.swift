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

    @OptionGroup var output: OutputOptions

    static let formats: [OutputFormat] = [.text, .json]

    func validate() throws { _ = try output.resolved(supported: Self.formats) }

    func run() throws {
        let format = try output.resolved(supported: Self.formats)
        var rendered = ""
        var inputs: [String] = []
        try runReportingErrors {
            let checkpoint = try checkpointArgument.openHeaderOnly()
            inputs = checkpoint.inputPaths + [checkpointArgument.path]
            try output.check(inputs: inputs)
            let summary = InspectSummary(checkpoint)
            rendered = format == .json ? summary.jsonText() : summary.text()
        }
        try output.write(rendered + "\n", inputs: inputs)
    }
}
