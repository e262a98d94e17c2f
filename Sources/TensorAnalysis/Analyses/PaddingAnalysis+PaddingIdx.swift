import ModelKnowledge
import StrictJSON

/// Which rows a known model type builds with `padding_idx` (`ModelTypeFact.embeddingPadding`,
/// `otherPaddedEmbeddings`) under a config.json, and the sentences that say so: why a pad row is
/// expected to be non-zero (built without `padding_idx` there), why a zero row is zero, which
/// low row is no untrained token. All of it rests on transformers' own config classes and the
/// modules they build, read by TestData/knowledge/generate_model_types.py.
extension PaddingAnalysis {
    /// The sentence saying that the model type's input embedding is not built with
    /// `padding_idx` on row `row` (`ModelTypeFact.embeddingPadding`), or nil. Why: a T5, mT5
    /// or GPT-2 checkpoint's non-zero pad row was a warning "nothing accounts for it", where
    /// transformers builds that embedding as `nn.Embedding(vocab_size, d_model)` and the row is
    /// initialised and trained like any other (review, 2026-12-05).
    ///
    /// A model type whose `padding_idx` follows `pad_token_id` takes config.json's value, or the
    /// class default when the key is absent: a null (or absent, defaulting to None) pad id
    /// builds the embedding without `padding_idx`, and another id zeroes another row. Why: a
    /// Llama fine-tune whose config says `pad_token_id: null` and whose tokenizer pads with
    /// `</s>` got "nothing accounts for it", where transformers builds `nn.Embedding(…,
    /// padding_idx=None)` and the row trains (black-box QA run, 2026-12-05).
    static func unpaddedRow(_ row: Int, config: ModelConfigFacts?) -> String? {
        guard let built = EmbeddingPaddingIdx(config: config) else { return nil }
        switch built.padding {
        case .fixed(let index) where index != row:
            return "\(built.model) builds its input embedding with padding_idx \(index), "
                + "not the pad id \(row): row \(row) starts random and trains like any other row"
        case .fixed:
            return nil
        case .none:
            return "\(built.model) builds its input embedding without padding_idx: "
                + "the pad row starts random and trains like any other row"
        case .followsPadTokenID:
            guard let index = built.index else {
                return "\(built.model) builds its input embedding with padding_idx = pad_token_id, here \(built.source): without padding_idx, "
                    + "so the pad row starts random and trains like any other row"
            }
            guard index != row, index >= 0 else { return nil }
            return "\(built.model) builds its input embedding with padding_idx = pad_token_id, here \(built.source), not the pad id \(row): "
                + "row \(row) starts random and trains like any other row"
        }
    }

    /// What `padding_idx` does to its row, for sentences. Not "the row stays zero": a tied
    /// output projection's gradient still reaches it (the brief's BERT case). Not "nn.Embedding":
    /// I-BERT's QuantEmbedding takes a padding_idx too.
    static let paddingIdxEffect = "an embedding built with padding_idx starts that row at zero and its lookup never updates it"

    /// The zero row of `tensor` that a known model type builds with `padding_idx` — its input
    /// embedding's (`ModelTypeFact.embeddingPadding`; `isInputEmbedding`: found as one by name and
    /// shape, whatever `--tensor` chose) or another embedding's (`otherPaddedEmbeddings`: a
    /// position table, an encoder's or decoder's token table) — with a sentence saying so and
    /// what it rests on. nil when the type is unknown, builds none there, or that row is not zero.
    ///
    /// Why: a fresh BERT's zero row 0 was "1 of 30522 rows are all zero (rows 0)", and every
    /// RoBERTa checkpoint's position row 1 the same, with no word that the model builds those
    /// rows zero. By `padding_idx` alone, not the pad id in use: `--pad-id 5` does not move the
    /// row transformers zeroes (review, 2026-12-05).
    static func paddingIdxZeroRow(_ tensor: String, isInputEmbedding: Bool, rows: Int, zeroRows: [Int],
                                  config: ModelConfigFacts?) -> (row: Int, sentence: String)? {
        guard !zeroRows.isEmpty, let built = EmbeddingPaddingIdx(config: config), let type = config?.modelType,
              let fact = ModelTypeFacts.fact(for: type) else { return nil }
        var candidates: [(module: String, padding: ModelTypeFact.EmbeddingPadding)] = []
        if isInputEmbedding { candidates.append(("the input embedding", fact.embeddingPadding)) }
        for (key, padding) in fact.otherPaddedEmbeddings.sorted(by: { $0.key < $1.key })
        where !isInputEmbedding && (tensor == key || tensor.hasSuffix("." + key)) {
            candidates.append((String(key.dropLast(".weight".count)), padding))
        }
        for (module, padding) in candidates {
            guard let index = built.row(padding, rows: rows), zeroRows.contains(index) else { continue }
            return (index, "row \(index) is the padding_idx row of \(module): \(built.model) builds it with \(built.words(padding)); "
                + "\(paddingIdxEffect) (padding_idx evidence: \(built.evidence(padding)))")
        }
        return nil
    }

