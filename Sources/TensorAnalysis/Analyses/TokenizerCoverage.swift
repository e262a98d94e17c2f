import CheckpointIO
import ModelKnowledge

/// Rule `tokenizer-beyond-rows`: token ids of the tokenizer beside the checkpoint that a token
/// matrix has no row for.
///
/// Why: a tokenizer that grew (tokens added without `resize_token_embeddings`, or another
/// model's tokenizer saved beside the weights) loads fine and fails only when an input holds one
/// of the new tokens: the input embedding is indexed past its end (transformers raises
/// IndexError; on a GPU, a device-side assert), and the output projection has no logit for it.
/// The bytes (the matrix's rows) and the tokenizer file (its largest id) are the evidence.
///
/// Only matrices whose rows are token ids: those found as token matrices (by name, config.json
/// shape or static layout), and a `--tensor` choice only when its name is a token matrix's
/// (pinning the embedding to quiet other rules must not drop this warning), since a choice may
/// be any matrix (position embeddings have 512 rows for a 30,522-token vocabulary, by design).
/// A tokenizer read from a GGUF file's own metadata is checked by `gguf-vocabulary-mismatch`
/// when the file is opened.
enum TokenizerCoverage {
    static func findings(_ matrices: TokenMatrices, knowledge: CheckpointKnowledge, checkpoint: Checkpoint) -> [Finding] {
        guard let tokenizer = knowledge.tokenizer, !checkpoint.tokenizerFiles.isEmpty else { return [] }
        let vocabulary = tokenizer.vocabularySize
        return matrices.matrices.compactMap { view, role -> Finding? in
            guard role.isNamedTokenMatrix(view.name),
                  view.shape.count == 2, matrices.rowsAreTokenIDs(view.name),
                  let missing = tokensBeyondRows(rows: view.rowCount, vocabularySize: vocabulary) else { return nil }
            let consequence = role.isOutputProjection(view.name) ? "the model gives them no logit" : "an input holding one indexes past the matrix"
            return Finding(.tokenizerBeyondRows, tensors: [view.name],
                           message: "\(view.name) has \(view.rowCount) rows, the tokenizer \(vocabulary) tokens: ids "
                               + "\(missing.lowerBound)..<\(missing.upperBound) (\(missing.count)) have no row; \(consequence)",
                           evidence: ["rows": .int(Int64(view.rowCount)), "vocab_size": .int(Int64(vocabulary)),
                                      "tokens_without_row": .int(Int64(missing.count))])
        }
    }
}
