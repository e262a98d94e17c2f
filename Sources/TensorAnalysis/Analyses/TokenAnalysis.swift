import StrictJSON
import CheckpointIO
import TensorScan
import ModelKnowledge

/// Tokens that likely barely trained, read from the weights and the tokenizer alone.
///
/// The indicator is the one "Fishing for Magikarp" (Land & Bartolo, EMNLP 2024, arXiv
/// 2405.05417) uses for input embeddings: a token that never occurs in training gets no
/// gradient through the input embedding, so its row keeps a small norm (or shrinks under weight
/// decay). Rows are flagged by the same robust score `outlier-rows` uses (modified z below
/// −3.5 on median/MAD), and each flagged row is named by its token and sorted by what the
/// tokenizer says about it: unused by name or construction (`UnusedTokens`), special, beyond
/// the vocabulary, or an ordinary token. Only the ordinary ones are news; the paper verified
/// its candidates by prompting the model, which a file audit cannot do, so the finding is an
/// indicator and says so.
public enum TokenAnalysis {
    /// Row indices an indicator marks as possibly untrained, lowest norm first: a plain value
    /// for renderers (histogram markers, lists) that need no token text.
    public struct UntrainedRows: Sendable, Equatable {
        public var tensor: String
        /// Rows of the matrix, lowest score first.
        public var rows: [Int]
        /// `input-row-norm`: the rows' L2 norms are far below the median.
        public var indicator: String

        public init(tensor: String, rows: [Int], indicator: String) {
            self.tensor = tensor
            self.rows = rows
            self.indicator = indicator
        }
    }

    /// What the low-norm rows of one input embedding are, by the tokenizer.
    public struct Result: Sendable {
        public var tensor: String
        public var rowCount: Int
        public var medianNorm: Double
        /// The flagged rows with norm and robust score, lowest score first.
        public var rows: [RowSummary.Outlier]
        /// Token text by row; empty without a tokenizer.
        public var tokens: [Int: String]
        /// Flagged rows of tokens known unused by name or construction.
        public var knownUnused: [Int]
        /// Flagged rows of special tokens (`[MASK]`, `<s>`, …).
        public var special: [Int]
        /// Flagged rows past the tokenizer's vocabulary (no token addresses them).
        public var beyondVocabulary: [Int]
        /// Flagged rows of ordinary tokens: the candidates worth a look.
        public var ordinary: [Int]
        /// Flagged rows with no tokenizer to name them. Kept apart from `ordinary` because
        /// without a tokenizer nothing says whether a row is an ordinary, special or unused token.
        public var unnamed: [Int] = []
        /// The tokenizer's vocabulary size; nil without a tokenizer.
        public var vocabularySize: Int?
        /// The pad id, when a file or the user states it and its row is among the flagged ones:
        /// a low pad row is `padding-row-nonzero`'s question (a zero-initialised row), not a
        /// token that missed training, so the message names it.
        public var padRow: PadID?
        /// The row the model type builds with `padding_idx` (config.json's, not the pad id in
        /// use), when flagged and not the pad row, with the sentence saying so: zero at
        /// initialisation and never updated through the lookup, not a token that missed training.
        public var paddingIdxRow: (row: Int, sentence: String)?
        /// For a static embedding model's matrix, why the indicator says less there
        /// (`TokenReport.staticIndicatorNote`), which the finding then says instead of the
        /// language-model reading. Why: `audit` of a model2vec distillation called its most frequent
        /// tokens ("!", "#") ones that "rarely or never received gradient", where its rows are
        /// short by SIF weighting, no gradient involved; `tokens` said so already (helper-145).
        public var staticNote: String?

        public var untrainedRows: UntrainedRows {
            UntrainedRows(tensor: tensor, rows: rows.map(\.row), indicator: UndertrainedIndicator.inputRowNorm.rawValue)
        }
    }

    /// The low-norm rows of `summary` sorted by what `tokenizer` says of them; nil when none.
    /// `padID`: the matrix's pad id (an assumed one is ignored), named when its row is flagged
    /// and sorted into no category (it is not an ordinary, special or unnamed token that missed
    /// training); nil when it is the only flagged row: `padding-row-nonzero` reports that row,
    /// and a finding whose one row it explains away is noise.
    public static func analyze(_ summary: RowSummary, tokenizer: Tokenizer?, unused: Set<Int>, padID: PadID? = nil,
                               paddingIdx: (row: Int, sentence: String)? = nil) -> Result? {
        let low = summary.outliers.filter { $0.score < 0 }.sorted { ($0.score, $0.row) < ($1.score, $1.row) }
        guard !low.isEmpty, let median = summary.norms?.median else { return nil }
        var result = Result(tensor: summary.tensor, rowCount: summary.rowCount, medianNorm: median, rows: low, tokens: [:],
                            knownUnused: [], special: [], beyondVocabulary: [], ordinary: [],
                            vocabularySize: tokenizer?.vocabularySize)
        if let padID, !padID.isAssumed, low.contains(where: { $0.row == padID.id }) {
            result.padRow = padID
        }
        // The padding_idx row, when another than the pad id's (a tokenizer padding with another
        // token than config.json's pad_token_id): Olmo2's row 1 was an "ordinary token" (review).
        if let paddingIdx, paddingIdx.row != result.padRow?.id, low.contains(where: { $0.row == paddingIdx.row }) {
            result.paddingIdxRow = paddingIdx
        }
        let explained = [result.padRow?.id, result.paddingIdxRow?.row].compactMap { $0 }
        guard low.count > explained.count else { return nil }
        for outlier in low {
            let row = outlier.row
            if let tokenizer, let text = tokenizer.token(for: row) { result.tokens[row] = text }
            if explained.contains(row) { continue }
            if let tokenizer {
                if row >= tokenizer.vocabularySize {
                    result.beyondVocabulary.append(row)
                } else if unused.contains(row) {
                    result.knownUnused.append(row)
                } else if tokenizer.isSpecial(row) {
                    result.special.append(row)
                } else {
                    result.ordinary.append(row)
                }
            } else {
                result.unnamed.append(row)
            }
        }
        return result
    }

