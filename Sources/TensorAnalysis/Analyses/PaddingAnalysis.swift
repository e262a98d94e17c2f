import SafetensorsFormat
import CheckpointIO
import GGUFFormat
import StrictJSON
import TensorScan
import ModelKnowledge

/// The padding-row audit: does the embedding row of the padding token hold zeros, and if not,
/// what does the evidence say about the matrix (is it tied to the output projection, whose
/// softmax gradient reaches every row)?
///
/// Every conclusion is graded by its evidence: the pad id by where it was found
/// (`PadIDResolver`: `--pad-id`, config.json, the tokenizer, else none — no id is assumed),
/// tying by `TyingJudge` (the bytes, a metadata alias, an explicit config value, the model
/// type's documented default, or unknown). Causes the file cannot show (how a zero row came to
/// be zero) are not stated.
public enum PaddingAnalysis {
    /// The role a matrix plays, as its name (or shape) says.
    public enum Role: String, Sendable {
        case embedding
        case outputProjection = "output-projection"
        /// Chosen with `--tensor`.
        case requested

        /// Whether the matrix `name` of this role is an output projection: found as one, or
        /// chosen with `--tensor` and named like one.
        func isOutputProjection(_ name: String) -> Bool {
            self == .outputProjection || (self == .requested && TensorNames.isOutputProjection(name))
        }

        /// Whether what names say about token matrices applies to `name`: a matrix found as
        /// one, or a `--tensor` choice named like an input embedding or output projection (a
        /// query projection or a position embedding chosen with `--tensor` is neither).
        func isNamedTokenMatrix(_ name: String) -> Bool {
            self != .requested || TensorNames.isEmbedding(name) || TensorNames.isOutputProjection(name)
        }
    }

    public struct Result: Sendable {
        public var tensor: String
        public var role: Role
        /// The pad token id and where it came from.
        public var padID: PadID
        /// The tokenizer's text of the pad id; nil without a tokenizer.
        public var padToken: String?
        /// The stored row analysed: the pad id itself unless a layout maps token ids to rows.
        public var rowIndex: Int
        public var rows: Int
        /// Statistics of the pad row.
        public var padRow: RowMoments
        /// 1 = smallest norm; ties rank by row index. `nil` when the pad row's norm is NaN.
        public var rank: Int?
        /// Distribution of the finite row norms of the matrix.
        public var norms: Distribution?
        /// Tensors with the same dtype, shape and bytes, plus metadata aliases of this one.
        public var tiedWith: [String]
        /// The names of `tiedWith` that are this matrix's tie partner (`PaddingAnalysis.tiePartners`);
        /// the others are byte copies of no known role.
        public var tiePartners: [String]
        /// Whether the matrix is tied to the output projection, and on what evidence.
        public var tying: TyingJudgement
        /// The static embedding layout the matrix belongs to (model2vec, sentence-transformers
        /// static), when it does.
        public var staticLayout: StaticEmbeddingLayout?
        /// model2vec's per-token weight of the pad token (`weights[pad_id]`), which scales its row.
        public var tokenWeight: Double?
        /// How many other tokens a model2vec mapping sends to the pad token's row (0: none, or
        /// no mapping): the row is theirs too, so a non-zero row is expected.
        public var rowSharers = 0
        /// A `--tensor` choice whose rows are not tokens by its name (a position embedding):
        /// the pad id indexes tokens, so its row here is no pad token's and nothing says it
        /// should be zero.
        public var rowsAreNotTokens = false
        /// Why the pad row was never zeroed, when the model type builds its input embedding
        /// without `padding_idx` on that row (T5, GPT-2: none; MPNet: fixed at 1): a sentence
        /// naming the config class. nil when the row is the one `padding_idx` zeroes, or the
        /// model type is not known.
        public var unpaddedRow: String? = nil
        /// What `unpaddedRow` rests on: config.json's pad_token_id (`config`) or the model
        /// type's built-in facts and defaults (`model-type-default`).
        public var unpaddedRowEvidence = "model-type-default"
        /// The sentence saying the model type builds its input embedding with `padding_idx` on
        /// this row, and what that rests on (`config`, `model-type-default`); nil when it does
        /// not or is not known. Said of a zero pad row (`all-zero-rows`).
        public var paddedRow: (sentence: String, evidence: String)? = nil
        /// When config.json's architectures have no output projection (a classifier, a bare
        /// encoder) but the config or the model type's default ties word embeddings: the
        /// sentence saying that a pre-training head would have been tied to this matrix.
        public var pretrainingTie: String?
        /// ‖pad row − mean of the other rows‖₂, when the pad token is the tokenizer's last added
        /// token on the matrix's last row and the row lies that close to the mean (at most 1e-3
        /// of the median row norm): a row `resize_token_embeddings` added after training.
        public var distanceFromMeanRow: Double?
        /// Where the matrix's bytes are (`path|range`): matrices that are views of one stored
        /// buffer (a torch file saving BART's `shared`, both `embed_tokens` and `lm_head` once)
        /// share it, and their pad row is reported once.
        /// By code points, as `TensorView.sharesBytes` compares paths: files named `café`
        /// precomposed and decomposed are two files.
        public var bufferKey = ExactText("")
        /// The model type builds its embedding with `padding_idx` on this row (config.json's
        /// pad_token_id, or a fixed index): zero and frozen when built from this config.
        public var paddingIdxOnRow = false
        /// The other roles of the pad token when it is also a token the model reads in
        /// training (`eos_token`, …): its row is trained as that token.
        public var sharedRoles: [String] = []
        /// Those of `sharedRoles` only config.json states (its `eos_token_id`, …), not the tokenizer.
        public var configOnlyRoles: [String] = []
        /// Why it is not known whether the model zeroes the pad row (`paddingIdxUnknown`): no
        /// config.json, no model_type in it, or a model type outside the defaults table. nil
        /// when the model type is known (or for GGUF files and static embeddings).
        public var paddingIdxUnknown: String? = nil
        /// Rows of tokens the tokenizer marks as never used (`[unused12]`, reserved slots):
        /// the pad row compared with rows that received no training signal as tokens.
        public var unusedRows: UnusedRowNorms?
        public var explanation: String

