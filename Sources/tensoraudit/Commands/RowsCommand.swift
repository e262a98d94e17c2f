import ArgumentParser
import TensorAnalysis
import CheckpointIO
import TensorScan
import StrictJSON

/// `tensoraudit rows`: per-row statistics of one tensor, or a summary line per matrix.
struct RowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rows",
        abstract: "Per-row statistics (norm, mean, std, min, max, NaN/Inf counts) of a tensor, or a summary of every matrix.",
        discussion: """
        Dimension 0 indexes rows; the other dimensions are flattened into a row. Statistics are \
        accumulated in Double. Without --tensor, prints one summary per tensor of two or more \
        dimensions: row-norm distribution, all-zero rows, NaN/Inf rows, outlier rows (median/MAD) \
        and duplicate rows; every other tensor is listed as skipped, and NaN/Inf in it is reported.
        """
    )

    @OptionGroup var checkpointArgument: CheckpointArgument

    @Option(name: .long, help: "The tensor whose rows to list.", completion: TensorNameCompletion.kind)
    var tensor: String?

    // `.unconditional`: the value is taken even when it starts with "-", so `--rows -1..2` is
    // refused for what it is (a negative row), not reported as a missing value.
    @Option(name: .long, parsing: .unconditional, help: "Rows to list, half-open: A..B, A.., ..B, or a single row N.",
            transform: RowRange.init(parsing:))
    var rows: RowRange?

    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Short for --format ndjson: one JSON object per line (a row, or a tensor summary).")
    var ndjson = false

    @Flag(name: .long, help: "Short for --format csv: CSV with a header line.")
    var csv = false

    static let formats: [OutputFormat] = [.text, .json, .ndjson, .csv]

    func format() throws -> RowsRendering.Format {
        switch try output.resolved(supported: Self.formats, aliases: [("--ndjson", ndjson, .ndjson), ("--csv", csv, .csv)]) {
        case .json: .json
        case .ndjson: .ndjson
        case .csv: .csv
        default: .text
        }
    }

    func validate() throws {
        _ = try format()
        if rows != nil && tensor == nil {
            throw ValidationError("--rows needs --tensor")
        }
    }

    func run() throws {
        let format = try format()
        // The stderr line names the format (`ndjson report written to FILE`) also when a flag
        // of this command chose it.
        var output = output
        output.format = try output.resolved(supported: Self.formats, aliases: [("--ndjson", ndjson, .ndjson), ("--csv", csv, .csv)])
        try output.streamReport(on: checkpointArgument) { checkpoint in
            if let tensor {
                let view = try checkpoint.requireTensor(named: tensor)
                let range: Range<Int>
                if let rows {
                    guard let resolved = rows.resolved(rowCount: view.rowCount) else {
                        throw OptionDoesNotFit(message: "--rows starts at row \(rows.lower) but \(quoted(tensor)) has \(view.rowCount) row\(view.rowCount == 1 ? "" : "s")")
                    }
                    range = resolved
                } else {
                    range = 0..<view.rowCount
                }
                // Rows of a token matrix are tokens: name them when a tokenizer sits beside it.
                // Findings by `audit`'s rules, and every rule on the plain rows of another matrix.
                let rules = try RowFindingRules(checkpoint, chosen: tensor)
                let token = rules.token(view.name)
                return try checkpoint.read(advisingSequentialScan: true) {
                    RowsRendering.tensor(view, range: range, format: format, token: token, findings: rules.findings)
                }
            } else {
                // `audit`'s row rules: `outlier-rows` for token matrices only (by the names'
                // code points: canonically equivalent names are two tensors), an input
                // embedding's low rows as `untrained-tokens`.
                let rules = try RowFindingRules(checkpoint)
                return try checkpoint.read(advisingSequentialScan: true) {
                    RowsRendering.checkpoint(checkpoint, format: format, findings: rules.findings, token: { rules.token($0) })
                }
            }
        }
    }
}
