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
        // Header only: inspect never needs tensor bytes (a `.zst` decodes just its header).
        try output.writeReport(on: checkpointArgument, opening: { argument throws(CheckpointError) in try argument.openHeaderOnly() }) { checkpoint in
            let summary = InspectSummary(checkpoint)
            return (format == .json ? summary.jsonText() : summary.text()) + "\n"
        }
    }
}