        public var rowNorm: Double { padRow.l2Norm }
        /// Zero by value (−0.0 counts as zero).
        public var isZero: Bool { padRow.allValuesZero }
        public var isZeroBits: Bool { padRow.allBitsZero }
    }

    /// Norms of the known-unused tokens' rows of a matrix.
    public struct UnusedRowNorms: Sendable, Equatable {
        /// How many known-unused tokens have a row with a finite norm.
        public var count: Int
        public var median: Double
        public var minimum: Double
        public var maximum: Double
        /// Two example tokens, for text.
        public var sample: [String]
    }

    public struct Report: Sendable {
        public var results: [Result]
        /// Things a reader must know: no padding token, disagreeing sources, skipped tensors.
        public var notes: [Note]
        /// The pad id used, when a source gave one (each result carries it too; this one is
        /// also there when no matrix was analysed).
        public var padID: PadID?
    }

    /// Analyses the embedding matrices (or `tensors`, when given) of `checkpoint`.
    /// `rowMoments` (by tensor name, each `rowMoments()`'s value) spares re-reading matrices
    /// another pass already reduced; missing ones are read here. Keyed by `String`, a caller's
    /// dictionary holds one of two canonically equivalent names; the audit's own stage passes
    /// them by code points (the overload below). `knowledge` is read from the
    /// files beside the checkpoint when not given.
    public static func analyze(_ checkpoint: Checkpoint, padID option: Int? = nil, tensors requested: [String] = [],
                               rowMoments known: [String: RowMomentsList] = [:],
                               knowledge: CheckpointKnowledge? = nil) throws(CheckpointError) -> Report {
        try analyze(checkpoint, padID: option.map(PadID.flag), tensors: requested,
                    rowMoments: Dictionary(known.map { (ExactText($0.key), $0.value) }, uniquingKeysWith: { first, _ in first }),
                    matrices: nil, knowledge: knowledge ?? CheckpointKnowledge.read(checkpoint))
    }