    /// The row of an input embedding of `rows` rows that the model type builds with
    /// `padding_idx` under this config, the sentence saying so, and what it rests on
    /// (`config`, `model-type-default`); nil when none or not known.
    static func inputPaddingIdx(rows: Int, config: ModelConfigFacts?) -> (row: Int, sentence: String, evidence: String)? {
        guard let built = EmbeddingPaddingIdx(config: config), let row = built.row(built.padding, rows: rows) else { return nil }
        return (row, "\(built.model) builds its input embedding with \(built.words(built.padding))", built.evidence(built.padding))
    }

    /// `inputPaddingIdx` as `TokenAnalysis.analyze` names the row: its sentence with the
    /// evidence in brackets.
    static func inputPaddingIdxNote(rows: Int, config: ModelConfigFacts?) -> (row: Int, sentence: String)? {
        inputPaddingIdx(rows: rows, config: config).map { ($0.row, "\($0.sentence) (padding_idx evidence: \($0.evidence))") }
    }

    /// `inputPaddingIdx`'s sentence and evidence when its row is `row` (the pad row), for the
    /// explanation of a zero pad row; nil otherwise.
    static func paddedRow(_ row: Int, rows: Int, config: ModelConfigFacts?) -> (sentence: String, evidence: String)? {
        inputPaddingIdx(rows: rows, config: config).flatMap { $0.row == row ? ($0.sentence, $0.evidence) : nil }
    }
}

/// How a known model type builds its input embedding's `padding_idx` under a config.json
/// (`ModelTypeFact.embeddingPadding`): config.json's `pad_token_id`, or the class default when
/// the key is absent. nil for an unknown model type or an unusable `pad_token_id`.
struct EmbeddingPaddingIdx {
    /// "BertConfig's model (model_type "bert", transformers 5.25.0)".
    let model: String
    let padding: ModelTypeFact.EmbeddingPadding
    /// The `padding_idx` a `.followsPadTokenID` type gets (nil: none); unused otherwise.
    let index: Int?
    /// Where `index` comes from, for sentences.
    let source: String
    /// Whether config.json states `index` (a value or null), not the class default.
    let stated: Bool

    init?(config: ModelConfigFacts?) {
        // A list pad_token_id: transformers 5 refuses the config and builds nothing from it.
        guard let config, !config.padTokenIDIsList, config.refusal == nil, let type = config.modelType,
              let fact = ModelTypeFacts.fact(for: type) else { return nil }
        model = "\(fact.configClass)'s model (model_type \(quoted(type)), transformers \(ModelTypeFacts.transformersVersion))"
        padding = fact.embeddingPadding
        // Gemma 3 builds its text model from the text_config: its key, or its class's default.
        let key = fact.textConfigPad == nil ? "pad_token_id" : "text_config.pad_token_id"
        let fallback = fact.textConfigPad.map { "\($0.configClass)'s default pad_token_id" } ?? "the class default pad_token_id"
        switch config.padTokenID {
        case .value(let id):
            (index, source, stated) = (id, "config.json's \(key) \(id)", true)
        case .null:
            (index, source, stated) = (nil, "config.json's \(key) null", true)
        case .absent:
            (index, source, stated) = (fact.defaultPad.id, "\(fallback) \(fact.defaultPad.id.map(String.init) ?? "None") (config.json gives none)", false)
        case .unusable:
            guard fact.embeddingPadding != .followsPadTokenID else { return nil }
            (index, source, stated) = (nil, "", false)
        }
    }

    /// The row of a matrix of `rows` rows that `padding` puts `padding_idx` on under this config:
    /// a negative index counts from the end, as nn.Embedding takes it; nil for none or out of range.
    func row(_ padding: ModelTypeFact.EmbeddingPadding, rows: Int) -> Int? {
        let given: Int? = switch padding {
        case .fixed(let fixed): fixed
        case .followsPadTokenID: index
        case .none: nil
        }
        guard let given else { return nil }
        let row = given < 0 ? rows + given : given
        return row >= 0 && row < rows ? row : nil
    }

    /// "padding_idx 1", "padding_idx = pad_token_id, here config.json's pad_token_id 1", for sentences.
    func words(_ padding: ModelTypeFact.EmbeddingPadding) -> String {
        switch padding {
        case .fixed(let index): "padding_idx \(index), which the class fixes whatever pad_token_id says"
        case .followsPadTokenID:
            "padding_idx = pad_token_id, here \(source)" + ((index ?? 0) < 0 ? ", which counts from the end" : "")
        case .none: "no padding_idx"
        }
    }

    /// What a `padding_idx` of `padding` rests on: config.json's statement or the model type's facts.
    func evidence(_ padding: ModelTypeFact.EmbeddingPadding) -> String {
        if case .followsPadTokenID = padding, stated { return "config" }
        return "model-type-default"
    }
}
