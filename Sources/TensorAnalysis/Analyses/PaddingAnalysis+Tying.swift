import CheckpointIO
import StrictJSON
import GGUFFormat
import TensorScan
import ModelKnowledge

extension PaddingAnalysis {
    /// Whether `view` is tied, graded by `TyingJudge`, except for a `--tensor` choice not named
    /// like an input embedding or output projection: `tie_word_embeddings` and the model type's
    /// default speak of those two matrices only, so for a query projection or a position
    /// embedding the config is no evidence (the bytes and an alias still are).
    ///
    /// `moments` gives a matrix's row moments when its values must be compared with another
    /// type's (`valuesDiffer`): by default read from the bytes.
    static func tying(for view: TensorView, role: Role, tiedWith: [String], checkpoint: Checkpoint,
                      aliases: [ExactText: String], config: ModelConfigFacts?,
                      moments: (TensorView) -> RowMomentsList? = { $0.rowMoments() }) -> TyingJudgement {
        let question = tyingQuestion(for: view, role: role, tiedWith: tiedWith, checkpoint: checkpoint,
                                     aliases: aliases, config: config, moments: moments)
        let judgement = TyingJudge.judge(question)
        // An encoder's input embedding beside a decoder's of other bytes (Marian without shared
        // embeddings, T5Gemma): tie_word_embeddings ties the output projection to the decoder's,
        // so what it states says nothing of this one. It was "tied (evidence: config)" with its
        // pad row explained, where transformers ties lm_head to decoder.embed_tokens only
        // (review, 2026-12-05).
        if judgement.tied == true, [.config, .modelTypeDefault].contains(judgement.evidence), !role.isOutputProjection(view.name),
           let decoder = separateDecoderEmbedding(of: view, tiedWith: tiedWith, checkpoint: checkpoint) {
            // MarianConfig's share_encoder_decoder_embeddings false states it: the encoder's
            // embedding is its own, and MarianMTModel ties lm_head to the decoder's (transformers
            // 5.25: get_output_embeddings().weight is decoder.embed_tokens.weight, not the
            // encoder's; review, 2026-12-05, where this was "unknown").
            if let config, case .value(false) = config.shareEncoderDecoderEmbeddings {
                return TyingJudgement(tied: false, evidence: .config,
                                      detail: "\(config.path) sets share_encoder_decoder_embeddings to false: \(view.name) is the encoder's own input embedding, "
                                          + "and tie_word_embeddings ties the output projection to the decoder's (\(decoder)).",
                                      outputProjectionPresent: judgement.outputProjectionPresent)
            }
            return TyingJudgement(tied: nil, evidence: .unknown,
                                  detail: "\(view.name) is an encoder's input embedding, and the checkpoint holds the decoder's (\(decoder)) with other bytes: "
                                      + "tie_word_embeddings ties the output projection to the decoder's, so it says nothing of this one. "
                                      + judgement.detail,
                                  outputProjectionPresent: judgement.outputProjectionPresent)
        }
        // Gemma 3n's and Gemma 4's per-layer token table (`embed_tokens_per_layer`, an
        // nn.Embedding of its own with the pad token's padding_idx): transformers 5.25 ties
        // lm_head to `embed_tokens` only (`_tied_weights_keys` of Gemma3nForCausalLM,
        // Gemma4ForCausalLM and their ForConditionalGeneration classes), so tie_word_embeddings
        // and the type's default say nothing of it. It was "tied (evidence: config)" with its pad
        // row explained (2026-12-07). Only a tie the bytes or an alias prove still speaks: in an
        // untied model it was "not tied (evidence: identical-bytes)" by a sentence about the input
        // embedding and lm_head (hunt-56a A3).
        if !(judgement.tied == true && [.identicalBytes, .metadataAlias].contains(judgement.evidence)), !role.isOutputProjection(view.name),
           untiedAuxiliaryEmbeddings.contains(where: view.name.hasSuffix) {
            return TyingJudgement(tied: nil, evidence: .unknown,
                                  detail: "\(view.name) is a per-layer token table of its own: tie_word_embeddings ties the output projection to the input embedding "
                                      + "(embed_tokens) only, so it says nothing of this one.",
                                  outputProjectionPresent: judgement.outputProjectionPresent)
        }
        // A wrapper (EncoderDecoder, VisionEncoderDecoder, …) ties only its decoder's output
        // projection, to the decoder's input embedding: what the decoder's config says is no
        // word on the encoder's (transformers 5.25 has no encoder–decoder tie; an encoder
        // embedding with the decoder's bytes was "tied (evidence: config)" by the decoder's
        // sentence; review, 2026-12-05).
        if config?.wrappedDecoder != nil, [.config, .modelTypeDefault].contains(judgement.evidence),
           NameParts(view.name).contains("encoder"), !NameParts(view.name).contains("decoder") {
            return TyingJudgement(tied: nil, evidence: .unknown,
                                  detail: "\(view.name) is the wrapper's encoder's, and a wrapper ties only its decoder's output projection, to the decoder's own input embedding: "
                                      + "what the decoder's config says does not speak of it.",
                                  outputProjectionPresent: judgement.outputProjectionPresent)
        }
        guard !role.isNamedTokenMatrix(view.name), [.config, .modelTypeDefault, .architecture].contains(judgement.evidence) else { return judgement }
        return TyingJudgement(tied: nil, evidence: .unknown,
                              detail: "\(view.name) was chosen with --tensor and is not named like an input embedding or output projection: tie_word_embeddings, the model type's default and the architecture's output projection say nothing about it.",
                              outputProjectionPresent: judgement.outputProjectionPresent)
    }

