/// What config.json says about tying an embedding and output projection whose bytes were
/// found identical, as a short clause for the note of a `ties` group.
///
/// Why its own wording and not `TyingJudge`'s detail: the bytes have already settled that the
/// two are equal; the clause only says whether the config agrees, and from which source (a
/// stated value or the model type's documented default), the way `TyingJudge` grades it. A
/// missing key is never read as "tied by default": transformers' default differs by model
/// type (`ModelTypeFacts`), and a config without `model_type` has no default at all.
public enum TieStatement {
    /// What unties the embedding and output projection, for a sentence: "config.json sets
    /// tie_word_embeddings to false", or that it leaves the key out and the model type's class
    /// defaults it to false, or that it names a class that never ties. Only for a config
    /// `TyingJudge` judges untied by config, default or such an architecture.
    public static func untieClause(_ config: ModelConfigFacts?) -> String {
        guard let config else { return "no config.json" }
        // A composite class's own reading of its two keys (`CompositeTies`): "sets
        // tie_word_embeddings to false" was said of LLaVA-Next configs stating nothing, or true
        // in their text_config (review-53b #3).
        if let type = config.modelType, let measured = TyingJudge.compositeTie(config, modelType: type), measured.tied == false {
            return measured.sentence.hasSuffix(".") ? String(measured.sentence.dropLast()) : measured.sentence
        }
        // A wrapper unties its decoder by the decoder's own config, whatever its top level
        // states (`TyingJudge`'s sentence; "sets tie_word_embeddings to false" was said of a
        // wrapper whose top level leaves it out).
        if config.wrappedDecoder != nil {
            let detail = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: true)).detail
            return detail.hasSuffix(".") ? String(detail.dropLast()) : detail
        }
        switch TyingJudge.neverTying(config) {
        case .named(let names)?:
            return "\(config.path) names \(TyingJudge.listed(names)), and no class there has an output projection transformers ties to the input embedding"
        case .modelType(let names)?:
            return "the classes of model_type \(quoted(config.modelType ?? "")) with an output projection (\(TyingJudge.listed(names))) "
                + "never tie it to the input embedding in transformers"
        case nil:
            break
        }
        if case .absent = config.tieWordEmbeddings, let type = config.modelType, let fact = ModelTypeFacts.fact(for: type) {
            return "\(config.path) leaves tie_word_embeddings out and \(fact.configClass) defaults it to false"
        }
        return "\(config.path) sets tie_word_embeddings to false"
    }

    public static func clause(for config: ModelConfigFacts?) -> String {
        guard let config else { return "no config.json" }
        // A config transformers refuses states nothing a loaded model acts on, as `TyingJudge`
        // judges it (and `padding`'s detail says, word for word): "config.json sets
        // tie_word_embeddings: true" was said of a Llama config with a pad_token_id list, where
        // `diff` took it to tie nothing (review-53b #5).
        if let refused = TyingJudge.refusedClause(config) { return refused }
        guard let modelType = config.modelType else {
            return "config.json \(config.modelTypeAbsence), so no tie default applies"
        }
        // A composite type outside the table reads the two keys its own way (`CompositeTies`):
        // a LLaVA stating false at the top level and true in its text_config was "sets
        // tie_word_embeddings: false, yet the bytes are identical", beside a finding that
        // calls it tied, as transformers does (review-53 #1).
        if let measured = TyingJudge.compositeTie(config, modelType: modelType) {
            let sentence = measured.sentence.hasSuffix(".") ? String(measured.sentence.dropLast()) : measured.sentence
            return measured.tied == false ? sentence + ", yet the bytes are identical" : sentence
        }
        // A wrapper (EncoderDecoder, …) ties its decoder by the decoder's own config, as
        // `TyingJudge` says: "model_type "encoder-decoder" is not in the table of known
        // defaults" stood beside a tie the decoder's config states (review-53b #5).
        if config.wrappedDecoder != nil {
            let detail = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: true)).detail
            return detail.hasSuffix(".") ? String(detail.dropLast()) : detail
        }
        switch config.tieWordEmbeddings {
        case .value(true):
            return "config.json sets tie_word_embeddings: true"
        case .value(false):
            // T5Config replaces a stated false with true: a loaded model ties the two, so the
            // identical bytes agree with it ("yet the bytes are identical" said otherwise).
            if let override = TyingJudge.overriddenFalseClause(config) { return override }
            return "config.json sets tie_word_embeddings: false, yet the bytes are identical"
        case .unusable(let text):
            return "config.json's tie_word_embeddings is \(text), not a boolean"
        case .null:
            return "config.json sets tie_word_embeddings to null, not a stated value"
        case .absent:
            guard let fact = ModelTypeFacts.fact(for: modelType) else {
                return "config.json leaves tie_word_embeddings out, and model_type \(quoted(modelType)) is not in the table of known defaults"
            }
            let base = "config.json leaves tie_word_embeddings out\(TyingJudge.textConfigAside(config, fact)); \(fact.configClass) defaults it to \(fact.tiesWordEmbeddings)"
            return fact.tiesWordEmbeddings ? base : base + ", yet the bytes are identical"
        }
    }
}
