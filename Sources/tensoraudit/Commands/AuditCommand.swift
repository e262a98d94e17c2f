import ArgumentParser
import TensorAnalysis
import CheckpointIO
import TensorScan
import ModelKnowledge

/// `tensoraudit audit`: every check in one run, a policy, an exit status for CI.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Run every check on a checkpoint and exit 1 when a finding fails the policy.",
        discussion: "Rules: " + ruleList + "."
    )

    /// Every rule's id, in catalog order: the help's list, `--fail-on`'s completions and its
    /// did-you-mean candidates.
    ///
    /// Why a loop into a typed array and not `RuleCatalog.all.map(\.id).joined(separator:)`: every command line
    /// builds this configuration (the library walks all subcommands, even for `--version`), and
    /// the key-path `map` feeding `joined` went through the runtime's generic lookups
    /// (`swift_getAssociatedTypeWitnessSlow`, metadata instantiation): ~4% of the samples of
    /// `perf record` over 200 `--version` runs.
    static let ruleIDs: [String] = {
        var ids: [String] = []
        ids.reserveCapacity(RuleCatalog.all.count)
        for rule in RuleCatalog.all { ids.append(rule.id) }
        return ids
    }()

    /// `ruleIDs` joined by ", ", by a loop for the reason given there.
    static let ruleList: String = {
        var text = ""
        for id in ruleIDs {
            if !text.isEmpty { text += ", " }
            text += id
        }
        return text
    }()

    @OptionGroup var checkpointArgument: CheckpointArgument

    @Option(help: "A JSON policy file setting severities, switches and thresholds per rule.",
            completion: .file(extensions: ["json"]))
    var policy: String?

    @Option(name: .customLong("fail-on"), help: "Fail (exit 1) on any finding of this rule, whatever its severity. Repeatable.",
            completion: .list(Self.ruleIDs))
    var failOn: [String] = []

    // `.unconditional`, as for `rows --rows`: `--pad-id -1` is refused as a negative row, not as a missing value.
    @Option(name: .long, parsing: .unconditional, help: "Row of the padding token (overrides the policy's pad_id, config.json and the tokenizer).",
            transform: { try RowNumber(parsing: $0) })
    var padId: RowNumber?

    @Option(name: .long, help: "Treat this tensor as the token matrix instead of the detected ones (repeatable; overrides the policy's tensor).",
            completion: TensorNameCompletion.kind)
    var tensor: [String] = []

    @OptionGroup var output: OutputOptions

    static let formats: [OutputFormat] = [.text, .json, .junit, .sarif, .html]

    func validate() throws {
        if policy?.isEmpty == true { throw ValidationError("the --policy path is empty") }
        for rule in failOn where RuleCatalog.rule(rule) == nil {
            // The closest rule ids first: a list of 35 hid `outlier-rows` from `outlier-row`
            // (reader's review, 2026-12-05).
            // A comma list of known rules is one rule per flag; a rule in capitals is its
            // lower-case id (both had no hint: the edit distance of a whole word in capitals
            // is its length; adversarial review, 2026-12-05).
            let parts = rule.split(separator: ",", omittingEmptySubsequences: false).map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
            if parts.count > 1, parts.allSatisfy({ RuleCatalog.rule($0) != nil }) {
                throw ValidationError("--fail-on takes one rule per flag: " + parts.map { "--fail-on \($0)" }.joined(separator: " "))
            }
            let lower = rule.lowercased()
            let hint = lower != rule && RuleCatalog.rule(lower) != nil ? "; rule ids are lower case: did you mean \"\(lower)\"?"
                : DidYouMean.phrase(for: lower, among: Self.ruleIDs)
            throw ValidationError("unknown rule '\(rule)' for --fail-on\(hint.isEmpty ? ";" : hint) known rules: "
                + Self.ruleList)
        }
        _ = try output.resolved(supported: Self.formats)
    }

    func run() throws {
        let format = try output.resolved(supported: Self.formats)
        var settings = AuditPolicy()
        settings.failOn.formUnion(failOn)
        var inputs = [checkpointArgument.path] + (policy.map { [$0] } ?? [])
        var opened = false
        let report: AuditReport
        var picture: AuditPicture?
        do {
            (report, picture) = try audit(settings: &settings, inputs: &inputs, opened: &opened, picturing: format == .html)
        } catch {
            printError("tensoraudit: error: \(error.message)")
            try writeReport(of: error, format: format, policy: settings, inputs: inputs, opened: opened)
            throw ExitCode(ExitStatus.invalidInput)
        }
        let arguments = Array(CommandLine.arguments.dropFirst())
        let summary = AuditRendering.summaryLine(report)
        let color = output.colorEnabled
        let rendered: String
        switch format {
        case .json:
            // Streamed, as the text: a report of many findings is never held whole (hunt-60a).
            try output.stream(inputs: inputs, summary: summary) { stream throws(CheckpointError) in try AuditRendering.writeJSON(report, to: stream) }
            rendered = ""
        case .junit: rendered = AuditRendering.junit(report)
        case .sarif: rendered = AuditRendering.sarif(report, arguments: arguments).rendered()
        case .html: rendered = picture.map { AuditHTML.page(report, $0) } ?? ""
        default:
            try output.stream(inputs: inputs, summary: summary) { stream throws(CheckpointError) in
                try AuditRendering.writeText(report, color: color, to: stream)
            }
            rendered = ""
        }
        if !rendered.isEmpty { try output.write(rendered + "\n", inputs: inputs, summary: summary) }
        if !report.passed { throw ExitCode(ExitStatus.findings) }
    }

    /// Loads the policy, opens the checkpoint and runs the pipeline. `inputs` grows to every
    /// file the checkpoint was read from (an `--output` naming one is refused before the
    /// analysis and again when writing); `opened` says whether that list is complete. With
    /// `picturing` (HTML), the token matrices' row norms and the shard map are gathered too.
    private func audit(settings: inout AuditPolicy, inputs: inout [String], opened: inout Bool,
                       picturing: Bool) throws(AuditFailure) -> (AuditReport, AuditPicture?) {
        if let policy {
            do {
                settings = try AuditPolicy.load(path: policy)
            } catch {
                throw AuditFailure(error)
            }
            settings.failOn.formUnion(failOn)
            // A --fail-on rule the policy switches off could never fail the audit.
            for id in failOn where !settings.isEnabled(id) {
                throw AuditFailure(AuditPolicy.PolicyError.invalid(path: policy, reason: "--fail-on \(id) names a rule the policy switches off: it could never fail the audit"))
            }
        }
        // The flags win over the policy's pad_id and tensor.
        if let padId {
            var flag = PadID.flag(padId.value)
            flag.overrides = settings.padID.map { [$0] } ?? []
            settings.padID = flag
        }
        if !tensor.isEmpty { settings.tensors = tensor }
        do throws(CheckpointError) {
            let checkpoint: Checkpoint
            do throws(CheckpointError) {
                checkpoint = try checkpointArgument.open(overlappingDecompression: true)
            } catch {
                // A pickle naming unsafe globals is a finding (exit 1), not only unreadable input;
                // a policy that lets it pass cannot make the file readable (exit 2).
                guard case .unsafePickle(let file, let globals, let detail) = error else { throw error }
                let unsafe = AuditReport(unsafePickleAt: checkpointArgument.path, file: file, globals: globals,
                                         detail: detail, policy: settings)
                guard !unsafe.passed else { throw error }
                inputs = [file] + inputs
                opened = true
                try output.check(inputs: inputs)
                return (unsafe, picturing ? AuditPicture.empty : nil)
            }
            inputs = checkpoint.inputPaths + inputs
            opened = true
            try output.check(inputs: inputs)
            // A misspelt --tensor (or policy tensor) names the closest tensors, as in every command.
            // A name from the policy file says so: the user typed no --tensor to look for.
            let fromPolicy = tensor.isEmpty ? policy : nil
            for name in settings.tensors {
                do throws(CheckpointError) {
                    _ = try checkpoint.requireTensor(named: name)
                } catch {
                    guard let fromPolicy, case .source(let path, let kind, let message) = error else { throw error }
                    throw .source(path: path, kind: kind, message: "\(message) (tensor in the policy \(fromPolicy))")
                }
            }
            let total = checkpoint.tensors.reduce(0) { $0 + $1.info.byteCount }
            let reporter = ProgressReporter.ifInteractive(label: "audit", total: total)
            var progress: AuditPipeline.Progress?
            if let reporter { progress = { bytes in reporter.advance(by: bytes) } }
            defer { reporter?.finish() }
            let report = try AuditPipeline.run(checkpoint, policy: settings, progress: progress)
            return (report, picturing ? try AuditPicture(checkpoint: checkpoint, report: report) : nil)
        } catch {
            throw AuditFailure(error)
        }
    }

    /// Writes the report of an audit that could not run, in the format asked for, wherever
    /// the report goes (text and html only with `--output`: on a terminal the error line says it all).
    /// Not written when the problem is the `--output` path itself, nor — when the checkpoint
    /// could not be opened, so the files it would have read are unknown — over an existing
    /// file in the checkpoint's folder (`ReportWriter.errorReportProblem`).
    private func writeReport(of failure: AuditFailure, format: OutputFormat, policy settings: AuditPolicy,
                             inputs: [String], opened: Bool) throws {
        guard !failure.concernsOutput, (format != .text && format != .html) || output.output != nil else { return }
        let rules = RuleCatalog.all.filter { settings.isEnabled($0.id) }
        let path = checkpointArgument.path
        let rendered: String
        switch format {
        case .json: rendered = AuditRendering.json(failure: failure, checkpointPath: path, rules: rules, policy: settings).rendered()
        case .junit: rendered = AuditRendering.junit(failure: failure, checkpointPath: path, rules: rules)
        case .sarif:
            rendered = AuditRendering.sarif(failure: failure, rules: rules, policy: settings,
                                            arguments: Array(CommandLine.arguments.dropFirst())).rendered()
        case .html: rendered = AuditHTML.errorPage(failure, checkpointPath: path)
        default: rendered = AuditRendering.text(failure: failure, checkpointPath: path)
        }
        try output.writeErrorReport(rendered, command: "audit", inputs: inputs, unopened: opened ? [] : [path])
    }
}