    /// `analyze` with the name- and config-matched `matrices(checkpoint)` already found (the
    /// audit finds them once, before its scan, to keep their row moments), and optionally each
    /// tensor's copies (same dtype, shape and bytes, by name) from the tie analysis, which the
    /// audit confirmed during its scan: comparing the matrices here again read both copies a
    /// second time.
    ///
    /// `rowNorms`: each matrix's row norms and their distribution, when the audit made them on
    /// the core that finished the matrix (they need no pad id); made here otherwise.
    ///
    /// `rowMoments` and `rowNorms` are keyed by the name's UTF-8 bytes: two tensors whose names
    /// are canonically equivalent (é precomposed, or e and a combining accent) are equal as
    /// Swift strings, and keyed by `String` one took the other's rows (an audit gave one matrix's
    /// pad-row norm under the other's name; adversarial review, 2026-12-04).
    ///
    /// `readingMissingRows`: whether a matrix missing from `rowMoments` is read here. The audit
    /// passes false (no stage reads bytes outside its scan): such a matrix is noted as
    /// `noStatistics`, which `statistics-skipped` already reports.
    ///
    /// The token matrices are found before the pad id: a checkpoint without one is "no embedding
    /// matrix found", not "no pad token found … use --pad-id", which no pad id could change.
    ///
    /// `padIDOptions`: how the user of the command can give a pad id, for that note: `padding`
    /// takes `--pad-id`; `audit` takes it or the policy file's `pad_id`.
    ///
    /// The tokenizer's notes about pad token sources it did not use (`Tokenizer.padTokenNotes`,
    /// also in `knowledge.notes`) are `padIDSourceIgnored`, as the resolver's own are.
    static func analyze(_ checkpoint: Checkpoint, padID given: PadID?, tensors requested: [String],
                        rowMoments known: [ExactText: RowMomentsList],
                        matrices found: [(TensorView, Role)]?, knowledge: CheckpointKnowledge,
                        copies: TieAnalysis.Copies? = nil, rowNorms: [ExactText: RowNorms] = [:],
                        readingMissingRows: Bool = true, padIDOptions: String = "--pad-id") throws(CheckpointError) -> Report {
        let padTokenNotes = Set(knowledge.tokenizer?.padTokenNotes ?? [])
        var notes = knowledge.notes.map { Note(padTokenNotes.contains($0) ? .padIDSourceIgnored : .knowledge, $0) }
        let resolution = PadIDResolver.resolve(given: given, config: knowledge.config, tokenizer: knowledge.tokenizer, rowCount: nil)
        notes += resolution.notes.map { Note(.padIDSourceIgnored, $0) }
        var candidates: [(TensorView, Role)] = []
        if requested.isEmpty {
            candidates = found ?? matrices(checkpoint)
            if candidates.isEmpty {
                // A file of no tensors (a vocabulary-only GGUF) has no matrix --tensor could name.
                notes.append(Note(.noTokenMatrix, checkpoint.tensors.isEmpty ? "the checkpoint holds no tensors, so no embedding matrix"
                                      : "no embedding matrix found by name or by config.json shape (use --tensor)"))
                return Report(results: [], notes: notes, padID: resolution.padID)
            }
        } else {
            // A name given twice is one matrix (as in `TokenMatrices`: compared as bytes).
            var seen = Set<ExactText>()
            for name in requested where seen.insert(ExactText(name)).inserted {
                guard let view = checkpoint.tensor(named: name) else {
                    throw .tensorNotFound(path: checkpoint.path, name: name)
                }
                candidates.append((view, .requested))
            }
        }
        guard let padID = resolution.padID else {
            notes.append(Note(.noPadToken, tensors: candidates.map(\.0.name),
                              "no pad token found (" + searchedSources(checkpoint, knowledge) + "): nothing analysed; use \(padIDOptions) to choose a row"))
            return Report(results: [], notes: notes, padID: nil)
        }
        let aliases = TensorNames.aliases(in: checkpoint)
        // The token matrices found by name and shape, asked for only with `--tensor`.
        var detected: Set<ExactText>?
        func detectedNames() -> Set<ExactText> {
            if let detected { return detected }
            let names = Set(matrices(checkpoint).map { ExactText($0.0.name) })
            detected = names
            return names
        }
        let unused = knowledge.unusedTokens
        let staticLayout = staticLayout(checkpoint)
        var results: [Result] = []
        for (view, role) in candidates {
            guard view.shape.count == 2 else {
                notes.append(Note(.notAMatrix, tensors: [view.name], "\(view.name) is not a matrix (shape \(view.shape)): skipped"))
                continue
            }
            // A static model's pad token may live in another row (model2vec's mapping).
            let layout = staticLayout.flatMap { $0.embeddings == view.name ? $0 : nil }
            var row = padID.id
            var weight: Double?
            var sharers = 0
            if let layout {
                let found = staticRow(of: padID.id, in: layout, checkpoint: checkpoint,
                                      isToken: knowledge.tokenizer.map { tokenizer in { tokenizer.token(for: $0) != nil } })
                guard let mapped = found.row else {
                    notes.append(Note(.noMappedRow, tensors: [view.name], "\(view.name): \(found.problem ?? "no row for pad id \(padID.id)"), skipped"))
                    continue
                }
                row = mapped
                weight = found.weight
                sharers = found.otherTokens
            }
            guard row >= 0 && row < view.rowCount else {
                // A `[3, 0]` matrix has three rows of nothing: "has 0 rows" misstated it (JSON
                // contract review, 2026-12-05).
                let rows = view.info.shape.count >= 2 ? view.info.shape[0] : UInt64(view.rowCount)
                let why = row >= 0 && UInt64(row) < rows
                    ? "\(view.name) holds no elements (shape \(view.info.shape)): its pad row \(padID.id) has nothing to check, skipped"
                    : "\(view.name) has \(rows) rows: pad id \(padID.id) is out of range (0..<\(rows)), skipped"
                notes.append(Note(.padIDOutOfRange, tensors: [view.name], why))
                continue
            }
            let exactName = ExactText(view.name)
            guard let moments = known[exactName] ?? (readingMissingRows ? view.rowMoments() : nil) else {
                notes.append(Note(.noStatistics, tensors: [view.name],
                                  "\(view.name): \(view.statisticsUnavailableReason ?? "no row statistics"), skipped"))
                continue
            }
            var result = measure(view, role: role, moments: moments, padID: padID, row: row, checkpoint: checkpoint,
                                 aliases: aliases, copies: copies.map { $0[view.name] ?? [] }, norms: rowNorms[exactName])
            // A `--tensor` choice whose rows are not tokens (a position embedding) has no pad token.
            let plain = role == .requested && TokenMatrices.rowsArePlain(view, detected: detectedNames(), vocabulary: checkpoint.config?.vocabSize)
            result.padToken = plain ? nil : knowledge.tokenizer?.token(for: padID.id)
            result.rowsAreNotTokens = plain
            result.bufferKey = view.bytesKey
            result.staticLayout = layout
            result.tokenWeight = weight
            result.rowSharers = sharers
            // Row moments a value comparison may ask for: this matrix's, another token matrix's
            // the audit made, or (outside the audit) read now.
            let momentsOf: (TensorView) -> RowMomentsList? = { other in
                ExactText.same(other.name, view.name) ? moments : known[ExactText(other.name)] ?? (readingMissingRows ? other.rowMoments() : nil)
            }
            result.tying = layout.map(staticTying) ?? tying(for: view, role: role, tiedWith: result.tiedWith,
                                                            checkpoint: checkpoint, aliases: aliases, config: knowledge.config,
                                                            moments: momentsOf)
            if layout == nil, role.isNamedTokenMatrix(view.name), !role.isOutputProjection(view.name) {
                result.unpaddedRow = unpaddedRow(row, config: knowledge.config)
                result.paddedRow = paddedRow(row, rows: view.rowCount, config: knowledge.config)
                let padding = knowledge.config.flatMap { config in config.modelType.flatMap(ModelTypeFacts.fact(for:)) }?.embeddingPadding
                if case .followsPadTokenID? = padding {
                    // Only a pad id that follows pad_token_id rests on what config.json states.
                    if case .value = knowledge.config?.padTokenID { result.unpaddedRowEvidence = "config" }
                    if case .null = knowledge.config?.padTokenID { result.unpaddedRowEvidence = "config" }
                    if case .value(let id) = knowledge.config?.padTokenID, id == row { result.paddingIdxOnRow = true }
                }
                if case .fixed(let index)? = padding, index == row { result.paddingIdxOnRow = true }
                (result.sharedRoles, result.configOnlyRoles) = sharedRoles(of: padID.id, tokenizer: knowledge.tokenizer, config: checkpoint.config)
                // A headless class's pre-training head; a class that never ties had its own.
                if result.tying.evidence == .architecture, !result.tying.architectureNeverTies {
                    result.pretrainingTie = pretrainingTie(config: knowledge.config)
                } else if result.tying.tied == nil {
                    // A GGUF encoder of unknown source class whose every source type ties by default.
                    result.pretrainingTie = result.tying.pretrainingTie
                }
                if !checkpoint.files.contains(where: { $0.formatName == "gguf" }) {
                    result.paddingIdxUnknown = paddingIdxUnknown(config: knowledge.config)
                }
                if !result.isZero, result.unpaddedRow == nil, result.sharedRoles.isEmpty, !result.tying.justifiesTiedExplanation,
                   isLastAddedToken(row, of: view, tokenizer: knowledge.tokenizer), let median = result.norms?.median {
                    result.distanceFromMeanRow = meanRowDistance(view, row: row).flatMap { $0 <= 1e-3 * median ? $0 : nil }
                }
            }
            // Known-unused tokens are token ids: their rows are ids only when nothing maps them.
            // Rows that are not tokens have no known-unused tokens to compare the pad row with.
            // The pad row itself is never among them: it is what they are compared with
            // (a pad id from config.json that the tokenizer files do not name was; helper-150).
            result.unusedRows = layout?.mapping == nil && !plain ? unusedRowNorms(moments, unused: unused.filter { $0.id != row }) : nil
            result.explanation = explanation(result)
            results.append(result)
        }
        return Report(results: results, notes: notes, padID: padID)
    }