    /// The first row at which two matrices of one shape, stored in different types, are proven
    /// to hold different values, or nil: proof that they are not one matrix in two types (one
    /// being the other, or its rounding to the narrower type, `TypedValues`). transformers ties
    /// two stored copies only when every value agrees (after the cast to the load dtype), so a
    /// difference in any row matters (a regression hunt found one in row 40 missed when only 16
    /// rows were compared). Two tests, each a proof:
    /// - every row's moments (`momentsDiffer`), which the scan has made anyway;
    /// - the first `sampledRows` rows' values, decoded to `Double` (NaN equal to NaN, −0 to +0).
    /// What neither sees: a row past the first 16 permuted, or changed within its extremes by
    /// less than its sums' rounding bounds (README, "The tying evidence"). Comparing every value
    /// took 2.5 s and 800 MB of resident pages for a 32,768 × 4,096 pair, 80 times the audit.
    /// A matrix without row statistics (a ggml type without row decoding) proves nothing.
    static func valuesDiffer(_ a: TensorView, _ b: TensorView, moments: (TensorView) -> RowMomentsList?) -> Int? {
        guard a.shape == b.shape, a.statisticsUnavailableReason == nil, b.statisticsUnavailableReason == nil else { return nil }
        let narrow = TypedValues.narrowerBits(a, b)
        let round = TypedValues.rounding(toBits: narrow)
        if let x = moments(a), let y = moments(b), x.count == y.count,
           let row = (0 ..< x.count).first(where: { momentsDiffer(x[$0], y[$0], roundingBits: narrow, round: round) }) {
            return row
        }
        // Whole rows are decoded into doubles: at most `sampledValues` of them, so a matrix of a
        // few billion-value rows (a file of gigabytes) costs no gigabytes of anonymous memory.
        let rows = a.rowLength > 0 ? min(a.rowCount, sampledRows, sampledValues / a.rowLength) : 0
        for row in 0 ..< rows {
            let x = a.decodedRow(row), y = b.decodedRow(row)
            let tiny = narrow.map(TypedValues.smallestNormal) ?? 0
            if zip(x, y).contains(where: { u, v in
                !(u == v || (u.isNaN && v.isNaN) || round(u) == round(v) || (abs(round(u)) <= tiny && abs(round(v)) <= tiny))
            }) { return row }
        }
        return nil
    }

