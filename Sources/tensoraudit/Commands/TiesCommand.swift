import ArgumentParser
import TensorAnalysis
import CheckpointIO
import TensorScan

/// `tensoraudit ties`: tensors stored more than once (exact byte equality).
struct TiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ties",
        abstract: "Find tensors with identical bytes: tied weights saved twice, repeated buffers, identical layers.",
        discussion: """
        Groups tensors with the same dtype, shape and bytes (bucketed by size, fingerprinted with \
        a fast 64-bit hash, every group confirmed byte by byte) and classifies each group. \
        Identical bytes under a different dtype or shape are listed separately as same_bytes. \
        Resolves __metadata__ aliases (removed name -> kept name).
        """
    )

    @OptionGroup var checkpointArgument: CheckpointArgument

    @OptionGroup var output: OutputOptions

    static let formats: [OutputFormat] = [.text, .json]

    func validate() throws { _ = try output.resolved(supported: Self.formats) }

    func run() throws {
        let format = try output.resolved(supported: Self.formats)
        try output.writeReport(on: checkpointArgument) { checkpoint in
            let analysis = try checkpoint.read(advisingSequentialScan: true) { TieAnalysis.analyze(checkpoint) }
            let findings = TieAnalysis.findings(analysis)
            let convention = ConventionTie.listed(in: checkpoint)
            let configured = ConfigTie.unstoredOutputs(in: checkpoint, report: analysis)
            return (format == .json ? TiesRendering.json(analysis, findings, convention: convention, configured: configured).rendered()
                : TiesRendering.text(analysis, findings, convention: convention, configured: configured)) + "\n"
        }
    }
}