    /// Why a headless model's embedding may still have been tied when it was pre-trained, or
    /// nil. Why: a BERT sequence classifier fine-tuned from `bert-base-uncased` has no output
    /// projection, and its pad row was "no tie accounts for it" (a warning), where its masked-LM
    /// pre-training tied the embedding to the decoder (BertConfig ties by default) and moved
    /// that row: the brief's own case (black-box QA run, 2026-12-05). What the files show is
    /// only that the saved model ties nothing now.
    static func pretrainingTie(config: ModelConfigFacts?) -> String? {
        guard let config else { return nil }
        if case .value(true) = config.tieWordEmbeddings {
            return "config.json's tie_word_embeddings true says its model type's LM head is tied to this matrix"
        }
        guard case .absent = config.tieWordEmbeddings, let type = config.modelType,
              let fact = ModelTypeFacts.fact(for: type), fact.tiesWordEmbeddings else { return nil }
        return "\(fact.configClass) ties word embeddings by default (model-type-default, implied), so the model type's pre-training head "
            + "(a masked- or causal-LM decoder) would have been tied to this matrix"
    }

    /// Whether `row` is the matrix's last row and the tokenizer's added token of the highest id:
    /// where `add_special_tokens` plus `resize_token_embeddings` put a pad token added after
    /// training (the Alpaca recipe).
    static func isLastAddedToken(_ row: Int, of view: TensorView, tokenizer: Tokenizer?) -> Bool {
        guard let tokenizer, row == view.rowCount - 1, row > 0, view.elementType.blockType == nil else { return false }
        return tokenizer.addedTokens.map(\.id).max() == row
    }

