import ArgumentParser
import TensorAnalysis
import CheckpointIO
import TensorScan

/// `tensoraudit padding`: the embedding row of the padding token, against all other rows.
struct PaddingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "padding",
        abstract: "Check the padding token's embedding row: its norm, whether it is zero, and what the evidence says.",
        discussion: """
        Embedding matrices are found by name (word_embeddings, embed_tokens, wte, shared, ...) and by \
        the [vocab_size, hidden_size] shape from config.json; output projections (lm_head, decoder) \
        are reported too. The pad id comes from --pad-id, else config.json pad_token_id, else the \
        tokenizer's pad token (tokenizer.json, tokenizer_config.json, special_tokens_map.json beside \
        the checkpoint); with none, nothing is analysed. Whether the matrix is tied to the output \
        projection is stated with its evidence: the bytes, a metadata alias, config.json, the model \
        type's documented default, or unknown.
        """
    )

    @OptionGroup var checkpointArgument: CheckpointArgument

    // `.unconditional`, as for `rows --rows`: `--pad-id -1` is refused as a negative row, not as a missing value.
    @Option(name: .long, parsing: .unconditional, help: "Row of the padding token (overrides config.json).",
            transform: { try RowNumber(parsing: $0) })
    var padId: RowNumber?

    @Option(name: .long, help: "Analyse this tensor instead of the detected ones (repeatable).",
            completion: TensorNameCompletion.kind)
    var tensor: [String] = []

    @OptionGroup var output: OutputOptions

    static let formats: [OutputFormat] = [.text, .json, .html]

    /// A `--pad-id` past every token matrix the analysis looked at is a usage error (64), as
    /// `rows --rows` past the end is (`PaddingAnalysis.matricesPast`).
    static func requireSomeRow(_ id: Int, _ analysis: PaddingAnalysis.Report, _ checkpoint: Checkpoint) throws(OptionDoesNotFit) {
        guard let past = PaddingAnalysis.matricesPast(id, in: analysis, checkpoint: checkpoint) else { return }
        throw OptionDoesNotFit(message: "--pad-id \(id) is past every token matrix: " + past.joined(separator: ", "))
    }

    func validate() throws { _ = try output.resolved(supported: Self.formats) }

    func run() throws {
        let format = try output.resolved(supported: Self.formats)
        try output.writeReport(on: checkpointArgument) { checkpoint in
            for name in tensor { _ = try checkpoint.requireTensor(named: name) }
            let (analysis, profiles) = try NormProfile.withPadding(checkpoint, padID: padId?.value, tensors: tensor)
            if let id = padId?.value { try Self.requireSomeRow(id, analysis, checkpoint) }
            let findings = PaddingAnalysis.findings(analysis)
            switch format {
            case .json: return PaddingRendering.json(analysis, findings).rendered() + "\n"
            case .html: return PaddingHTML.page(checkpointArgument.path, analysis, findings, profiles: profiles) + "\n"
            default: return PaddingRendering.text(analysis, findings, profiles: profiles) + "\n"
            }
        }
    }
}