    /// Whether two rows' moments prove their values differ, one possibly the other's rounding
    /// to a type of `roundingBits` significand bits (nil: no rounding, exact types). Non-finite
    /// counts must match, and the extremes after `round` (rounding is monotone, so the rounded
    /// row's extremes are the extremes rounded). The sums may differ by the rounding (at most
    /// 2^−p of each |value|, so 2^−p·√(n·Σx²) for Σx and ~2·2^−p·Σx² for Σx², Cauchy–Schwarz) and
    /// by the additions' own rounding (n·ε·√(n·Σx²) and n·ε·Σx² for n values in any order),
    /// each taken 4 times over: only a larger difference proves it. (F64 beside equal F32 values
    /// rounds differently in 19 of 96 rows, within these bounds.)
    static func momentsDiffer(_ x: RowMoments, _ y: RowMoments, roundingBits: Int?, round: (Double) -> Double) -> Bool {
        if x.count != y.count || x.nanCount != y.nanCount { return true }
        // Rounding to the narrower type may overflow to ±Inf (F16 above 65,504) and flush
        // tiny values towards zero: then infinities may appear, and the extremes and sums of
        // the narrower side move by up to its smallest normal a value (adversarial review,
        // 2026-12-05: an F32 row and its F16 rounding with 7e4 in it were "values differ").
        let rounding = roundingBits != nil
        if !rounding, x.positiveInfinityCount != y.positiveInfinityCount || x.negativeInfinityCount != y.negativeInfinityCount { return true }
        guard x.nonFiniteCount == 0, y.nonFiniteCount == 0 else { return false }
        let tiny = roundingBits.map(TypedValues.smallestNormal) ?? 0
        func same(_ a: Double, _ b: Double) -> Bool {
            let (u, v) = (round(a), round(b))
            return u == v || (abs(u) <= tiny && abs(v) <= tiny)
        }
        if !same(x.minimum, y.minimum) || !same(x.maximum, y.maximum) { return true }
        let n = Double(x.count)
        let squares = max(x.sumOfSquares, y.sumOfSquares)
        let unit = roundingBits.map { Double(sign: .plus, exponent: -$0, significand: 1) } ?? 0
        let slack = 4 * (n * Double.ulpOfOne + unit)
        return abs(x.sum - y.sum) > slack * (n * squares).squareRoot() + 4 * n * tiny
            || abs(x.sumOfSquares - y.sumOfSquares) > 2 * slack * squares + 4 * n * tiny * tiny
    }

    /// Rows whose values `valuesDiffer` compares one by one: enough to catch a difference the
    /// moments round away near the start, few enough to cost nothing beside the scan.
    static let sampledRows = 16
    /// Values `valuesDiffer` decodes at most (8 MB of doubles a side).
    static let sampledValues = 1 << 20

    /// Token tables beside the input embedding that no tie reaches (see `tying`).
    static let untiedAuxiliaryEmbeddings = ["embed_tokens_per_layer.weight"]

    /// When config.json names one head class whose input embedding the checkpoint stores under
    /// its base model's own name, with no tensor under the class's base prefix: the names show
    /// the base model (`HeadEmbeddingNames`); nil otherwise.
    ///
    /// The classes named may repeat, or include the base class itself (`["BertForMaskedLM",
    /// "BertModel"]`); every other one must be a head class of that same base, stored alike
    /// (hunt-59c P4). Every tensor must lie under one of the base model's own roots
    /// (`HeadEmbeddingNames.Fact.baseRoots`): one under the LM head's module (`cls.predictions.`,
    /// legacy `…LayerNorm.gamma` names included) or any other makes no claim (hunt-59c P2,
    /// hunt-59e P1). Only a whole checkpoint: the part not read of a sharded one may hold the
    /// head (hunt-59c P1).
    static func savedFromBase(_ view: TensorView, config: ModelConfigFacts?, checkpoint: Checkpoint) -> TyingQuestion.SavedFromBase? {
        guard let names = namedClassesOfWhole(checkpoint, config: config),
              let headClass = names.first(where: { HeadEmbeddingNames.fact(for: $0) != nil }),
              let fact = HeadEmbeddingNames.fact(for: headClass), view.name == fact.baseEmbedding,
              names.allSatisfy({ $0 == fact.baseClass || HeadEmbeddingNames.fact(for: $0).map { other in
                  other.baseClass == fact.baseClass && other.basePrefix == fact.basePrefix && other.embedding == fact.embedding } == true })
        else { return nil }
        // Every tensor under one of the base model's own roots: nothing under the prefix, the LM
        // head's module or any other head (hunt-59e P1, P5).
        guard everyTensor(of: checkpoint, isUnder: fact.baseRoots) else { return nil }
        return TyingQuestion.SavedFromBase(headClass: headClass, fact: fact, storedName: view.name, architectures: names)
    }