    /// ‖row − the mean of the other rows‖₂ (a second read of the matrix, done only on the path
    /// above), or nil when a value is not finite.
    ///
    /// Why: transformers' `resize_token_embeddings` (mean_resizing, the default since 4.46) gives
    /// an added row the mean of the old rows, perturbed by 1e-9 of their covariance; a Llama
    /// whose `[PAD]` was added so had its row "not tied, so nothing accounts for it" and
    /// untrained-tokens called it "a pad row starts at zero" (black-box QA run, 2026-12-05:
    /// the row equalled the mean within 1.4e-5).
    static func meanRowDistance(_ view: TensorView, row: Int) -> Double? {
        var sums = [Double](repeating: 0, count: view.rowLength)
        for r in 0..<view.rowCount where r != row {
            for (k, x) in view.decodedRow(r).enumerated() { sums[k] += x }
        }
        let count = Double(view.rowCount - 1)
        let padRow = view.decodedRow(row)
        var squares = 0.0
        for (k, x) in padRow.enumerated() {
            let d = x - sums[k] / count
            squares += d * d
        }
        return squares.isFinite ? squares.squareRoot() : nil
    }

    /// Roles besides `pad_token` that the tokenizer (or config.json's `eos_token_id` /
    /// `bos_token_id`) gives the pad id, among the tokens a model reads as input in training (a
    /// pad token that is also `</s>` is trained as `</s>`). Why config.json too: a folder
    /// without tokenizer files whose config gives 2 as both pad and EOS id kept the warning
    /// (regression hunt, 2026-12-05).
    ///
    /// A WordPiece tokenizer (tokenizer.json's WordPiece model, or vocab.txt) names every role
    /// it builds inputs with, so with one read config.json's roles add nothing: one it lacks is
    /// no token the model reads (BERT and ALBERT configs saved by transformers 2.x carry
    /// `bos_token_id: 0` by default, and every such fine-tune's pad row was "also the bos_token,
    /// a token the model reads in training", the pre-training tie that explains it unsaid;
    /// helper-149), and one it gives to another id names another row (a MiniLM config's
    /// `eos_token_id: 0` beside the tokenizer's eos `[SEP]`, 102; hunt-52a D11). Other
    /// tokenizers keep config.json's roles: a Llama tokenizer's eos comes from its class's
    /// defaults, which the files need not state (helper-150).
    /// `configOnly`: the kept roles only config.json states, which the messages attribute to it.
    static func sharedRoles(of id: Int, tokenizer: Tokenizer?, config: ModelConfig? = nil) -> (roles: [String], configOnly: [String]) {
        let read: Set<String> = ["eos_token", "bos_token", "unk_token", "sep_token", "cls_token", "mask_token"]
        let fromTokenizer = Set((tokenizer?.specialTokens.filter { $0.id == id }.flatMap(\.roles) ?? []).filter(read.contains))
        let wordPiece = tokenizer.map { $0.kind == .wordPiece || $0.kind == .vocabList } ?? false
        let fromConfig = wordPiece ? [] : Set((config?.roleTokenIDs.filter { $0.value.contains(id) }.map(\.key) ?? []).filter(read.contains))
        return (fromTokenizer.union(fromConfig).sorted(), fromConfig.subtracting(fromTokenizer).sorted())
    }

