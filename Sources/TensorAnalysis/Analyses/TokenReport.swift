import CheckpointIO
import TensorScan
import ModelKnowledge

/// What `tensoraudit tokens` reports: per token matrix, how its rows line up with the
/// tokenizer (rows beyond the vocabulary, tokens known unused) and the under-trained candidates
/// among ordinary tokens by the indicator "Fishing for Magikarp" (Land & Bartolo 2024) chooses
/// for the matrix's tying: the input row norm for an untied (or unknown) matrix, the cosine
/// distance to the known-unused rows after removing the first principal component for a tied
/// or output matrix (`UndertrainedIndicator.choose`).
public struct TokenReport: Sendable {
    public struct Matrix: Sendable {
        public var tensor: String
        public var role: PaddingAnalysis.Role
        public var rows: Int
        /// The tokenizer's vocabulary size (not config.json's); nil without a tokenizer.
        public var vocabularySize: Int?
        /// Rows no token addresses: `[vocabularySize, rows)`.
        public var rowsBeyondVocabulary: Range<Int>?
        /// Token ids with no row: `[rows, vocabularySize)` (nil for a matrix whose rows are not ids).
        public var tokensBeyondRows: Range<Int>?
        /// Tokens known unused by name or construction, with a row in this matrix.
        public var unusedTokens: [UnusedToken]
        public var tying: TyingJudgement
        /// nil when no indicator applies (a tied matrix with no known-unused token to compare with).
        public var indicator: UndertrainedIndicator?
        public var selection: CandidateSelection?
        /// Token text of each candidate row.
        public var candidateTokens: [Int: String]
        /// Why the indicator differs from the paper's choice, or could not run.
        public var notes: [String]
        /// Whether a tokenizer sorted this matrix's rows into ordinary, special and known-unused
        /// tokens, so the candidates are ordinary tokens; false without one, or when tokens
        /// share rows through a mapping: the candidates are rows of no known kind. Why: the text
        /// said "640 ordinary tokens in the lowest 2%" of a bare file with no tokenizer
        /// (reader's review, 2026-12-05).
        public var rowsClassified = true
        /// Groups of rows with identical bytes (each sorted, groups by first row), and the token
        /// text of each row in them. Why listed here: rows start distinct (random init), so rows
        /// still byte-identical got identical updates and never learned apart — whatever the
        /// tying, where the indicators may not run (SmolLM2's tied matrix with no
        /// known-unused token listed nothing, beside `audit`'s 4 groups of identical rows;
        /// reader's review, 2026-12-05). The same groups as `duplicate-rows`.
        public var identicalRowGroups: [[Int]] = []
        public var identicalRowTokens: [Int: String] = [:]
        /// What the groups say (`RowSummary.identicalRowsMeaning`, and for a static model that
        /// its rows are not trained from a random start), for the text.
        public var identicalRowsMeaning = ""
        /// Rows whose every value is zero (±0): left out of the groups (they are `rows`' and
        /// `audit`'s zero rows), and counted so the text can say so; nil where rows are not token
        /// ids. Why: a tied matrix with 60 zero rows showed nothing about them (review, 2026-12-05).
        public var zeroRows: Int?

        public var untrainedRows: TokenAnalysis.UntrainedRows? {
            guard let selection, let indicator, !selection.candidates.isEmpty else { return nil }
            return TokenAnalysis.UntrainedRows(tensor: tensor, rows: selection.candidates.map(\.row), indicator: indicator.rawValue)
        }
    }

    public var tokenizer: Tokenizer?
    /// The tokenizer files read, in the order applied.
    public var tokenizerSources: [String]
    public var padID: PadID?
    public var matrices: [Matrix]
    public var notes: [String]
    /// `untrained-tokens` on the input embeddings, as `audit` reports it.
    public var findings: [Finding]

    /// Largest matrix (rows × columns) the unused-similarity indicator decodes into memory:
    /// power iteration passes over the matrix up to `PrincipalComponent.defaultMaxIterations`
    /// times, so it runs on decoded rows (8 bytes a value: 256 MiB at this bound, a 64k × 4096
    /// matrix). Larger matrices fall back to the row norm, with a note.
    public static let similarityValueBudget = 1 << 25

