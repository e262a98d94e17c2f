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
            let stated = vocabulary > 0 ? "\(view.name) has \(view.rowCount) rows and the tokenizer's largest id is \(vocabulary - 1)"
                : "\(view.name) has \(view.rowCount) rows and the tokenizer has no token"
            // Special tokens the files name but the vocabulary lacks (a pad token, an eos or
            // sep token): transformers adds them when it loads the files, from `nextAddedID` on
            // in the order of `specialsAddedAtLoad`, pads batches with the pad and inserts the
            // others into inputs. Past an input embedding's rows, that indexes past the matrix
            // (an IndexError, checked with transformers 5.25 and torch: hunt-62a); inside a
            // padded vocabulary they take rows otherwise unused. Each id is a lower bound: a
            // class may add defaults of its own among them.
            let specials = tokenizer.specialsAddedAtLoad, first = tokenizer.nextAddedID
            let pad = tokenizer.padToken.flatMap { $0.id == nil ? $0.content : nil }
            let listed = { (texts: ArraySlice<String>) in texts.map(quoted).joined(separator: ", ") }
            let past = output ? [] : specials.indices.filter { first + $0 >= view.rowCount }.map { specials[$0] }[...]
            let ids = tokensBeyondRows(rows: view.rowCount, vocabularySize: vocabulary)
            if ids != nil || !past.isEmpty {
                var evidence: [String: Evidence] = ["rows": .int(Int64(view.rowCount)), "vocab_size": .int(Int64(vocabulary))]
                var parts: [String] = []
                var tokens = 0
                if let ids {
                    tokens = ids.count(where: { tokenizer.token(for: $0) != nil })
                    let counted = tokens == ids.count ? "(\(tokens))" : "(\(tokens) token\(tokens == 1 ? "" : "s"); the other ids are no token's)"
                    var what = output ? "the model gives them no logit" : "an input holding one indexes past the matrix"
                    if !output, let padToken = tokenizer.padToken, let padID = padToken.id, ids.contains(padID) {
                        what += ", and the pad token \(quoted(padToken.content)) (id \(padID)) is one: every padded batch does"
                    }
                    // The tied output projection the checkpoint does not store has no logit for
                    // them either (hunt-62a L4, the warning's side of hunt-61a P3).
                    if !output {
                        if ties == nil { ties = tiedToUnstoredOutput() }
                        if let tying = ties?[view.name] {
                            what += "; the matrix is also the output projection (tied, evidence: \(tying.evidence.rawValue)), which gives them no logit"
                            evidence["tying_evidence"] = .string(tying.evidence.rawValue)
                        }
                    }
                    parts.append("ids \(shown(ids)) \(counted) have no row; \(what)")
                }
                if !past.isEmpty {
                    tokens += past.count
                    evidence["added_special_tokens"] = .int(Int64(past.count))
                    if let pad, past.contains(pad) { evidence["added_pad_token"] = .string(pad) }
                    let consequence = pad.map { past.contains($0) } == true ? "a padded batch indexes past the matrix" : "an input holding one indexes past the matrix"
                    parts.append("the special token\(past.count == 1 ? "" : "s") \(listed(past)) \(past.count == 1 ? "is" : "are") not in the vocabulary, so "
                                 + "transformers adds \(past.count == 1 ? "it" : "them") when it loads the files, with \(past.count == 1 ? "an id" : "ids") from \(max(first, view.rowCount)) on, "
                                 + "past the rows, and \(consequence)")
                }
                evidence["tokens_without_row"] = .int(Int64(tokens))
                return Finding(.tokenizerBeyondRows, tensors: [view.name], message: "\(stated): " + parts.joined(separator: "; "), evidence: evidence)
            }
            guard let rows = rowsBeyondVocabulary(rows: view.rowCount, vocabularySize: vocabulary) else { return nil }
            var evidence: [String: Evidence] = ["rows": .int(Int64(view.rowCount)), "vocab_size": .int(Int64(vocabulary)),
                                                "rows_without_token": .int(Int64(rows.count))]
            // The rows the added special tokens take first (hunt-62a M2: Qwen2Tokenizer's own pad
            // token takes row 400 of a 464-row matrix, which every padded batch selects).
            let taken = specials.isEmpty || first >= view.rowCount ? nil : specials[...]
            var what = output ? "their logits name no token" : "no input selects them"
            if let taken {
                evidence["added_special_tokens"] = .int(Int64(taken.count))
                let one = taken.count == 1
                // Padding selects input-embedding rows; an output row is only named (hunt-62b N8).
                let padded = pad.map { taken.contains($0) } != true ? ""
                    : output ? (one ? ", the pad token's" : ", one of them the pad token's")
                    : (one ? ", selected by every padded batch" : ", the pad token's selected by every padded batch")
                what = (output ? "their logits name no token of the files" : "no token of the files selects them")
                    + ", but transformers adds the special token\(one ? "" : "s") \(listed(taken)), which the vocabulary lacks, when it loads the files, "
                    + "with \(one ? "an id" : "ids") from \(first) on: " + (one ? "a row from there on is its" : "rows from there on are theirs") + padded
                    // The class may add default special tokens of its own first (BertTokenizer's
                    // "[SEP]"): not measured per class, so said (hunt-62b N2).
                    + ", unless default tokens its class adds first push \(one ? "it" : "them") further, up to past the rows"
            }
            if !output {
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