    /// The shared roles as a message names them: "eos_token", or "bos_token (config.json's
    /// bos_token_id)" for a role only config.json states.
    static func rolesText(_ roles: [String], configOnly: [String]) -> String {
        roles.map { configOnly.contains($0) ? "\($0) (config.json's \($0)_id)" : $0 }.joined(separator: " and the ")
    }

    /// Why nobody can say whether the model builds its input embedding with `padding_idx` on
    /// the pad row, or nil when its model type is in the table. Why: an untied non-zero pad
    /// row of `model_type` "foo_bar" was "nothing accounts for it", which holds only for a
    /// model whose embedding zeroes that row (BERT's does; T5's and GPT-2's do not), and for
    /// an unknown type nothing says which.
    static func paddingIdxUnknown(config: ModelConfigFacts?) -> String? {
        guard let config else { return "there is no config.json to name the model type" }
        guard let type = config.modelType else { return "config.json names no model_type" }
        guard ModelTypeFacts.fact(for: type) == nil else { return nil }
        return "model_type \(quoted(type)) is not among the \(ModelTypeFacts.knownCount) model types whose defaults tensoraudit knows"
    }

    /// What was looked at for a pad id, for the "no pad token found" note.
    static func searchedSources(_ checkpoint: Checkpoint, _ knowledge: CheckpointKnowledge) -> String {
        var searched = [checkpoint.config == nil ? "no config.json"
            : knowledge.config?.topLevelPadUnread == true ? "config.json's pad_token_id is not known to be its text model's"
            : "config.json has no usable pad_token_id"]
        // A GGUF file's tokenizer is its `tokenizer.ggml.*` metadata: when that is there but not
        // usable (tokens that are no strings), "no tokenizer files" said it was absent (review,
        // 2026-12-05).
        let ggufTokenizer = checkpoint.files.contains { file in
            guard case .gguf(let gguf) = file.format else { return false }
            return gguf.metadata.keys.contains { $0.hasPrefix("tokenizer.ggml.") }
        }
        if knowledge.tokenizer != nil {
            searched.append("the tokenizer declares no usable pad token")
        } else if ggufTokenizer {
            searched.append("the GGUF file's tokenizer metadata is not usable")
        } else {
            searched.append(checkpoint.tokenizerFiles.isEmpty ? "no tokenizer files" : "the tokenizer files were not usable")
        }
        return searched.joined(separator: ", ")
    }

    /// Names of the matrices `analyze` reads without `tensors`, each once, in file order: their
    /// row moments are what a caller may pass in. A list, not a `Set<String>`: two matrices
    /// named `café.weight` precomposed and decomposed are two names.
    public static func candidateNames(_ checkpoint: Checkpoint) -> [String] {
        var seen = Set<ExactText>()
        return matrices(checkpoint).map { $0.0.name }.filter { seen.insert(ExactText($0)).inserted }
    }

    /// Whether row i of tensor `name` is token i: a token matrix found by name, shape or static
    /// layout, and not a model2vec matrix whose rows tokens share through `mapping`. Names by
    /// code points: a tensor whose name is canonically equivalent to a token matrix's is another
    /// tensor (its rows were named by tokens).
    public static func rowsAreTokens(_ name: String, in checkpoint: Checkpoint) -> Bool {
        candidateNames(checkpoint).contains { ExactText.same($0, name) }
            && staticLayout(checkpoint).map { $0.mapping == nil || !ExactText.same($0.embeddings, name) } ?? true
    }