    /// Rule `untrained-tokens`, one finding per matrix; views of one stored buffer (`buffer`
    /// gives a tensor's `TensorView.bytesKey`, nil when unknown) are one matrix, reported once
    /// naming each view, as `padding-row-nonzero` reports them. Why: a T5 torch file's `shared`
    /// and both `embed_tokens` (one storage) gave three identical findings (review, 2026-12-05).
    public static func findings(_ results: [Result], buffer: (String) -> ExactText? = { _ in nil }) -> [Finding] {
        var views: [ExactText: [String]] = [:]
        for r in results { if let key = buffer(r.tensor) { views[key, default: []].append(r.tensor) } }
        var reported = Set<ExactText>()
        return results.compactMap { r -> Finding? in
            let key = buffer(r.tensor)
            if let key, !reported.insert(key).inserted { return nil }
            return finding(r, alsoReadAs: key.flatMap { views[$0] }?.filter { $0 != r.tensor } ?? [])
        }
    }

    /// The `untrained-tokens` finding of one matrix, and of the other views of its buffer.
    static func finding(_ r: Result, alsoReadAs others: [String]) -> Finding {
            let lowest = r.rows[0]
            func named(_ rows: [Int], _ limit: Int = 3) -> String {
                let names = rows.prefix(limit).map { row in r.tokens[row].map(quoted) ?? "row \(row)" }
                return names.joined(separator: ", ") + (rows.count > limit ? ", …" : "")
            }
            var parts: [String] = []
            if r.vocabularySize == nil {
                // No tokenizer was read: none beside the checkpoint, or one that could not be read
                // (then `tokenizer-unreadable` says why); "none beside" was wrong for the second.
                parts.append("no tokenizer was read (none beside the checkpoint, or an unreadable one), so the rows are not named (\(named(r.unnamed)))")
            } else {
                if !r.knownUnused.isEmpty { parts.append("\(r.knownUnused.count) known unused (\(named(r.knownUnused)))") }
                if !r.special.isEmpty { parts.append("\(r.special.count) special (\(named(r.special)))") }
                if !r.beyondVocabulary.isEmpty {
                    parts.append("\(r.beyondVocabulary.count) beyond the tokenizer's \(r.vocabularySize ?? 0) tokens (\(named(r.beyondVocabulary)))")
                }
                if !r.ordinary.isEmpty { parts.append("\(RowSummary.count(r.ordinary.count, "ordinary token")) (\(named(r.ordinary)))") }
            }
            if let pad = r.padRow {
                // A zero pad row is no padding-row-nonzero question (review, 2026-12-05).
                let zero = r.rows.first { $0.row == pad.id }?.norm == 0
                parts.append(zero
                    ? "row \(pad.id) is the pad row (\(pad.note)), all zero: not a token that missed training"
                    : "row \(pad.id) is the pad row (\(pad.note)): the pad row is padding-row-nonzero's question, not a token that missed training")
            }
            if let padded = r.paddingIdxRow {
                parts.append("row \(padded.row) is the padding_idx row (\(padded.sentence)): zero at initialisation and never updated through "
                    + "the lookup, not a token that missed training")
            }
            let lowestName = r.tokens[lowest.row].map { " " + quoted($0) } ?? ""
            var evidence: [String: Evidence] = [
                "rows": .int(Int64(r.rows.count)), "known_unused": .int(Int64(r.knownUnused.count)),
                "special": .int(Int64(r.special.count)), "beyond_vocabulary": .int(Int64(r.beyondVocabulary.count)),
                "ordinary": .int(Int64(r.ordinary.count)), "unnamed": .int(Int64(r.unnamed.count)),
                "lowest_row": .int(Int64(lowest.row)),
                "lowest_norm": .double(lowest.norm), "median_norm": .double(r.medianNorm),
                "indicator": .string(UndertrainedIndicator.inputRowNorm.rawValue),
            ]
            if let text = r.tokens[lowest.row] { evidence["lowest_token"] = .string(text) }
            if let size = r.vocabularySize { evidence["vocab_size"] = .int(Int64(size)) }
            if let pad = r.padRow { evidence["pad_row"] = .int(Int64(pad.id)) }
            if let padded = r.paddingIdxRow { evidence["padding_idx"] = .int(Int64(padded.row)) }
            let standing = Finding.alsoReadAs(others)
            return Finding(.untrainedTokens, tensors: [r.tensor] + others,
                           message: "\(r.tensor)\(standing): \(r.rows.count) of \(r.rowCount) rows have norms far below the median "
                               + "(robust z < -\(RowSummary.outlierThreshold); lowest row \(lowest.row)\(lowestName) \(RowSummary.short(lowest.norm)) vs median \(RowSummary.short(r.medianNorm))): "
                               + parts.joined(separator: "; ")
                               // Said whatever the tying: beside a padding-row-nonzero that explains a row by a
                               // tie, "never received gradient" read as a contradiction (helper review).
                               + (r.staticNote.map { ". This is \($0); an indicator, not proof" }
                                   ?? ". A low input-embedding norm marks a token that rarely or never received gradient through the input; "
                                   + "in a matrix tied to the output layer every row also gets that layer's gradient, so a norm says less there: "
                                   + "an indicator, not proof"),
                           evidence: evidence)
    }
}
