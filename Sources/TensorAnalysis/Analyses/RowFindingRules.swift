import CheckpointIO
import StrictJSON
import TensorScan
import ModelKnowledge

/// The row findings `audit` draws from a tensor's rows, in one place for `audit` and `rows`.
///
/// Why: `rows` reported `outlier-rows` for every outlying row of a token matrix, so on
/// all-MiniLM-L6-v2 it called 841 low embedding rows outliers "as in audit", while `audit`
/// reports those rows as `untrained-tokens` and no `outlier-rows`. Both now take the same
/// decisions: `outlier-rows` only for token matrices, an input embedding's low rows as
/// `untrained-tokens`, an output projection's low pad row left to `padding-row-nonzero`.
extension RowSummary {
    /// `audit`'s row-rule findings of `summary` (not `untrained-tokens`: `untrainedTokens`).
    /// `knowledge` is asked only for a token matrix's names and pad id (the audit reads it
    /// beside the scan and waits for it only then).
    /// `readsAnInputEmbedding`: the tensor reads the very bytes of an input embedding (a tied
    /// head saved as a view of it), whose low rows are `untrained-tokens`'.
    static func auditFindings(_ summary: RowSummary, tokenMatrices: TokenMatrices, padID: PadID?,
                              knowledge: () -> CheckpointKnowledge, readsAnInputEmbedding: Bool = false) -> [Finding] {
        let name = summary.tensor
        // Outlying rows are news only where a row is a token: in attention and FFN
        // matrices they are normal (27 of 28 findings on all-MiniLM-L6-v2 were such noise).
        // An input embedding's low rows are `untrained-tokens`' (TokenAnalysis).
        let isToken = tokenMatrices.contains(name)
        let isInput = tokenMatrices.isInputEmbedding(name)
        let byID = isToken && tokenMatrices.rowsAreTokenIDs(name)
        let names = byID ? knowledge().tokenizer : nil
        // An output projection's low pad row (the pad token is never a target, and a tied
        // copy's pad row is the embedding's) is `padding-row-nonzero`'s question, as the
        // input embedding's is: not an outlying token (toy BERT's decoder copy reported it).
        let pad = byID && !isInput && summary.outliers.contains(where: { $0.score < 0 })
            ? PadIDResolver.resolve(given: padID, config: knowledge().config, tokenizer: knowledge().tokenizer,
                                    rowCount: summary.rowCount).padID.flatMap { $0.isAssumed ? nil : $0.id }
            : nil
        let lowRowsElsewhere = isInput || readsAnInputEmbedding
        var found = summary.applicableFindings(keepingOutlier: { isToken && (!lowRowsElsewhere || $0.score > 0) && !($0.score < 0 && $0.row == pad) },
                                               token: { names?.token(for: $0) })
        // I-BERT's quantization buffers are all zero by design until the model is quantized:
        // info, and said, not eleven warnings (review, 2026-12-05). Only under an `ibert`
        // config (`TensorNames.isQuantizationBuffer`), so the name alone hides nothing.
        if TensorNames.isQuantizationBuffer(name, modelType: knowledge().config?.modelType) {
            found = found.map { finding in
                guard finding.rule == .allZeroRows, finding.severity != .info else { return finding }
                var noted = finding
                noted.severity = .info
                noted.message += "; config.json's model_type \"ibert\": a quantization buffer of I-BERT's QuantEmbedding or QuantLinear, zero until the model is quantized"
                noted.evidence["quantization_buffer"] = .bool(true)
                return noted
            }
        }
        // A static model's equal rows are not "rows that never trained" (`staticModelIdenticalRows`).
        if let matrix = tokenMatrices.staticMatrix, ExactText.same(matrix, name) {
            let strong = ", " + RowSummary.neverTrained
            found = found.map { finding in
                guard finding.rule == .duplicateRows, finding.message.hasSuffix(strong) else { return finding }
                var noted = finding
                noted.message = String(finding.message.dropLast(strong.count)) + "; " + RowSummary.staticModelIdenticalRows
                noted.severity = .info
                return noted
            }
        }
        // A zero row the model type builds with padding_idx (the input embedding's, RoBERTa's
        // position table's row pad_token_id) is said to be that row; the pad id's row is named
        // by the padding analysis (`PaddingAnalysis.explainingZeroPadRows`).
        if let padded = PaddingAnalysis.paddingIdxZeroRow(name, isInputEmbedding: tokenMatrices.isDetectedInputEmbedding(name),
                                                          rows: summary.rowCount, zeroRows: summary.zeroRows,
                                                          config: knowledge().config) {
            found = found.map { finding in
                guard finding.rule == .allZeroRows else { return finding }
                var noted = finding
                // Not said of a matrix whose every row is zero: why one row is zero says nothing
                // there (hunt-63d L1, as review-63b M5 for the pad row).
                if finding.evidence["rows"] != .int(Int64(summary.rowCount)) { noted.message += "; " + padded.sentence }
                noted.evidence["padding_idx"] = .int(Int64(padded.row))
                return noted
            }
        }
        // A `--tensor` choice whose rows are not tokens: its outlying rows are reported as
        // plain rows, high and low, and the finding says why no row is named by token.
        guard tokenMatrices.rowsAreNotTokens(name) else { return found }
        return found.map { finding in
            guard finding.rule == .outlierRows else { return finding }
            let note = tokenMatrices.plainRowsNote(name)
            guard !note.isEmpty else { return finding }
            var noted = finding
            noted.message += "; " + note
            return noted
        }
    }
}