    /// Embedding matrices by name, 2-D tensors of shape [vocab_size, hidden_size] by config,
    /// and output projections by name, each once, in file order.
    /// A static embedding model's matrix (`embedding.weight`, model2vec's `embeddings`) is its
    /// only token matrix.
    static func matrices(_ checkpoint: Checkpoint) -> [(TensorView, Role)] {
        if let layout = staticLayout(checkpoint), let view = checkpoint.tensor(named: layout.embeddings) {
            return [(view, .embedding)]
        }
        let config = checkpoint.config
        let vocabulary = config?.vocabSize.flatMap(UInt64.init(exactly:))
        // Rows of the input embeddings found by name: what a generic top-level name must match
        // (the original LLaMA's `output.weight` beside `tok_embeddings.weight`, no config.json).
        // (Looked for only when such a name is met: this runs once per tensor of every checkpoint.)
        // The original LLaMA's `output.weight` beside `tok_embeddings.weight`: in a model-parallel
        // shard (consolidated.01.pth) the two are split along different axes, so their rows differ.
        func isEmbeddingRowCount(_ rows: UInt64, output: Bool) -> Bool {
            checkpoint.tensors.contains { $0.shape.count == 2 && (output || $0.shape[0] == rows) && TensorNames.isEmbedding($0.name) }
        }
        // llama.cpp names the output projection `output.weight`: in a GGUF file the name is the
        // format's own, whatever its rows.
        let isGGUF = checkpoint.files.contains { $0.formatName == "gguf" }
        // An output.weight the architecture's llama.cpp loader never reads is no output
        // projection of the model (`ConventionTie.llamaCppUnreadOutput`).
        let unreadOutput = isGGUF && ConventionTie.llamaCppUnreadOutput(in: checkpoint) != nil
        // The shape rule ([vocab_size, hidden_size]) is for checkpoints whose embedding has a
        // name no rule knows: beside one found by name, a matrix of that shape is another
        // matrix (GPTBigCode's `mlp.c_fc.weight` when intermediate_size is vocab_size: its
        // rows were called untrained tokens and its row 5 a pad row; review, 2026-12-05).
        // Looked for only when a matrix of that shape is met.
        var namedEmbedding: Bool?
        func embeddingNamed() -> Bool {
            if let namedEmbedding { return namedEmbedding }
            let found = checkpoint.tensors.contains { $0.shape.count == 2 && TensorNames.isEmbedding($0.name)
                && !TensorNames.isQuantizationBuffer($0.name, modelType: config?.modelType) }
            namedEmbedding = found
            return found
        }
        return checkpoint.tensors.compactMap { view -> (TensorView, Role)? in
            guard view.shape.count == 2, !(unreadOutput && view.name == LlamaCppTensorNames.output) else { return nil }
            if TensorNames.isGenericTopLevelOutput(view.name) {
                // A timm ViT's `head.weight` [1000, 768] or a DiT's `proj_out.weight` is no
                // vocabulary projection (review, 2026-12-05): the rows must be the vocabulary,
                // or the matrix one stored buffer with another (a torch file's tied pair).
                let vocabularyRows = view.shape[0] == vocabulary || isEmbeddingRowCount(view.shape[0], output: view.name == "output.weight")
                    || (isGGUF && view.name == LlamaCppTensorNames.output)
                    || checkpoint.tensors.contains { !ExactText.same($0.name, view.name) && $0.sharesBytes(with: view) }
                return vocabularyRows ? (view, .outputProjection) : nil
            }
            if TensorNames.isOutputProjection(view.name) { return (view, .outputProjection) }
            if TensorNames.isQuantizationBuffer(view.name, modelType: config?.modelType) { return nil }
            if TensorNames.isEmbedding(view.name) { return (view, .embedding) }
            if let vocab = config?.vocabSize.flatMap(UInt64.init(exactly:)),
               let hidden = config?.hiddenSize.flatMap(UInt64.init(exactly:)), view.shape == [vocab, hidden], !embeddingNamed() {
                return (view, .embedding)
            }
            return nil
        }
    }

