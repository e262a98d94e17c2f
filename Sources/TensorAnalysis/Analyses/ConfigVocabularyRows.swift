import CheckpointIO
import StrictJSON

/// Rule `config-vocab-mismatch`: a token matrix whose row count is not config.json's
/// `vocab_size`.
///
/// Why: transformers builds the input embedding and the output projection with `vocab_size`
/// rows from config.json, so loading a checkpoint whose matrix has another row count fails
/// (`from_pretrained` reports a size mismatch). An embedding resized with
/// `resize_token_embeddings` and saved beside a config.json set back to the old size passed
/// `audit` with exit 0, although transformers cannot load it (helper-151, 2026-12-06, on
/// all-MiniLM-L6-v2 resized to 30,528 rows). The bytes (the rows) and config.json (its
/// `vocab_size`) are the evidence; `gguf-vocabulary-mismatch` is the same question for GGUF.
///
/// Only matrices found as token matrices by name (a matrix found by config.json's shape has
/// `vocab_size` rows by construction) or a `--tensor` choice named like one, whose rows are
/// token ids, and not a static model's matrix (its rows follow its own mapping, not a config).
enum ConfigVocabularyRows {
    static func findings(_ matrices: TokenMatrices, checkpoint: Checkpoint) -> [Finding] {
        guard let vocabulary = checkpoint.config?.vocabSize, vocabulary > 0 else { return [] }
        return matrices.matrices.compactMap { view, role -> Finding? in
            guard role.isNamedTokenMatrix(view.name), view.shape.count == 2, matrices.rowsAreTokenIDs(view.name),
                  matrices.staticMatrix.map({ !ExactText.same($0, view.name) }) ?? true,
                  view.rowCount != vocabulary else { return nil }
            let what = role.isOutputProjection(view.name) ? "output projection" : "input embedding"
            return Finding(.configVocabMismatch, tensors: [view.name],
                           message: "\(view.name) has \(view.rowCount) rows but config.json's vocab_size is \(vocabulary): transformers builds the "
                               + "\(what) with vocab_size rows, so loading this checkpoint fails with a size mismatch "
                               + "(resize_token_embeddings sets both; a config.json from before a resize does not)",
                           evidence: ["rows": .int(Int64(view.rowCount)), "vocab_size": .int(Int64(vocabulary))])
        }
    }
}
