import ArgumentParser
import CheckpointIO

/// Every report format of every command; each command says which it writes.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, ndjson, csv, junit, sarif, html
}

/// The output options every command shares: one spelling everywhere.
///
/// `--format` picks the report (`text` by default), `--json` is short for `--format json`, and
/// `--output FILE` writes the report to a file instead of standard output. A command lists the
/// formats it supports; asking another is a usage error (exit 64) naming them.
struct OutputOptions: ParsableArguments {
    @Option(help: "Report format: text or json; rows also writes ndjson and csv, audit junit, sarif and html, padding html.",
            completion: FormatCompletion.kind)
    var format: OutputFormat?

    @Flag(help: "Short for --format json (a machine-readable report; its schema_version is in the report and the README).")
    var json = false

    @Option(help: "Write the report to this file instead of standard output.", completion: .file())
    var output: String?

    /// An empty `--output` names no file (it once reached `rename` and failed with "cannot
    /// replace" naming nothing): a usage error. So is `-`, which many tools read as standard
    /// output and which wrote a file named `-` here (helper review): standard output is the
    /// default, and `./-` names such a file.
    func validate() throws {
        if output?.isEmpty == true { throw ValidationError("--output needs a file name") }
        if output == "-" {
            throw ValidationError("--output - : the report goes to standard output when --output is left out; write ./- for a file named '-'")
        }
    }

    /// The format asked for by `--format`, `--json` or a command's own alias flags
    /// (`aliases`, e.g. `rows --csv`), checked against `supported`.
    func resolved(supported: [OutputFormat], aliases: [(flag: String, isSet: Bool, format: OutputFormat)] = [])
        throws -> OutputFormat {
        var chosen: [(String, OutputFormat)] = []
        if let format { chosen.append(("--format \(format.rawValue)", format)) }
        if json { chosen.append(("--json", .json)) }
        for alias in aliases where alias.isSet { chosen.append((alias.flag, alias.format)) }
        if Set(chosen.map(\.1)).count > 1 {
            throw ValidationError("choose one of " + chosen.map(\.0).joined(separator: ", "))
        }
        let format = chosen.first?.1 ?? .text
        guard supported.contains(format) else {
            // The flag that asked for it, as other flag errors name theirs (review-63b L1).
            throw ValidationError("\(chosen.first?.0 ?? "--format"): this command writes " + supported.map(\.rawValue).joined(separator: ", ")
                + ", not \(format.rawValue)")
        }
        return format
    }

    /// Whether text may be coloured: only on a terminal, never into a file.
    var colorEnabled: Bool { output == nil && Terminal.colorEnabled }

    /// Refuses, before any analysis, an `--output` that is one of `inputs` (by real path or
    /// device and inode) or an existing non-regular file (see `ReportWriter`).
    func check(inputs: [String]) throws(CheckpointError) {
        if let output { try ReportWriter.checkOutput(output, inputs: inputs) }
    }

    /// Writes `report` (its final newline included) to `--output`, or to standard output; a
    /// write that fails, or an `--output` that is an input or not a regular file, is exit 2
    /// with a message (`ReportWriter`). With `--output`, one line on stderr then says where
    /// the report went (`summary` first, when the command has one), so a run in a terminal or
    /// a CI log never ends in silence.
    func write(_ report: String, inputs: [String], summary: String? = nil,
               describing describe: (CheckpointError) -> String = { "tensoraudit: error: \($0)" }) throws {
        try stream(inputs: inputs, summary: summary, describing: describe) { stream throws(CheckpointError) in try stream.write(report) }
    }

    /// `write` for a report written while `render` renders it (`ReportStream`): to `--output`
    /// through a temporary file renamed only once `render` returned, so a failure part-way
    /// leaves no half report there.
    func stream(inputs: [String], summary: String? = nil,
                describing describe: (CheckpointError) -> String = { "tensoraudit: error: \($0)" },
                _ render: (ReportStream) throws(CheckpointError) -> Void) throws {
        try runReportingErrors(describing: describe) {
            let stream = try ReportStream(output: output, inputs: inputs)
            try render(stream)
            try stream.finish()
            if let output {
                // Named in every case (text by default), as the README's line says: `inspect`
                // without a format and `rows --csv` wrote "report written" (review, 2026-12-05).
                let format = self.format?.rawValue ?? (json ? "json" : "text")
                let written = "\(format) report written to \(TextFormatting.safeName(output))"
                printError(summary.map { "\($0); \(written)" } ?? "tensoraudit: \(written)")
            }
        }
    }
}

extension OutputOptions {
    /// The one shape of every single-checkpoint report command: open the checkpoint, refuse an
    /// `--output` that names any file it reads *before* any work (so a report can never replace
    /// its own input), render, then write. `render` returns the whole report, final newline
    /// included. A `CheckpointError` anywhere is the one-line message and exit 2.
    func writeReport(
        on argument: CheckpointArgument,
        opening open: (CheckpointArgument) throws(CheckpointError) -> Checkpoint = { argument throws(CheckpointError) in try argument.open() },
        render: (Checkpoint) throws -> String
    ) throws {
        try streamReport(on: argument, opening: open) { checkpoint in
            let text = try render(checkpoint)
            return { stream throws(CheckpointError) in try stream.write(text) }
        }
    }

    /// `writeReport` for a report too long to hold as one string: `prepare` does every part of
    /// the work that reads the checkpoint (so a bad or changing input is still an error before
    /// any output) and returns what writes the report, which then runs on a `ReportStream`
    /// after the checkpoint is closed.
    func streamReport(
        on argument: CheckpointArgument,
        opening open: (CheckpointArgument) throws(CheckpointError) -> Checkpoint = { argument throws(CheckpointError) in try argument.open() },
        prepare: (Checkpoint) throws -> StreamedReport
    ) throws {
        var emit: StreamedReport = { _ throws(CheckpointError) in }
        var inputs: [String] = []
        try runReportingErrors {
            let checkpoint = try open(argument)
            inputs = checkpoint.inputPaths + [argument.path]
            try check(inputs: inputs)
            emit = try prepare(checkpoint)
        }
        try stream(inputs: inputs, emit)
    }
}