    /// When config.json names an encoder-decoder class with an encoder-only class
    /// (`EncoderOnlyClasses`) and every tensor of the whole checkpoint lies under that encoder
    /// class's roots, `view` being its input embedding: the file was saved from the encoder
    /// class (review-59d D1); nil otherwise. The other classes named must be of the head class's
    /// model type (its encoder class, `T5Model`).
    static func savedFromEncoder(_ view: TensorView, config: ModelConfigFacts?, checkpoint: Checkpoint) -> TyingQuestion.SavedFromEncoder? {
        guard let names = namedClassesOfWhole(checkpoint, config: config),
              let headClass = names.first(where: { EncoderOnlyClasses.fact(for: $0) != nil }),
              let fact = EncoderOnlyClasses.fact(for: headClass), fact.embeddingNames.contains(view.name),
              // Other classes of the same model type (`T5Model`) hold a decoder too: a file without
              // one was saved from none of them (hunt-60c P5).
              names.allSatisfy({ $0 == headClass || $0 == fact.encoderClass
                  || ArchitectureFacts.fact(for: $0)?.modelType == ArchitectureFacts.fact(for: headClass)?.modelType }),
              // An embedding alone is an embedding-only export, not an encoder (hunt-60c P3).
              checkpoint.tensors.contains(where: { !fact.embeddingNames.contains($0.name) }) else { return nil }
        guard everyTensor(of: checkpoint, isUnder: fact.encoderRoots) else { return nil }
        return TyingQuestion.SavedFromEncoder(headClass: headClass, fact: fact, architectures: names)
    }

    /// The classes config.json's `architectures` names, once each in their order, for a whole
    /// checkpoint: nil for part of one (the part not read may hold the head, hunt-59c P1) or
    /// without a list.
    static func namedClassesOfWhole(_ checkpoint: Checkpoint, config: ModelConfigFacts?) -> [String]? {
        guard checkpoint.partialDescription == nil, case .value(let listed)? = config?.architectures else { return nil }
        var names: [String] = []
        for name in listed where !names.contains(name) { names.append(name) }
        return names
    }

    /// Whether the first name component of every tensor, and of every name the shard index maps
    /// to a shard that lacks it (found in no other shard), is one of `roots`.
    ///
    /// Why the index's absent names: an index naming `decoder.*` over shards that hold only the
    /// encoder describes a full model with tensors missing (`index-mismatch`), not a file saved
    /// from the encoder class (hunt-60c P4). They count only here, where the set of names is the
    /// evidence; other tying claims stand, since every shard was read (hunt-61a P1).
    static func everyTensor(of checkpoint: Checkpoint, isUnder roots: [String]) -> Bool {
        let roots = Set(roots)
        let underRoots = { (name: String) in name.split(separator: ".", maxSplits: 1).first.map { roots.contains(String($0)) } ?? false }
        return checkpoint.tensors.allSatisfy { underRoots($0.name) } && indexedButAbsent(in: checkpoint).allSatisfy(underRoots)
    }

    /// Names the shard index maps to a shard that lacks them and that no other shard holds.
    static func indexedButAbsent(in checkpoint: Checkpoint) -> [String] {
        checkpoint.sourceIssues.flatMap { issue -> [String] in
            guard case .indexMismatch(_, let tensors, let elsewhere) = issue.kind else { return [] }
            let found = Set(elsewhere)
            return tensors.filter { !found.contains($0) }
        }
    }