extension TokenAnalysis {
    /// `untrained-tokens`' reading of an input embedding's `summary` (nil for any other tensor,
    /// or when no row is low), as `audit` makes it: rows named and sorted by the tokenizer when
    /// rows are token ids, with the pad id `padding` resolves.
    static func untrainedRows(_ summary: RowSummary, tokenMatrices: TokenMatrices, padID: PadID?,
                              knowledge known: CheckpointKnowledge) -> Result? {
        let byID = tokenMatrices.rowsAreTokenIDs(summary.tensor)
        // The pad id as `padding` resolves it for this matrix (flag or policy, config.json, tokenizer).
        let pad = byID ? PadIDResolver.resolve(given: padID, config: known.config, tokenizer: known.tokenizer,
                                               rowCount: summary.rowCount).padID : nil
        // The row the model builds with padding_idx, by config.json (an input embedding found by
        // name and shape: a `--tensor` choice's rows may be no tokens).
        let padded = byID && tokenMatrices.isDetectedInputEmbedding(summary.tensor)
            ? PaddingAnalysis.inputPaddingIdxNote(rows: summary.rowCount, config: known.config) : nil
        var result = analyze(summary, tokenizer: byID ? known.tokenizer : nil,
                             unused: byID ? Set(known.unusedTokens.map(\.id)) : [], padID: pad, paddingIdx: padded)
        if tokenMatrices.staticMatrix.map({ ExactText.same($0, summary.tensor) }) == true {
            result?.staticNote = tokenMatrices.staticIndicatorNote
        }
        return result
    }
}

/// The findings `rows` reports from each tensor's summary: `audit`'s (`RowSummary.auditFindings`
/// and `untrained-tokens`) for the token matrices found as `padding` finds them, and for the
/// one tensor `rows --tensor` names when it is no token matrix, every rule on its plain rows
/// (every outlying row, none named by token).
public struct RowFindingRules: Sendable {
    let tokenMatrices: TokenMatrices
    /// The files beside the checkpoint; read only when it has a token matrix.
    let knowledge: CheckpointKnowledge
    /// `rows --tensor`'s choice.
    let chosen: ExactText?

    /// `chosen` is a token matrix as `audit --tensor` makes it one (`TokenMatrices`): a matrix
    /// named or shaped like one, or with config.json's vocab_size rows, has its rows named and
    /// its low rows read as untrained tokens; another choice has plain rows. Why as audit does:
    /// `rows --tensor encoder.emb.weight` reported as `outlier-rows` the row `audit --tensor`
    /// and `tokens` called the untrained token "[unused4]" (adversarial test, 2026-12-04).
    public init(_ checkpoint: Checkpoint, chosen: String? = nil) throws(CheckpointError) {
        let matrices = try TokenMatrices(checkpoint, requested: chosen.map { [$0] } ?? [])
        tokenMatrices = matrices
        // The tokenizer is read only when some matrix's rows are tokens.
        knowledge = matrices.matrices.contains { !matrices.rowsAreNotTokens($0.0.name) }
            ? CheckpointKnowledge.read(checkpoint) : CheckpointKnowledge()
        self.chosen = chosen.map { ExactText($0) }
    }

    /// Whether row i of `tensor` is token i, named by the tokenizer beside the checkpoint.
    public func rowsAreTokens(_ tensor: String) -> Bool {
        tokenMatrices.contains(tensor) && tokenMatrices.rowsAreTokenIDs(tensor)
    }

    /// The token of each row of `tensor`, when its rows are tokens and a tokenizer was read.
    public func token(_ tensor: String) -> ((Int) -> String?)? {
        guard rowsAreTokens(tensor), let tokenizer = knowledge.tokenizer else { return nil }
        return { tokenizer.token(for: $0) }
    }

    public func findings(_ summary: RowSummary) -> [Finding] {
        let name = summary.tensor
        if let chosen, chosen == ExactText(name), !tokenMatrices.contains(name) { return summary.findings() }
        var found = RowSummary.auditFindings(summary, tokenMatrices: tokenMatrices, padID: nil, knowledge: { knowledge })
        if summary.shape.count == 2, tokenMatrices.isInputEmbedding(name),
           let result = TokenAnalysis.untrainedRows(summary, tokenMatrices: tokenMatrices, padID: nil, knowledge: knowledge) {
            found += TokenAnalysis.findings([result])
        }
        return found
    }
}
