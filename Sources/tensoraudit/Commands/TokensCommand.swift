import ArgumentParser
import TensorAnalysis
import CheckpointIO
import TensorScan

/// `tensoraudit tokens`: the token matrices against the tokenizer, and tokens that likely
/// barely trained.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Compare token matrices with the tokenizer and list tokens that likely barely trained.",
        discussion: """
        Per token matrix (input embeddings and output projections, by name and config.json shape, or \
        --tensor): the tokenizer's vocabulary size, rows beyond it, tokens known unused by name or \
        construction ([unusedN], reserved slots, byte tokens that cannot occur in UTF-8), and the \
        under-trained candidates among ordinary tokens: the lowest --percentile of the indicator \
        "Fishing for Magikarp" (Land & Bartolo 2024) chooses for the matrix (input row norm when \
        untied or unknown; cosine distance to the known-unused rows after removing the first \
        principal component when tied or an output projection). Indicators, not proof. Also \
        the groups of byte-identical rows and the count of all-zero rows.
        """
    )

    @OptionGroup var checkpointArgument: CheckpointArgument

    @Option(name: .long, help: "Analyse this tensor instead of the detected ones (repeatable).", completion: TensorNameCompletion.kind)
    var tensor: [String] = []

    // `.unconditional` (also `--limit`), as for `rows --rows`: a negative value is refused for
    // what it is, not as a missing value.
    @Option(name: .long, parsing: .unconditional, help: "Candidates are the ordinary tokens at or below this percentile of the indicator (0-100; default \(Self.defaultPercentile)).",
            transform: { try DecimalText.real($0, flag: "--percentile") })
    var percentile: Double = Self.defaultPercentile

    /// `--percentile` when it is not given (also `DirectParse`'s).
    static let defaultPercentile: Double = 2

    // Optional, so that the text listing can tell an explicit `--limit` from the default: a
    // text report shows `TokensRendering.defaultTextLimit` candidates unless asked for more
    // (`--limit 30` listed 20 before, then "--json lists 30").
    @Option(name: .long, parsing: .unconditional,
            help: "Most candidates listed per matrix, in text and JSON (default: 100 in JSON, 20 in text; the count is always complete).",
            transform: { try DecimalText.integer($0, flag: "--limit") })
    var limit: Int?

    @OptionGroup var output: OutputOptions

    static let formats: [OutputFormat] = [.text, .json]

    func validate() throws {
        _ = try output.resolved(supported: Self.formats)
        guard percentile.isFinite, (0...100).contains(percentile) else { throw ValidationError("--percentile must be between 0 and 100") }
        guard (limit ?? 0) >= 0 else { throw ValidationError("--limit must not be negative") }
    }

    func run() throws {
        let format = try output.resolved(supported: Self.formats)
        try output.writeReport(on: checkpointArgument) { checkpoint in
            for name in tensor { _ = try checkpoint.requireTensor(named: name) }
            let report = try checkpoint.read { () throws(CheckpointError) in
                try TokenReport.make(checkpoint, tensors: tensor, percentile: percentile, limit: limit ?? TokensRendering.defaultLimit)
            }
            return (format == .json ? TokensRendering.json(report).rendered()
                : TokensRendering.text(report, listing: limit ?? TokensRendering.defaultTextLimit)) + "\n"
        }
    }
}
