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
/// Only where the claim was checked to hold (helper-152 built ~90 model types with
/// transformers 5.25 and loaded them back): matrices found as token matrices by name (a matrix
/// found by config.json's shape has `vocab_size` rows by construction) or a `--tensor` choice
/// named like one, whose module is exactly a word embedding's (`embed_tokens`, not gemma3n's
/// `embed_tokens_per_layer` or phi4's `embed_tokens_extend.…`) or an output projection's; whose
/// rows are token ids; not a static model's matrix; and a flat config.json. A composite config
/// (`text_config`: mllama, llava, instructblip, ovis2, gemma3n) sizes its tables from parts a
/// top-level `vocab_size` need not describe, and a few flat types build tables of other sizes
/// on purpose (`extraRowTypes`): the first version warned on 11 such models that transformers
/// saves and loads back.
enum ConfigVocabularyRows {
    /// Model types whose token tables transformers builds with more rows than `vocab_size`, or
    /// from another size key (measured by helper-152 with transformers 5.25).
    static let extraRowTypes: Set = ["marian", "moshi", "kyutai_speech_to_text", "musicgen", "musicgen_melody", "mllama", "mllama_text_model"]

    /// Model types whose input embeddings alone have other row counts: CSM's depth decoder builds
    /// `num_codebooks × vocab_size` rows (hunt-52a: saved and loaded back), while its `lm_head`
    /// has `vocab_size` rows, and a stale config.json fails there (review-52b D4).
    static let extraEmbeddingRowTypes: Set = ["csm", "csm_depth_decoder_model"]

    /// Input embeddings no by-name detection knows, by model type, as the base model and the
    /// model with a head save them (read from transformers 5.25's built models). With a right
    /// config.json they are found by its shape; with a stale one — the case this rule is for —
    /// they were found by nothing, and the audit passed a checkpoint transformers refuses
    /// (hunt-52a D2: Mamba, Falcon-Mamba, CTRL, XLM, Flaubert, OpenAI-GPT).
    static let embeddingNamesByType: [String: [String]] = [
        "mamba": ["backbone.embeddings.weight", "embeddings.weight"],
        "mamba2": ["backbone.embeddings.weight", "embeddings.weight"],
        "falcon_mamba": ["backbone.embeddings.weight", "embeddings.weight"],
        "ctrl": ["transformer.w.weight", "w.weight"],
        "xlm": ["transformer.embeddings.weight", "embeddings.weight"],
        "flaubert": ["transformer.embeddings.weight", "embeddings.weight"],
        "openai-gpt": ["transformer.tokens_embed.weight", "tokens_embed.weight"],
    ]

    /// The module names of input word embeddings the rule checks (the last part before `weight`).
    static let wordEmbeddingModules = ["embed_tokens", "word_embeddings", "wte", "tok_embeddings", "embed_in", "shared"]

    static func findings(_ matrices: TokenMatrices, checkpoint: Checkpoint) -> [Finding] {
        guard let config = checkpoint.config, let vocabulary = config.vocabSize, vocabulary > 0, !config.hasTextConfig,
              config.fieldsFromTextConfig.isEmpty, !(config.modelType.map(extraRowTypes.contains) ?? false) else { return [] }
        // Views of one stored buffer (a torch T5's shared, embed_tokens and lm_head) are one
        // finding naming every view, as the padding and row rules report them (hunt-52a D8).
        var buffers: [ExactText: Int] = [:]
        var found: [Finding] = []
        var tails: [String] = []
        for (view, role) in matrices.matrices {
            let parts = NameParts(view.name)
            let wordEmbedding = parts.count >= 2 && parts.part(-1, is: "weight") && wordEmbeddingModules.contains { parts.part(-2, is: $0) }
            let embeddingsExempt = config.modelType.map(extraEmbeddingRowTypes.contains) ?? false
            guard (wordEmbedding && !embeddingsExempt) || TensorNames.isOutputProjection(view.name),
                  role.isNamedTokenMatrix(view.name), view.shape.count == 2, matrices.rowsAreTokenIDs(view.name),
                  matrices.staticMatrix.map({ !ExactText.same($0, view.name) }) ?? true,
                  view.rowCount != vocabulary else { continue }
            if let k = buffers[view.bytesKey] {
                found[k].tensors.append(view.name)
                found[k].message = found[k].tensors[0] + Finding.alsoReadAs(Array(found[k].tensors.dropFirst())) + tails[k]
                continue
            }
            buffers[view.bytesKey] = found.count
            let what = role.isOutputProjection(view.name) ? "output projection" : "input embedding"
            tails.append(" has \(view.rowCount) rows but config.json's vocab_size is \(vocabulary): transformers builds the "
                + "\(what) with vocab_size rows, so loading this checkpoint fails with a size mismatch "
                + "(resize_token_embeddings sets both; a config.json from before a resize does not)")
            found.append(Finding(.configVocabMismatch, tensors: [view.name], message: view.name + (tails.last ?? ""),
                                 evidence: ["rows": .int(Int64(view.rowCount)), "vocab_size": .int(Int64(vocabulary))]))
        }
        let known = Set(matrices.matrices.map { ExactText($0.0.name) })
        for name in config.modelType.flatMap({ embeddingNamesByType[$0] }) ?? [] {
            guard !known.contains(ExactText(name)), let view = checkpoint.tensor(named: name), view.shape.count == 2,
                  view.rowCount != vocabulary else { continue }
            found.append(Finding(.configVocabMismatch, tensors: [view.name],
                                 message: "\(view.name) has \(view.rowCount) rows but config.json's vocab_size is \(vocabulary): transformers builds the "
                                     + "input embedding of model_type \"\(config.modelType ?? "")\" there with vocab_size rows, so loading this checkpoint "
                                     + "fails with a size mismatch (resize_token_embeddings sets both; a config.json from before a resize does not)",
                                 evidence: ["rows": .int(Int64(view.rowCount)), "vocab_size": .int(Int64(vocabulary))]))
        }
        return found
    }
}
