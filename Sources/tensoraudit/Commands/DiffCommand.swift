import ArgumentParser
import SafetensorsFormat
import TensorAnalysis
import CheckpointIO
import TensorScan

/// `tensoraudit diff A B`: is B (an export or conversion) a faithful copy of A?
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two checkpoints tensor by tensor (export fidelity).",
        discussion: """
        A is the reference. Reports tensors only in A or only in B, dtype and shape changes, \
        byte-identical tensors, and for the rest the max absolute difference, the relative L2 \
        difference ‖a − b‖ / ‖a‖ (values are compared across dtypes, in double precision) and \
        the rows that differ most. Integer and boolean tensors of A must come through exactly. \
        Exit 1 when a tensor is missing on one side, changes shape, cannot be compared, or differs \
        by more than the tolerance (an integer or boolean tensor: by any value), or when either \
        checkpoint's layout leaves which bytes a tensor name reads undetermined (a tensor in two \
        shards, a missing shard, an index that lies). Exit 2 when an input cannot be read; the \
        JSON report (and with --output the text one) is still written, carrying the error.
        """
    )

    @Argument(help: "The reference checkpoint (file, folder, index or .zst).", completion: .file())
    var a: String

    @Argument(help: "The checkpoint to compare with it.", completion: .file())
    var b: String

    // `.unconditional` (also `--top-rows`), as for `rows --rows`: a negative value is refused
    // for what it is, not as a missing value.
    @Option(parsing: .unconditional, help: "Largest relative L2 difference a tensor may have (default 0.01: BF16 rounding stays below 0.0039).",
            transform: { try DecimalText.real($0, flag: "--tolerance") })
    var tolerance: Double = CheckpointDiff.defaultTolerance

    @Option(name: .customLong("top-rows"), parsing: .unconditional, help: "How many most-different rows to list per tensor (default \(Self.defaultTopRows)).",
            transform: { try DecimalText.integer($0, flag: "--top-rows") })
    var topRows: Int = Self.defaultTopRows

    /// `--top-rows` when it is not given (also `DirectParse`'s).
    static let defaultTopRows = 5

    @Option(help: ArgumentHelp("A JSON object pairing A's tensor names with B's ({\"A name\": \"B name\"}).",
                               discussion: "Without it, a Hub checkpoint against a GGUF file is paired by the built-in map: gguf-py's names for the GGUF file's architecture."),
            completion: .file())
    var map: String?

    @OptionGroup var output: OutputOptions

    static let formats: [OutputFormat] = [.text, .json]

    func validate() throws {
        // An empty path names no file (as `CheckpointArgument` says for the other commands).
        for (name, path) in [("checkpoint path A", a), ("checkpoint path B", b), ("--map", map)] where path?.isEmpty == true {
            throw ValidationError("the \(name) is empty")
        }
        guard tolerance.isFinite, tolerance >= 0 else { throw ValidationError("--tolerance must be a finite non-negative number") }
        guard topRows >= 0 else { throw ValidationError("--top-rows must be 0 or more") }
        _ = try output.resolved(supported: Self.formats)
    }

    func run() throws {
        let format = try output.resolved(supported: Self.formats)
        var inputs = [a, b] + (map.map { [$0] } ?? [])
        var unopened = [a, b]
        var reading: String? = "a"
        let compared: (report: StreamedReport, failed: Bool, verdict: String)
        do {
            compared = try compare(format: format, inputs: &inputs, unopened: &unopened, reading: &reading)
        } catch {
            printError("tensoraudit: error: \(error)")
            // No report when the problem is the `--output` path itself; text only into a file,
            // as `audit` does: on a terminal the error line says it all.
            if error.kind != "output", format == .json || output.output != nil {
                let rendered = format == .json
                    ? DiffRendering.json(failure: error, side: reading, a: a, b: b, tolerance: tolerance + 0).rendered()
                    : DiffRendering.text(failure: error, side: reading, a: a, b: b)
                try output.writeErrorReport(rendered, command: "diff", inputs: inputs, unopened: unopened, unread: map.map { [$0] } ?? [])
            }
            throw ExitCode(ExitStatus.invalidInput)
        }
        // With --output, stderr says the verdict too (a CI log showed exit 1 and no reason).
        try output.stream(inputs: inputs, summary: "tensoraudit: diff: \(compared.verdict)", compared.report)
        if compared.failed { throw ExitCode(ExitStatus.findings) }
    }

    /// Opens both sides and the map and compares them. `inputs` grows to every file read and
    /// `unopened` shrinks as each side opens (for an error report's guard); `reading` names what
    /// was being opened when an error came, `a`, `b` or `map`, and after that the side whose
    /// files hold the error's path (nil: neither).
    private func compare(format: OutputFormat, inputs: inout [String], unopened: inout [String],
                         reading: inout String?) throws(CheckpointError) -> (report: StreamedReport, failed: Bool, verdict: String) {
        let openedA = try Checkpoint.open(path: a)
        inputs = openedA.inputPaths + inputs
        unopened = [b]
        reading = "b"
        let openedB = try Checkpoint.open(path: b)
        inputs = openedB.inputPaths + inputs
        unopened = []
        reading = "map"
        let names = try map.map { (path) throws(CheckpointError) in try DiffNameMap.load(path: path) }
            ?? DiffNameMap.automatic(a: openedA, b: openedB)
        reading = nil
        // Stacked tensors whose entries the map names (`NAME[E]`: a GGUF's experts) become one tensor per entry.
        let (first, second) = StackedSlices.applied(a: openedA, b: openedB, nameMap: names)
        try output.check(inputs: inputs)
        let sides = (a: Set(first.inputPaths), b: Set(second.inputPaths))
        do throws(CheckpointError) {
            let diff = try first.read { () throws(CheckpointError) in
                try second.read {
                    // `+ 0`: `--tolerance -0` passes the check (−0 ≥ 0) and is the tolerance 0, not "−0.0" in the report.
                    CheckpointDiff(a: first, b: second, tolerance: tolerance + 0, topRows: topRows, nameMap: names,
                                   rowOrders: LlamaCppRotaryOrder.decisions(a: first, b: second, nameMap: names)
                                       .merging(LlamaCppQKVOrder.decisions(a: first, b: second, nameMap: names)) { _, fused in fused },
                                   converterDrops: map == nil ? LlamaCppConverterDrops.dropped(a: first, b: second, nameMap: names) : [:],
                                   rowOffsets: LlamaCppPositionOffset.decisions(a: first, b: second, nameMap: names),
                                   valueShifts: LlamaCppNormShift.decisions(a: first, b: second, nameMap: names),
                                   transposes: LlamaCppTranspose.decisions(a: first, b: second, nameMap: names),
                                   stateSpace: LlamaCppStateSpace.decisions(a: first, b: second, nameMap: names),
                                   rowPaddings: LlamaCppVocabPadding.decisions(a: first, b: second, nameMap: names),
                                   multipliers: LlamaCppMultipliers.decisions(a: first, b: second, nameMap: names),
                                   converterTables: map == nil ? LlamaCppConverterDrops.tables(a: first, b: second, nameMap: names) : .init())
                }
            }
            // Only a map the user wrote: the built-in one names just what each side has.
            let unused = map == nil ? [] : DiffNameMap.unusedEntries(of: names, a: first, b: second, openedA: openedA, openedB: openedB)
            // JSON streamed a comparison at a time; the text (a line each) as one string.
            let (a, b) = (self.a, self.b)
            let report: StreamedReport = format == .json
                ? { stream throws(CheckpointError) in try DiffRendering.writeJSON(diff, a: a, b: b, unusedMapEntries: unused, to: stream) }
                : { [text = DiffRendering.text(diff, a: a, b: b, unusedMapEntries: unused)] stream throws(CheckpointError) in try stream.write(text + "\n") }
            return (report, diff.fails, DiffRendering.verdict(diff))
        } catch {
            reading = sides.a.contains(error.path) ? "a" : sides.b.contains(error.path) ? "b" : reading
            throw error
        }
    }
}