    /// Builds the report for the detected token matrices (or `tensors`).
    public static func make(_ checkpoint: Checkpoint, tensors requested: [String] = [], percentile: Double = 2,
                            limit: Int = 100, knowledge given: CheckpointKnowledge? = nil) throws(CheckpointError) -> TokenReport {
        let knowledge = given ?? CheckpointKnowledge.read(checkpoint)
        let matrices = try TokenMatrices(checkpoint, requested: requested)
        let tokenizer = knowledge.tokenizer
        var notes = knowledge.notes
        if tokenizer == nil && knowledge.notes.isEmpty { notes.append("no tokenizer files beside the checkpoint: rows are not named") }
        if matrices.matrices.isEmpty {
            notes.append(checkpoint.tensors.isEmpty ? "the checkpoint holds no tensors, so no token matrix"
                             : "no token matrix found by name or by config.json shape (use --tensor)")
        }
        let unused = knowledge.unusedTokens
        let unusedIDs = Set(unused.map(\.id))
        let aliases = TensorNames.aliases(in: checkpoint)
        var report = TokenReport(tokenizer: tokenizer, tokenizerSources: tokenizer?.sources ?? [],
                                 padID: PadIDResolver.resolve(flag: nil, config: knowledge.config, tokenizer: tokenizer, rowCount: nil).padID,
                                 matrices: [], notes: notes, findings: [])
        var lowNorm: [TokenAnalysis.Result] = []
        for (view, role) in matrices.matrices {
            // A model2vec matrix with a mapping: rows are shared by tokens, so no row is one token.
            let byID = matrices.rowsAreTokenIDs(view.name)
            let tokenizer = byID ? tokenizer : nil
            let unused = byID ? unused : []
            let unusedIDs = byID ? unusedIDs : []
            guard view.shape.count == 2, let moments = view.rowMoments() else {
                report.notes.append("\(view.name): \(view.statisticsUnavailableReason ?? "not a matrix"), skipped")
                continue
            }
            let tied = PaddingAnalysis.tiedWith(view, checkpoint: checkpoint, aliases: aliases)
            let layout = PaddingAnalysis.staticLayout(checkpoint).flatMap { $0.embeddings == view.name ? $0 : nil }
            let tying = layout.map(PaddingAnalysis.staticTying)
                ?? PaddingAnalysis.tying(for: view, role: role, tiedWith: tied, checkpoint: checkpoint,
                                         aliases: aliases, config: knowledge.config)
            var matrix = Matrix(tensor: view.name, role: role, rows: view.rowCount, vocabularySize: tokenizer?.vocabularySize,
                                rowsBeyondVocabulary: tokenizer.flatMap { rowsBeyondVocabulary(rows: view.rowCount, vocabularySize: $0.vocabularySize) },
                                tokensBeyondRows: tokenizer.flatMap { tokensBeyondRows(rows: view.rowCount, vocabularySize: $0.vocabularySize) },
                                unusedTokens: unused.filter { $0.id < view.rowCount }, tying: tying, indicator: nil,
                                selection: nil, candidateTokens: [:], notes: [])
            let plainRows = matrices.rowsAreNotTokens(view.name)
            if plainRows {
                // Not a token matrix by name: rows are compared with no token, and no indicator
                // of untrained tokens applies (a position embedding's rows are positions).
                let note = matrices.plainRowsNote(view.name)
                if !note.isEmpty { matrix.notes.append(note) }
                report.matrices.append(matrix)
                continue
            }
            if !byID {
                matrix.vocabularySize = knowledge.tokenizer?.vocabularySize
                matrix.notes.append("tokens reach rows through \(PaddingAnalysis.staticLayout(checkpoint)?.mapping ?? "a mapping"): a row is not one token, so rows are not named")
            }
            let isOutput = role == .outputProjection || TensorNames.isOutputProjection(view.name)
            // An output matrix's rows all receive gradient through the softmax, like a tied one's.
            let judged = isOutput ? TyingJudgement(tied: true, evidence: tying.evidence, detail: tying.detail,
                                                   outputProjectionPresent: true) : tying
            matrix.indicator = UndertrainedIndicator.choose(for: judged, knownUnusedCount: matrix.unusedTokens.count)
            matrix.rowsClassified = tokenizer != nil
            if let layout, matrix.indicator != nil { matrix.notes.append(staticIndicatorNote(layout)) }
            // The pad id's row and the row the model builds with padding_idx are no ordinary
            // tokens: zero-initialised, never updated through the lookup (a BigBird pad row 0 was
            // "1 ordinary tokens" without a tokenizer; review, 2026-12-05). As `audit` sorts them.
            let pad = byID ? PadIDResolver.resolve(flag: nil, config: knowledge.config, tokenizer: knowledge.tokenizer,
                                                   rowCount: view.rowCount).padID.flatMap { $0.isAssumed ? nil : $0 } : nil
            let paddingIdx = byID && matrices.isDetectedInputEmbedding(view.name)
                ? PaddingAnalysis.inputPaddingIdxNote(rows: view.rowCount, config: knowledge.config) : nil
            let explained = Set([pad?.id, paddingIdx?.row].compactMap { $0 })
            let eligible = (0..<min(view.rowCount, tokenizer?.vocabularySize ?? view.rowCount)).filter { row in
                guard !explained.contains(row) else { return false }
                guard let tokenizer else { return true }
                return tokenizer.token(for: row) != nil && !tokenizer.isSpecial(row) && !unusedIDs.contains(row)
            }
            var scores: [Double]?
            switch matrix.indicator {
            case .inputRowNorm?:
                scores = moments.map(\.l2Norm)
            case .unusedSimilarity?:
                if view.elementCount <= similarityValueBudget {
                    scores = similarityScores(view, knownUnused: matrix.unusedTokens.map(\.id), notes: &matrix.notes)
                } else {
                    matrix.notes.append("\(view.elementCount) values is over the \(similarityValueBudget)-value budget of the unused-similarity indicator: candidates by input row norm instead, a weaker indicator for a tied or output matrix")
                    matrix.indicator = .inputRowNorm
                    scores = moments.map(\.l2Norm)
                }
            case nil:
                // Reached for a tied matrix or an output projection (judged as tied above); say
                // which, so the note never contradicts the matrix's own `tying`.
                let why = tying.tied == true ? "the matrix is tied" : "the matrix is an output projection (every row receives gradient through the softmax, so row norms mislead)"
                let source = tokenizer == nil ? "no tokenizer was read, so no unused token is known" : "the tokenizer names no unused token"
                // An input embedding's low rows are still `untrained-tokens`' (by row norm, the
                // weaker reading for a tied matrix): "no indicator applies" beside that finding
                // read as a contradiction (reader's review, 2026-12-05).
                let lowNorms = matrices.isInputEmbedding(view.name)
                    ? "; untrained-tokens still reads this input embedding's row norms, which say less in a tied matrix" : ""
                matrix.notes.append("\(why), but \(source) to compare rows with: no candidates are listed\(lowNorms)")
            }
            if let scores {
                let selection = UndertrainedIndicators.candidates(scores: scores, eligible: eligible, percentile: percentile, limit: limit)
                matrix.selection = selection
                if selection.threshold == nil {
                    matrix.notes.append(noThresholdNote(rows: view.rowCount, scores: scores, eligible: eligible,
                                                        tokenizer: tokenizer, unused: unusedIDs))
                }
                for candidate in selection.candidates { matrix.candidateTokens[candidate.row] = tokenizer?.token(for: candidate.row) }
            }
            // An input embedding's summary serves `untrained-tokens` and the groups below: its
            // duplicate groups are not searched a second time.
            let summary = matrices.isInputEmbedding(view.name) ? RowSummary(view: view, moments: moments, keepingRows: false) : nil
            if byID {
                matrix.identicalRowGroups = summary?.duplicateGroups ?? RowSummary.duplicateRows(view, moments)
                for row in matrix.identicalRowGroups.joined() { matrix.identicalRowTokens[row] = tokenizer?.token(for: row) }
                matrix.zeroRows = summary?.zeroRows.count ?? moments.reduce(0) { $0 + ($1.allValuesZero ? 1 : 0) }
                let (weak, sentence) = RowSummary.identicalRowsMeaning(rowLength: view.rowLength, dtype: view.elementType)
                matrix.identicalRowsMeaning = weak ? sentence
                    : layout != nil ? RowSummary.staticModelIdenticalRows
                    : view.elementType.blockType != nil
                    ? "randomly initialised rows start distinct: " + sentence
                    : "randomly initialised rows start distinct, and rows still byte-identical got identical updates: " + sentence
            }
            if let summary,
               var result = TokenAnalysis.analyze(summary, tokenizer: tokenizer, unused: unusedIDs, padID: pad, paddingIdx: paddingIdx) {
                result.staticNote = layout.map(staticIndicatorNote)
                lowNorm.append(result)
            }
            report.matrices.append(matrix)
        }
        report.findings = TokenAnalysis.findings(lowNorm, buffer: { checkpoint.tensor(named: $0)?.bytesKey })
        return report
    }