    /// The decoder's input embedding when `view` is an encoder's (a name part `encoder`) and the
    /// checkpoint holds one (a name part `decoder`, named like an input embedding) that is not
    /// among `view`'s byte-identical twins.
    static func separateDecoderEmbedding(of view: TensorView, tiedWith: [String], checkpoint: Checkpoint) -> String? {
        guard NameParts(view.name).contains("encoder"), TensorNames.isEmbedding(view.name) else { return nil }
        return checkpoint.tensors.first { other in
            other.shape.count == 2 && NameParts(other.name).contains("decoder") && TensorNames.isEmbedding(other.name)
                && !tiedWith.contains { ExactText.same($0, other.name) }
        }?.name
    }

    /// The names among `tied` (the byte-identical tensors and aliases of `view`) that are its tie
    /// partner: a metadata alias of it, or the counterpart by name (an output projection for an
    /// input embedding, an input embedding for an output projection). An output projection whose
    /// twins include no name of an input embedding takes every twin as its partner, as
    /// `tyingQuestion` does (`lm_head.weight` sharing its storage with `embed.weight`).
    ///
    /// Why: a third tensor of no known role with the same bytes (`other.copy.weight`) was
    /// listed under "tied with:", a tie the bytes do not show; `ties` calls it a copy.
    static func tiePartners(of view: TensorView, role: Role, among tied: [String], aliases: [ExactText: String]) -> [String] {
        let isOutput = role.isOutputProjection(view.name)
        let aliased = Set(aliases.compactMap { removed, kept in
            ExactText.same(removed.text, view.name) ? ExactText(kept) : ExactText.same(kept, view.name) ? removed : nil
        })
        let byName = tied.filter { isOutput ? TensorNames.isEmbedding($0) : TensorNames.isOutputProjection($0) }
        if isOutput && byName.isEmpty { return tied }
        return tied.filter { name in aliased.contains(ExactText(name)) || byName.contains { ExactText.same($0, name) } }
    }

