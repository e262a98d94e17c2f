import ArgumentParser
import Foundation
import TensorAnalysis
import CheckpointIO
import TensorScan

/// `tensoraudit audit`: every check in one run, a policy, an exit status for CI.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Run every check on a checkpoint and exit 1 when a finding fails the policy.",
        discussion: "Rules: " + RuleCatalog.all.map(\.id).joined(separator: ", ") + "."
    )

    @OptionGroup var checkpointArgument: CheckpointArgument

    @Option(help: "A JSON policy file setting severities, switches and thresholds per rule.")
    var policy: String?

    @Option(name: .customLong("fail-on"), help: "Fail (exit 1) on any finding of this rule, whatever its severity. Repeatable.")
    var failOn: [String] = []

    @OptionGroup var output: OutputOptions

    static let formats: [OutputFormat] = [.text, .json, .junit, .sarif]

    func validate() throws {
        for rule in failOn where RuleCatalog.rule(rule) == nil {
            throw ValidationError("unknown rule '\(rule)' for --fail-on; known rules: "
                + RuleCatalog.all.map(\.id).joined(separator: ", "))
        }
        _ = try output.resolved(supported: Self.formats)
    }

    func run() throws {
        let format = try output.resolved(supported: Self.formats)
        var settings = AuditPolicy()
        if let policy {
            do {
                settings = try AuditPolicy.load(path: policy)
            } catch {
                printError("tensoraudit: error: \(error)")
                throw ExitCode(ExitStatus.invalidInput)
            }
        }
        settings.failOn.formUnion(failOn)
        var report: AuditReport?
        var inputs: [String] = []
        try runReportingErrors {
            let checkpoint = try checkpointArgument.open(overlappingDecompression: true)
            // Refused before the analysis, and checked again when writing.
            inputs = checkpoint.inputPaths + [checkpointArgument.path] + (policy.map { [$0] } ?? [])
            try output.check(inputs: inputs)
            let total = checkpoint.tensors.reduce(0) { $0 + $1.info.byteCount }
            let reporter = ProgressReporter.ifInteractive(label: "audit", total: total)
            var progress: AuditPipeline.Progress?
            if let reporter { progress = { bytes in reporter.advance(by: bytes) } }
            report = try AuditPipeline.run(checkpoint, policy: settings, progress: progress)
            reporter?.finish()
        }
        guard let report else { return }
        let rendered: String
        switch format {
        case .json: rendered = AuditRendering.json(report).rendered()
        case .junit: rendered = AuditRendering.junit(report)
        case .sarif: rendered = AuditRendering.sarif(report).rendered()
        default: rendered = AuditRendering.text(report, color: output.colorEnabled)
        }
        try output.write(rendered + "\n", inputs: inputs)
        if !report.passed { throw ExitCode(ExitStatus.findings) }
    }
}