    /// Why no percentile could be taken: no ordinary token has a row with a finite score. Each
    /// row is counted once, under the first that applies: beyond the vocabulary, no token,
    /// special, known unused, a NaN or ±Inf score. Without it the report read "0 ordinary tokens
    /// in the lowest 2% (score at most n/a)" and gave no reason.
    /// Why a static embedding model's candidates are weaker evidence than a language model's:
    /// the indicator comes from transformer language models, whose input rows move only when
    /// their token is seen; a static model's rows are distilled or trained otherwise. model2vec's
    /// `distill` without vocabulary quantisation scales row i by sif / (sif + p_i), p_i Zipf's
    /// law over the vocabulary order (`compute_weights`, on by default: `sif_coefficient=1e-4` in
    /// model2vec 0.10.0), so low ids, frequent tokens in most vocabularies, get short rows; with
    /// vocabulary quantisation it keeps those weights in `weights` and the rows are cluster
    /// centres (`quantize_vocabulary`), so the clause is said only of a layout without
    /// `weights`. Why: a static model's candidates listed "▁the" and "," with no caveat
    /// (reader's review, 2026-12-05); the first wording said the scaling of every model2vec
    /// layout (adversarial review).
    static func staticIndicatorNote(_ layout: StaticEmbeddingLayout) -> String {
        let made = "a static embedding model: the indicator was made for transformer language models, whose input rows move only when their token is seen; "
            + "static models are distilled or trained otherwise"
        guard layout.weights == nil else { return made }
        return made + ", and model2vec's distillation (without vocabulary quantisation) scales each row by a weight that grows with the token's id "
            + "(SIF weighting under Zipf's law over the vocabulary order, on by default), so low ids, frequent tokens in most vocabularies, "
            + "get short rows: a low score here may be a frequent token, not an untrained one"
    }

    static func noThresholdNote(rows: Int, scores: [Double], eligible: [Int], tokenizer: Tokenizer?, unused: Set<Int>) -> String {
        var beyond = 0, unnamed = 0, special = 0, known = 0
        if let tokenizer {
            for row in 0..<rows {
                if row >= tokenizer.vocabularySize { beyond += 1 }
                else if tokenizer.token(for: row) == nil { unnamed += 1 }
                else if tokenizer.isSpecial(row) { special += 1 }
                else if unused.contains(row) { known += 1 }
            }
        }
        let nonFinite = eligible.filter { $0 < scores.count && !scores[$0].isFinite }.count
        let parts = [(special, "special"), (known, "known unused"), (unnamed, "without a token in the vocabulary"),
                     (beyond, "beyond the tokenizer's vocabulary"), (nonFinite, "ordinary with a NaN or Inf score")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        return "no ordinary token has a finite score, so the percentile has nothing to rank and there are no candidates"
            + (parts.isEmpty ? "" : ": of \(rows) rows, " + parts.joined(separator: ", "))
    }
}