    /// The tying question for one matrix: is there a counterpart (an output projection for an
    /// input embedding, an input embedding for an output projection), does the checkpoint's
    /// metadata alias the two, and are their bytes identical?
    ///
    /// An output projection of another shape (a vocabulary padded differently) is a separate
    /// matrix, so its bytes count as different; with no counterpart in the file the bytes are
    /// not compared and the config (or the model type's default) is all there is.
    static func tyingQuestion(for view: TensorView, role: Role, tiedWith: [String], checkpoint: Checkpoint,
                              aliases: [ExactText: String], config: ModelConfigFacts?,
                              moments: (TensorView) -> RowMomentsList? = { $0.rowMoments() }) -> TyingQuestion {
        let isOutput = role.isOutputProjection(view.name)
        // An output projection's counterpart is an input embedding by name or, as `matrices`
        // finds one, by config.json's [vocab_size, hidden_size]: CTRL's `transformer.w.weight`,
        // Mamba's `backbone.embeddings.weight`. By name only, the embedding compared the bytes
        // ("not tied (identical-bytes)") while its lm_head fell back to the config (review,
        // 2026-12-05).
        let byShape: [String] = isOutput ? matrices(checkpoint).filter { $0.1 == .embedding && !TensorNames.isEmbedding($0.0.name) }.map(\.0.name) : []
        // Names compared by code points (`ExactText`), as the checkpoint's own are.
        func isCounterpart(_ name: String) -> Bool {
            !ExactText.same(name, view.name)
                && (isOutput ? TensorNames.isEmbedding(name) || byShape.contains { ExactText.same($0, name) } : TensorNames.isOutputProjection(name))
        }
        let aliased = aliases.contains {
            (ExactText.same($0.key.text, view.name) && isCounterpart($0.value)) || (ExactText.same($0.value, view.name) && isCounterpart($0.key.text))
        }
        // An output projection's byte-identical twin (same dtype and shape: `tiedWith`) is its
        // counterpart whatever its name: `padding` of a torch file whose `lm_head.weight` shares
        // its storage with `embed.weight` said "tied with: embed.weight" and "tying: unknown
        // (evidence: none)", as if no input embedding were there (review, 2026-12-04).
        let twins = isOutput ? tiedWith.filter { name in checkpoint.tensors.contains { ExactText.same($0.name, name) } } : []
        // A GGUF architecture whose loader always takes token_embd.weight as the output never
        // reads an output.weight: that tensor is nobody's counterpart (`llamaCppUnreadOutput`).
        let isGGUFEmbedding = !isOutput && view.name == LlamaCppTensorNames.tokenEmbedding
        let unreadOutput = isGGUFEmbedding ? ConventionTie.llamaCppUnreadOutput(in: checkpoint) : nil
        let counterparts = checkpoint.tensors.filter { view in
            view.shape.count == 2 && (isCounterpart(view.name) || twins.contains { ExactText.same($0, view.name) })
                && !(unreadOutput != nil && view.name == LlamaCppTensorNames.output)
        }
        var identical = counterparts.isEmpty ? nil : tiedWith.contains { name in counterparts.contains { ExactText.same($0.name, name) } }
        // Stored in another element type (llama-quantize's mixes store output.weight as Q6_K
        // beside a Q4_K token_embd; an F16 embedding beside an F32 head), the bytes cannot be
        // equal whatever the values: they show nothing either way. The same values as F16 and
        // F32 were "not tied (evidence: identical-bytes)" (review, 2026-12-05).
        // Values can still show a difference: a BF16 embedding beside an F32 lm_head of other
        // values, under a config that says tied, was "tied (evidence: config)" once bytes of
        // two types stopped counting (regression hunt, 2026-12-05). So every row's moments and
        // the first rows' values are compared (`valuesDiffer`): a difference proves the two
        // untied; agreement proves nothing, and the config or default decides.
        var incomparable: String?
        if identical == false, counterparts.allSatisfy({ $0.elementType != view.elementType && $0.shape == view.shape }),
           let other = counterparts.first {
            let types = "\(other.name) is stored as \(other.elementType.rawValue) and \(view.name) as \(view.elementType.rawValue)"
            var differing: Int?
            for counterpart in counterparts where differing == nil { differing = valuesDiffer(view, counterpart, moments: moments) }
            if let row = differing {
                incomparable = types + ", and their values differ (row \(row)): not one matrix in two types."
            } else {
                identical = nil
                incomparable = types + ": bytes of different types cannot show whether the values are the same; every row's extremes "
                    + "and sums agree, and the first rows' values (up to \(sampledRows) rows), up to the narrower type's rounding (not proof that they are one matrix)."
            }
        }
        // llama.cpp: a GGUF file without output.weight uses token_embd.weight as the output
        // for most decoders; an encoder's missing output ties nothing (LlamaCppArchitectures).
        let tie = ConventionTie.llamaCpp(in: checkpoint)
        let convention = unreadOutput ?? (!isOutput && tie.map { ExactText.same(view.name, $0.tensor) } == true ? tie?.detail : nil)
        let note = isGGUFEmbedding ? ConventionTie.llamaCppAbsence(in: checkpoint) : nil
        var question = TyingQuestion(config: config, hasOutputProjection: isOutput || !counterparts.isEmpty || aliased,
                             bytesIdentical: identical, acrossTypes: incomparable, aliasExists: aliased,
                             formatConvention: convention, formatNote: note,
                             sourceArchitecture: isGGUFEmbedding ? ConventionTie.llamaCppEncoder(in: checkpoint) : nil,
                             identicalBytesAreConstant: identical == true && view.elementCount > 1 && view.isConstant(),
                             identicalBytesAreShared: identical == true && counterparts.contains { other in
                                 tiedWith.contains { ExactText.same($0, other.name) } && other.sharesBytes(with: view)
                             })
        // Only a matrix whose counterpart is not in these files: one that is is judged by the bytes.
        question.partialCheckpoint = counterparts.isEmpty && !aliased ? checkpoint.partialDescription : nil
        if !question.hasOutputProjection {
            question.savedFromBase = savedFromBase(view, config: config, checkpoint: checkpoint)
            question.savedFromEncoder = savedFromEncoder(view, config: config, checkpoint: checkpoint)
        }
        return question
    }
}
