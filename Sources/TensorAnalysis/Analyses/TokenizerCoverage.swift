import CheckpointIO
import StrictJSON
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
    /// input embedding has rows past the tokenizer.
    static func findings(_ matrices: TokenMatrices, knowledge: CheckpointKnowledge, checkpoint: Checkpoint,
                         tiedToUnstoredOutput: () -> [String: TyingJudgement]) -> [Finding] {
        guard let tokenizer = knowledge.tokenizer, !checkpoint.tokenizerFiles.isEmpty, !carriesItsOwnVocabulary(checkpoint) else { return [] }
        let vocabulary = tokenizer.vocabularySize
        var ties: [String: TyingJudgement]?
        return matrices.matrices.compactMap { view, role -> Finding? in
            guard role.isNamedTokenMatrix(view.name), view.shape.count == 2, matrices.rowsAreTokenIDs(view.name) else { return nil }
            let output = role.isOutputProjection(view.name)
            let shown = { (span: Range<Int>) in "\(span.lowerBound)..<\(span.upperBound)" }
            let stated = "\(view.name) has \(view.rowCount) rows and the tokenizer's largest id is \(vocabulary - 1)"
            // A pad token the files name but the vocabulary lacks: transformers adds it at load,
            // from `nextAddedID` on, and pads batches with it. Past an input embedding's rows, a
            // padded batch indexes past the matrix (an IndexError, checked with transformers 5.25
            // and torch); the output projection never needs a pad logit.
            let addedPad = output ? nil : tokenizer.padToken.flatMap { pad in
                pad.id == nil && tokenizer.nextAddedID >= view.rowCount ? pad : nil
            }
            let padSentence = addedPad.map { pad in
                "the pad token \(quoted(pad.content)) (\(pad.declaredIn)) is not in the vocabulary, so transformers adds it with an id from "
                    + "\(tokenizer.nextAddedID) on, past the rows, and a padded batch indexes past the matrix"
            }
            let ids = tokensBeyondRows(rows: view.rowCount, vocabularySize: vocabulary)
            if ids != nil || addedPad != nil {
                var evidence: [String: Evidence] = ["rows": .int(Int64(view.rowCount)), "vocab_size": .int(Int64(vocabulary))]
                var parts: [String] = []
                var tokens = 0
                if let ids {
                    tokens = ids.count(where: { tokenizer.token(for: $0) != nil })
                    let counted = tokens == ids.count ? "(\(tokens))" : "(\(tokens) token\(tokens == 1 ? "" : "s"); the other ids are no token's)"
                    let what = output ? "the model gives them no logit" : "an input holding one indexes past the matrix"
                    parts.append("ids \(shown(ids)) \(counted) have no row; \(what)")
                }
                if let addedPad, let padSentence {
                    tokens += 1
                    evidence["added_pad_token"] = .string(addedPad.content)
                    parts.append(padSentence)
                }
                evidence["tokens_without_row"] = .int(Int64(tokens))
                return Finding(.tokenizerBeyondRows, tensors: [view.name], message: "\(stated): " + parts.joined(separator: "; "), evidence: evidence)
            }
            guard let rows = rowsBeyondVocabulary(rows: view.rowCount, vocabularySize: vocabulary) else { return nil }
            var evidence: [String: Evidence] = ["rows": .int(Int64(view.rowCount)), "vocab_size": .int(Int64(vocabulary)),
                                                     "rows_without_token": .int(Int64(rows.count))]
            var what: String
            if output {
                what = "their logits name no token"
            } else {
                what = "no input selects them"
                if ties == nil { ties = tiedToUnstoredOutput() }
                if let tying = ties?[view.name] {
                    what += ", and their logits name no token: the matrix is also the output projection (tied, evidence: \(tying.evidence.rawValue))"
                    evidence["tying_evidence"] = .string(tying.evidence.rawValue)
                }
            }
            let holes = (0..<vocabulary).lazy.filter { tokenizer.token(for: $0) == nil }
            let holeCount = holes.count
            evidence["unused_ids"] = .int(Int64(holeCount))
            if let first = holes.first {
                let counted = holeCount == 1 ? "1 row below \(vocabulary) has" : "\(holeCount) rows below \(vocabulary) have"
                what += "; \(counted) no token either (ids no token has, from \(first))"
            }
            return Finding(.rowsBeyondTokenizer, tensors: [view.name], message: "\(stated): rows \(shown(rows)) (\(rows.count)) have no token; \(what)",
                           evidence: evidence)
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
