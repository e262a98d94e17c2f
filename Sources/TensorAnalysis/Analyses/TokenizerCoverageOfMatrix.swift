import CheckpointIO
import StrictJSON
import ModelKnowledge

/// One token matrix against the tokenizer beside the checkpoint: the two findings of
/// `TokenizerCoverage`, at most one of which applies.
///
/// Special tokens the files name but the vocabulary lacks (a pad token, an eos or sep token):
/// transformers adds them when it loads the files, from `Tokenizer.nextAddedID` on in the order
/// of `specialsAddedAtLoad`, pads batches with the pad and inserts the others into inputs. Past
/// an input embedding's rows, that indexes past the matrix (an IndexError, checked with
/// transformers 5.25 and torch: hunt-62a); inside a padded vocabulary they take rows otherwise
/// unused. The class's own special tokens are among them (`TokenizerClassRoles`, hunt-62b N2);
/// for a class whose own were not measured, each id is a lower bound, and the message says so.
struct TokenizerCoverageOfMatrix {
    let view: TensorView
    /// Whether the matrix is an output projection (its rows are logits, not inputs).
    let output: Bool
    let tokenizer: Tokenizer
    /// The tying judgement of an input embedding tied to an output projection the checkpoint
    /// does not store, by name.
    let tie: (String) -> TyingJudgement?
    /// The matrix's row norms, when the scan kept them.
    let rowNorms: TokenRowNorms?

    private let vocabulary: Int
    /// The special tokens transformers adds at load, and the id of the first.
    private let specials: [String]
    private let first: Int
    /// The pad token's text when the vocabulary lacks it (transformers adds it).
    private let addedPad: String?

    /// Taken from the tokenizer once: `nextAddedID` looks at every added token.
    init(view: TensorView, output: Bool, tokenizer: Tokenizer, rowNorms: TokenRowNorms? = nil, tie: @escaping (String) -> TyingJudgement?) {
        self.view = view
        self.output = output
        self.tokenizer = tokenizer
        self.rowNorms = rowNorms
        self.tie = tie
        vocabulary = tokenizer.vocabularySize
        specials = tokenizer.specialsAddedAtLoad
        first = tokenizer.nextAddedID
        addedPad = tokenizer.padToken.flatMap { $0.id == nil ? $0.content : nil }
    }

    private var stated: String {
        vocabulary > 0 ? "\(view.name) has \(view.rowCount) rows and the tokenizer's largest id is \(vocabulary - 1)"
            : "\(view.name) has \(view.rowCount) rows and the tokenizer has no token"
    }

    private func shown(_ span: Range<Int>) -> String { "\(span.lowerBound)..<\(span.upperBound)" }
    /// The first five texts and a count of the others: T5Tokenizer adds 100 of its own.
    private func listed(_ texts: ArraySlice<String>) -> String {
        texts.prefix(5).map(quoted).joined(separator: ", ") + (texts.count > 5 ? " and \(texts.count - 5) more" : "")
    }

