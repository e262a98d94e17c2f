import CheckpointIO
import ModelKnowledge

/// Rules `tokenizer-beyond-rows` (token ids of the tokenizer beside the checkpoint that a token
/// matrix has no row for) and `rows-beyond-tokenizer` (rows of a token matrix that no token id
/// reaches).
///
/// Why: a tokenizer that grew (tokens added without `resize_token_embeddings`, or another
/// model's tokenizer saved beside the weights) loads fine and fails only when an input holds one
/// of the new tokens: the input embedding is indexed past its end (transformers raises
/// IndexError; on a GPU, a device-side assert), and the output projection has no logit for it.
/// The bytes (the matrix's rows) and the tokenizer file (its largest id) are the evidence.
///
/// The opposite, more rows than tokens, is usually deliberate (vocabularies padded to a multiple
/// of 64 or 128 for speed), so it is information: a CI reader of `audit` alone learns that no
/// input reaches those rows and that an all-zero or outlying row among them says nothing about
/// training. Not that they are harmless: transformers' `generate` does not mask the logits of an
/// output projection's padded rows, and rows that score high get sampled (hunt-61a P2). An input
/// embedding tied to an output projection the checkpoint does not store (`ConfigTie`) is that
/// projection too, so its message says so: the same model saved with and without the second
/// copy said different things (hunt-61a P3).
///
/// The tokenizer's size is its largest id + 1; ids below it that no token has (holes, which
/// `Tokenizer.vocabularySize` keeps) are counted apart: rows on them are reached by no token
/// either, and ids past the rows that are holes are no tokens without a row (hunt-61a P5).
///
/// Only matrices whose rows are token ids: those found as token matrices (by name, config.json
/// shape or static layout), and a `--tensor` choice only when its name is a token matrix's
/// (pinning the embedding to quiet other rules must not drop this warning), since a choice may
/// be any matrix (position embeddings have 512 rows for a 30,522-token vocabulary, by design).
/// A tokenizer read from a GGUF file's own metadata is checked by `gguf-vocabulary-mismatch`
/// when the file is opened; a GGUF file that carries one is not judged by tokenizer files beside
/// it either: llama.cpp uses its own vocabulary, where the converter names padded rows `[PADn]`
/// (hunt-61a P6).
enum TokenizerCoverage {
    /// `tiedToUnstoredOutput` gives, for the input embeddings tied to an output projection the
    /// checkpoint does not store, their tying judgement; asked at most once, and only when an
    /// input embedding has rows past the tokenizer or the tokenizer ids past its rows.
    /// `rowNorms` holds, by name, the token matrices' row norms (kept by the scan).
    static func findings(_ matrices: TokenMatrices, knowledge: CheckpointKnowledge, checkpoint: Checkpoint,
                         rowNorms: [String: TokenRowNorms] = [:],
                         tiedToUnstoredOutput: @escaping () -> [String: TyingJudgement]) -> [Finding] {
        guard let tokenizer = knowledge.tokenizer, !checkpoint.tokenizerFiles.isEmpty, !carriesItsOwnVocabulary(checkpoint) else { return [] }
        var ties: [String: TyingJudgement]?
        let tie = { (name: String) -> TyingJudgement? in
            if ties == nil { ties = tiedToUnstoredOutput() }
            return ties?[name]
        }
        return matrices.matrices.compactMap { view, role -> Finding? in
            guard role.isNamedTokenMatrix(view.name), view.shape.count == 2, matrices.rowsAreTokenIDs(view.name) else { return nil }
            let matrix = TokenizerCoverageOfMatrix(view: view, output: role.isOutputProjection(view.name), tokenizer: tokenizer,
                                                   rowNorms: rowNorms[view.name], tie: tie)
            return matrix.tokensPastRows() ?? matrix.rowsPastTokens()
        }
    }

    /// Whether a file of the checkpoint is a GGUF file with its own vocabulary
    /// (`tokenizer.ggml.tokens`).
    static func carriesItsOwnVocabulary(_ checkpoint: Checkpoint) -> Bool {
        checkpoint.files.contains { file in
            if case .gguf(let gguf) = file.format { gguf.metadata["tokenizer.ggml.tokens"] != nil } else { false }
        }
    }
}