    /// The pad row's statistics, rank and the norm distribution (no judgement yet).
    static func measure(_ view: TensorView, role: Role, moments: RowMomentsList, padID: PadID, row: Int,
                        checkpoint: Checkpoint, aliases: [ExactText: String], copies: [String]? = nil,
                        norms given: RowNorms? = nil) -> Result {
        let rowNorms = given ?? RowNorms(moments)
        let norms = rowNorms.values
        let padNorm = norms[row]
        var rank: Int?
        if !padNorm.isNaN {
            var smaller = 0
            for (i, n) in norms.enumerated() where n < padNorm || (n == padNorm && i < row) { smaller += 1 }
            rank = smaller + 1
        }
        let distribution = rowNorms.distribution
        let tied = tiedWith(view, checkpoint: checkpoint, aliases: aliases, copies: copies)
        let unknown = TyingJudgement(tied: nil, evidence: .none, detail: "", outputProjectionPresent: false)
        return Result(tensor: view.name, role: role, padID: padID, padToken: nil, rowIndex: row, rows: view.rowCount,
                      padRow: moments[row], rank: rank, norms: distribution, tiedWith: tied,
                      tiePartners: tiePartners(of: view, role: role, among: tied, aliases: aliases), tying: unknown,
                      staticLayout: nil, tokenWeight: nil, unusedRows: nil, explanation: "")
    }

    /// Tensors with the same element type, shape and bytes as `view`, and its metadata aliases, sorted.
    /// `copies`, when given, are the byte-identical tensors another pass already found (the tie
    /// analysis' groups); views of the very same stored bytes are added here.
    ///
    /// Why added: the tie analysis counts views of one buffer once (torch saves tied weights as
    /// one storage, no bytes wasted), so its groups never hold them, and `audit` said the
    /// embedding of such a `pytorch_model.bin` was "not tied (evidence: identical-bytes)" where
    /// `padding` said tied (review, 2026-12-04).
    static func tiedWith(_ view: TensorView, checkpoint: Checkpoint, aliases: [ExactText: String],
                         copies: [String]? = nil) -> [String] {
        // Same element type, shape and bytes: candidates are only tensors of the same shape.
        // Names compared as bytes: a tensor whose name is canonically equivalent to this one's
        // (é precomposed, or e + U+0301) is another tensor, and a copy when its bytes are.
        func sameLayout(_ other: TensorView) -> Bool {
            !ExactText.same(other.name, view.name) && other.elementType == view.elementType && other.shape == view.shape
        }
        var tied = copies.map { found in
            found + checkpoint.tensors.filter { sameLayout($0) && $0.sharesBytes(with: view) }.map(\.name)
        } ?? checkpoint.tensors.filter { sameLayout($0) && $0.hasSameBytes(as: view) }.map(\.name)
        // An alias of this tensor names the other side: compared as `String`s, the alias
        // `café` (precomposed) → `cafe\u{301}` (kept) made the kept tensor "tied with" itself.
        tied += aliases.compactMap { removed, kept in
            ExactText.same(removed.text, view.name) ? kept : ExactText.same(kept, view.name) ? removed.text : nil
        }
        var seen = Set<ExactText>()
        return tied.filter { seen.insert(ExactText($0)).inserted }.sortedByCodePoints()
    }

    /// A matrix's row norms (L2, one per row) and the distribution of the finite ones, with
    /// their rows as positions: what `measure` needs of the rows before it knows the pad row.
    struct RowNorms: Sendable {
        let values: [Double]
        let distribution: Distribution?

        init(_ moments: RowMomentsList) {
            let norms = moments.map(\.l2Norm)
            let finite = norms.indices.filter { norms[$0].isFinite }
            values = norms
            distribution = Distribution(values: finite.map { norms[$0] }, positions: finite)
        }

        /// The norms of `moments`, with the distribution of a row summary of the same rows that
        /// profiled their norms (`RowSummary.norms`: the same finite norms, the same positions).
        /// Why: in an audit the row stage profiles every token matrix's norms on the same core a
        /// moment before; making the order statistics twice was ~1.5% of a BF16 audit's samples.
        /// `nil` when `summary` did not profile its norms or describes another number of rows.
        init?(_ moments: RowMomentsList, profiled summary: RowSummary) {
            guard summary.normsProfiled, summary.rowCount == moments.count else { return nil }
            values = moments.map(\.l2Norm)
            distribution = summary.norms
        }
    }

    /// The norms of the rows of `unused` tokens inside the matrix; nil when there are none.
    static func unusedRowNorms(_ moments: RowMomentsList, unused: [UnusedToken]) -> UnusedRowNorms? {
        let inside = unused.filter { $0.id < moments.count && moments[$0.id].l2Norm.isFinite }
        guard !inside.isEmpty else { return nil }
        let norms = inside.map { moments[$0.id].l2Norm }
        guard let d = Distribution(values: norms, positions: inside.map(\.id)) else { return nil }
        return UnusedRowNorms(count: d.count, median: d.median, minimum: d.minimum, maximum: d.maximum,
                              sample: inside.prefix(2).map(\.token))
    }
}