    /// `tokenizer-beyond-rows`: token ids of the files past the rows, and special tokens
    /// transformers adds past an input embedding's rows.
    func tokensPastRows() -> Finding? {
        let past = output ? [] : specials.indices.filter { first + $0 >= view.rowCount }.map { specials[$0] }[...]
        let ids = tokensBeyondRows(rows: view.rowCount, vocabularySize: vocabulary)
        guard ids != nil || !past.isEmpty else { return nil }
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
            // The tied output projection the checkpoint does not store has no logit for them
            // either (hunt-62a L4, the warning's side of hunt-61a P3).
            if !output, let tying = tie(view.name) {
                what += "; the matrix is also the output projection (tied, evidence: \(tying.evidence.rawValue)), which gives them no logit"
                evidence["tying_evidence"] = .string(tying.evidence.rawValue)
            }
            parts.append("ids \(shown(ids)) \(counted) have no row; \(what)")
        }
        if !past.isEmpty {
            let one = past.count == 1
            tokens += past.count
            evidence["added_special_tokens"] = .int(Int64(past.count))
            let padPast = addedPad.map { past.contains($0) } == true
            if padPast, let addedPad { evidence["added_pad_token"] = .string(addedPad) }
            let consequence = padPast ? "a padded batch indexes past the matrix" : "an input holding one indexes past the matrix"
            parts.append("the special token\(one ? "" : "s") \(listed(past)) \(one ? "is" : "are") not in the vocabulary, so "
                         + "transformers adds \(one ? "it" : "them") when it loads the files, with \(one ? "an id" : "ids") from \(max(first, view.rowCount)) on, "
                         + "past the rows, and \(consequence)")
        }
        evidence["tokens_without_row"] = .int(Int64(tokens))
        return Finding(.tokenizerBeyondRows, tensors: [view.name], message: "\(stated): " + parts.joined(separator: "; "), evidence: evidence)
    }

    /// `rows-beyond-tokenizer`: rows past the tokenizer's largest id, with what takes them.
    func rowsPastTokens() -> Finding? {
        guard let rows = rowsBeyondVocabulary(rows: view.rowCount, vocabularySize: vocabulary) else { return nil }
        var evidence: [String: Evidence] = ["rows": .int(Int64(view.rowCount)), "vocab_size": .int(Int64(vocabulary)),
                                            "rows_without_token": .int(Int64(rows.count))]
        // The rows the added special tokens take first (hunt-62a M2: Qwen2Tokenizer's own pad
        // token takes row 400 of a 464-row matrix, which every padded batch selects).
        var what = output ? "their logits name no token" : "no input selects them"
        if !specials.isEmpty, first < view.rowCount {
            let taken = specials[...]
            evidence["added_special_tokens"] = .int(Int64(taken.count))
            let one = taken.count == 1
            // Padding selects input-embedding rows; an output row is only named (hunt-62b N8).
            let padded = addedPad.map { taken.contains($0) } != true ? ""
                : output ? (one ? ", the pad token's" : ", one of them the pad token's")
                : (one ? ", selected by every padded batch" : ", the pad token's selected by every padded batch")
            what = (output ? "their logits name no token of the files" : "no token of the files selects them")
                + ", but transformers adds the special token\(one ? "" : "s") \(listed(taken)), which the vocabulary lacks, when it loads the files, "
                + "with \(one ? "an id" : "ids") from \(first) on: " + (one ? "a row from there on is its" : "rows from there on are theirs") + padded
                // A class whose own special tokens were not measured may add some first
                // (BertTokenizer's "[SEP]", hunt-62b N2): then the ids are lower bounds, as said.
                + (tokenizer.specialsAddedAtLoadExact ? "" : ", unless tokens its class adds first push \(one ? "it" : "them") further, up to past the rows")
        }
        var logits = output
        if !output, let tying = tie(view.name) {
            what += ", and their logits name no token: the matrix is also the output projection (tied, evidence: \(tying.evidence.rawValue))"
            evidence["tying_evidence"] = .string(tying.evidence.rawValue)
            logits = true
        }
        let holes = (0..<vocabulary).filter { tokenizer.token(for: $0) == nil }
        evidence["unused_ids"] = .int(Int64(holes.count))
        if let hole = holes.first {
            let counted = holes.count == 1 ? "1 row below \(vocabulary) has" : "\(holes.count) rows below \(vocabulary) have"
            what += "; \(counted) no token either (ids no token has, from \(hole))"
        }
        // Logits that name no token, with norms far above the tokenizer's rows': `generate` can
        // emit them (hunt-61a P2; rows of ids no token has too, hunt-65c L2). Special tokens
        // added at load take the first padded rows (hunt-65c L1: a pad the files name but lack is
        // added as 400): where their ids are exact those rows are tokens and are left out; else
        // the ids are named as no token of the files, not as undecodable.
        var severity: Severity?
        let taken = !specials.isEmpty && first < view.rowCount
        let padded = taken && tokenizer.specialsAddedAtLoadExact
            ? min(max(rows.lowerBound, first + specials.count), rows.upperBound) ..< rows.upperBound : rows
        if logits, let far = rowNorms?.far(in: holes + Array(padded), against: vocabulary), let top = far.rows.max(by: { $0.norm < $1.norm }) {
            let loud = far.rows.count, one = loud == 1
            let emitted = taken ? "\(one ? "an id" : "ids") no token of the files names" : "\(one ? "an id" : "ids") the tokenizer cannot decode"
            what += "; \(loud) of the rows without a token \(one ? "has a norm" : "have norms") far above the median of the tokenizer's rows "
                + "(|robust z| > \(RowSummary.outlierThreshold); row \(top.row) has norm \(RowSummary.short(top.norm)) vs median \(RowSummary.short(far.median))): "
                + "transformers' generate does not mask \(one ? "such a row, so it" : "such rows, so they") can outscore every token and be emitted as \(emitted)"
            evidence["high_norm_rows"] = .int(Int64(loud))
            evidence["top_row"] = .int(Int64(top.row))
            evidence["top_norm"] = .double(top.norm)
            evidence["median_norm"] = .double(far.median)
            severity = .warning
        }
        return Finding(.rowsBeyondTokenizer, severity: severity, tensors: [view.name],
                       message: "\(stated): rows \(shown(rows)) (\(rows.count)) have no token; \(what)", evidence: evidence)
    }
}
