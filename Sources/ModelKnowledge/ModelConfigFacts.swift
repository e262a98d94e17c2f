/// The facts of a Hugging Face `config.json` that conclusions rest on, read strictly: a value
/// of the wrong type is recorded as such, never coerced (`"pad_token_id": 1.0` or `"0"` is not
/// an id; `"tie_word_embeddings": "true"` is not a boolean).
///
/// Multimodal configs keep the text model's fields in `text_config`; a key missing at the top
/// level is looked up there, and `fieldsFromTextConfig` says which ones came from it.
public struct ModelConfigFacts: Sendable, Equatable {
    /// A config value as found.
    public enum Value<Wrapped: Sendable & Equatable>: Sendable, Equatable {
        case absent
        /// The key holds JSON `null`.
        case null
        case value(Wrapped)
        /// The key holds something else; the text describes it (`1.5`, `"0"`, an array).
        case unusable(String)

        public var value: Wrapped? {
            if case .value(let wrapped) = self { return wrapped }
            return nil
        }
    }

    public var path: String
    /// `model_type`; nil when absent or not a string. A config without it is not a
    /// transformers config (sentence-transformers, model2vec and others write their own).
    public var modelType: String?
    /// `model_type` present but not a string, as written (`5`): the config states no usable
    /// model type, which the explanations say instead of "has no model_type".
    public var unusableModelType: String?
    public var tieWordEmbeddings: Value<Bool>
    public var padTokenID: Value<Int>
    /// `pad_token_id` is a list whose first element `padTokenID` holds: transformers 5 refuses
    /// such a config, so nothing is built from it (no `padding_idx` claim rests on it).
    public var padTokenIDIsList = false
    public var vocabSize: Value<Int>
    /// `architectures`: the model classes the checkpoint was saved from (top level only: a
    /// `text_config`'s names its own sub-model).
    public var architectures: Value<[String]> = .absent
    /// `share_encoder_decoder_embeddings` (MarianConfig): false gives the encoder an input
    /// embedding of its own, while `tie_word_embeddings` ties the output projection to the
    /// decoder's (top level only).
    public var shareEncoderDecoderEmbeddings: Value<Bool> = .absent
    /// Top-level keys, in file order.
    public var keys: [String]
    /// Keys read from `text_config` because the top level lacks them.
    public var fieldsFromTextConfig: [String]
    /// A `tie_word_embeddings` the `text_config` sets that the model type's config class does
    /// not read for the model's own tying (`ModelTypeFact.textConfigTie` `.ignored`, Gemma 3, or
    /// nil: a class of the table without a text_config, Qwen2):
    /// `tieWordEmbeddings` is then `.absent` (the class default applies), and this says what was
    /// left aside, for the explanation.
    public var ignoredTextConfigTie: Value<Bool>?
    /// `text_config`'s `tie_word_embeddings` when the top level states another value and the
    /// model type is outside the table: which one the class uses is not known (LlavaConfig takes
    /// a nested true over a top-level false; most classes read only the top level).
    public var disagreeingTextConfigTie: Bool?
    /// `text_config`'s own `tie_word_embeddings` as stated (absent also when there is no
    /// text_config): `CompositeTies` tells a null or a string from a missing key.
    public var textConfigTie: Value<Bool> = .absent
    /// `text_config`'s own `model_type`, when a string: its class's defaults fill the keys the
    /// text_config leaves out (a Gemma text model ties by default, a Llama one does not).
    public var textConfigModelType: String?
    /// A top-level `pad_token_id` the model type's class does not build its input embedding
    /// with, because it reads the text_config's (`ModelTypeFact.textConfigPad`, Gemma 3):
    /// `padTokenID` is then the text_config's, and this keeps what was set aside, for a note.
    public var padTokenIDSetAside: Value<Int>?
    /// A composite model type outside the table (`ModelTypeFacts.isComposite`) whose
    /// config.json has a top-level `pad_token_id` (an id or null) and none in its text_config
    /// (or no text_config, for a class that does not build one from the top level): its class
    /// builds the text model from the text_config's default, which tensoraudit does not know,
    /// so the top-level id is not used (`padTokenID` keeps it, for the note).
    public var topLevelPadUnread = false
    /// Whether config.json has a `text_config` key, and, when its value is no object, that
    /// value as written (transformers' composite configs refuse such a config).
    public var hasTextConfig = false
    public var textConfigNotObject: String?
    /// A `pad_token_id` found only in the text_config of a table class that has none
    /// (LlamaConfig): set aside, the class default applies; kept for a note.
    public var textConfigPadSetAside: Value<Int>?
    /// The `decoder` sub-config of a wrapper that builds its decoder from one
    /// (`decoderWrapperTypes`: EncoderDecoderConfig, VisionEncoderDecoderConfig,
    /// SpeechEncoderDecoderConfig), as stated; nil for other model types.
    public var wrappedDecoder: WrappedDecoder?

    /// What a wrapper's `decoder` sub-config states about the decoder's tie.
    ///
    /// Why: transformers 5.25 ties such a model's decoder output projection to the decoder's
    /// input embedding by the decoder's own config — its `tie_word_embeddings`, or its class's
    /// default — whatever the wrapper's top level says (all nine combinations of true, false and
    /// absent at each level built with `from_pretrained`, TrOCR and BERT decoders:
    /// `TestData/knowledge/decoder-wrappers`). A TrOCR checkpoint saved by transformers 5.25 states
    /// false at the top and true in its decoder, and was "not tied (evidence: config)" while
    /// loaded it is tied.
    public struct WrappedDecoder: Sendable, Equatable {
        /// Whether `decoder` is there and a JSON object.
        public var isObject: Bool
        public var modelType: String?
        public var tieWordEmbeddings: Value<Bool>

        public init(isObject: Bool, modelType: String?, tieWordEmbeddings: Value<Bool>) {
            self.isObject = isObject
            self.modelType = modelType
            self.tieWordEmbeddings = tieWordEmbeddings
        }
    }

    /// Where `padTokenID` was read when not at the top level or in a text_config:
    /// `decoder.pad_token_id` (`readingPadFromWrappedDecoder`).
    public var padTokenIDKey: String?

    /// These facts with a wrapper's decoder's `pad_token_id` as the pad id, when the top level
    /// states none (the key absent or null): the decoder builds its input embedding with it
    /// (`padding_idx`), and a wrapper's top-level id is its generation's. A TrOCR saved by
    /// transformers 5.25 (pad 1 in its decoder only) was "no pad token found". One pad id
    /// serves every token matrix here, so only where no other matrix has another: a vision or
    /// speech encoder has no token matrix, and an `encoder-decoder`'s text encoder must state
    /// the same id (left out, its class's default applies: BertConfig 0, RobertaConfig 1;
    /// review, 2026-12-05). Not for a decoder type whose embedding has no `padding_idx`
    /// (GPT-2): its id would be taken for one.
    public func readingPadFromWrappedDecoder(decoder: Value<Int>?, encoder: Value<Int>?) -> ModelConfigFacts {
        guard let wrapped = wrappedDecoder, let type = modelType, padTokenID == .absent || padTokenID == .null,
              case .value(let id)? = decoder, id >= 0 else { return self }
        if type == "encoder-decoder", encoder != .value(id) { return self }
        if let decoderType = wrapped.modelType, ModelTypeFacts.fact(for: decoderType)?.embeddingPadding == ModelTypeFact.EmbeddingPadding.none { return self }
        var facts = self
        facts.padTokenID = .value(id)
        facts.padTokenIDKey = "decoder.pad_token_id"
        return facts
    }

    /// Model types whose config builds the decoder from a `decoder` sub-config.
    public static let decoderWrapperTypes: Set<String> = ["encoder-decoder", "vision-encoder-decoder", "speech-encoder-decoder"]

    /// Why transformers refuses to build a model from this config, when this reader knows it
    /// does (Gemma 3 with a text_config that is no object): nothing is claimed of a model
    /// built from it (no `padding_idx`, no class default).
    public var refusal: String?

    /// Why transformers refuses to load this config, when this reader knows it: `refusal`, or a
    /// `pad_token_id` list (`padTokenIDIsList`). A phrase after "config.json: ". Every tie
    /// statement asks this one property (`TyingJudge`, and through it `ties`, `audit`,
    /// `padding` and `diff`): `ties` and `audit` said "config.json sets tie_word_embeddings:
    /// true" of a config `diff` rightly took to tie nothing (review-53b #5).
    ///
    /// A list refuses the config only where transformers 5.25 checks it (generated by
    /// `generate_pad_list_refusal.py`): a top-level list for the 357 model types whose config
    /// class checks the field (LlamaConfig, BertConfig, …); a list in the text_config of the
    /// composite types whose text class checks it (Gemma 3, LLaVA); and for the types that keep
    /// a top-level list, the model classes that can generate, whose generation config check
    /// refuses it when the class is built (CodeGenForCausalLM, Gemma3ForConditionalGeneration),
    /// or any class when config.json names none. A class that does not generate
    /// (ModernVBertForMaskedLM) loads and ties as the config says. Why: every list was called
    /// refused (review-54 D1), then, mended by model type alone, the nested list and the
    /// generating classes were missed (review-54b N1, N2).
    public var refusalReason: String? {
        if let refusal { return refusal }
        guard padTokenIDIsList else { return nil }
        // No model type: the config class that would read the list is not known (review-54b N4).
        guard let modelType else {
            return "states pad_token_id as a list and no model_type to say whether its config class keeps it (the classes of 357 of "
                + "transformers \(ModelTypeFacts.transformersVersion)'s model types refuse it)"
        }
        let version = ModelTypeFacts.transformersVersion
        let configClass = ModelTypeFacts.fact(for: modelType)?.configClass ?? "the config class of model_type '\(modelType)'"
        if fieldsFromTextConfig.contains("pad_token_id") {
            guard ModelTypeFacts.refusesNestedPadTokenIDList(modelType) else { return nil }
            return "states its text_config's pad_token_id as a list, which transformers \(version) refuses to load for model_type "
                + "'\(modelType)' (its text_config class checks the field)"
        }
        if ModelTypeFacts.refusesPadTokenIDList(modelType) {
            return "states pad_token_id as a list, which \(configClass) in transformers \(version) refuses to load"
        }
        guard ModelTypeFacts.keepsPadTokenIDList(modelType) else { return nil }
        guard case .value(let names) = architectures, let named = names.first else {
            return "states pad_token_id as a list, which \(configClass) in transformers \(version) keeps but every model class that "
                + "generates refuses when built (its generation config check), and config.json names no class"
        }
        guard ModelTypeFacts.padTokenIDListGeneratingClasses.contains(named) else { return nil }
        return "states pad_token_id as a list, which \(configClass) in transformers \(version) keeps but \(named), a class that generates, "
            + "refuses when built (its generation config check)"
    }

    /// "has no model_type" or "has model_type 5, not a string", for explanations.
    public var modelTypeAbsence: String {
        unusableModelType.map { "has model_type \($0), not a string" } ?? "has no model_type"
    }

    /// Whether this is a transformers model config: it names a `model_type`.
    public var isTransformersConfig: Bool { modelType != nil }

    public init(path: String, modelType: String? = nil, tieWordEmbeddings: Value<Bool> = .absent,
                padTokenID: Value<Int> = .absent, vocabSize: Value<Int> = .absent, keys: [String] = [],
                fieldsFromTextConfig: [String] = []) {
        self.ignoredTextConfigTie = nil
        self.disagreeingTextConfigTie = nil
        self.unusableModelType = nil
        self.path = path
        self.modelType = modelType
        self.tieWordEmbeddings = tieWordEmbeddings
        self.padTokenID = padTokenID
        self.vocabSize = vocabSize
        self.keys = keys
        self.fieldsFromTextConfig = fieldsFromTextConfig
    }

    /// Reads config.json bytes. Throws only when the file is not strict JSON or not an object,
    /// or when a key this reader uses appears twice (which value a loader keeps is not a fact).
    public static func read(_ file: NamedBytes, limits: KnowledgeLimits = .default) throws(KnowledgeError) -> ModelConfigFacts {
        let path = file.path
        let root = try StrictJSONInput.parse(file.bytes, file: path, limit: limits.maxSmallJSONBytes)
        guard let members = root.objectMembers else {
            throw .invalidField(file: path, field: "(root)", reason: "is \(root.typeName), not an object")
        }
        let used = ["model_type", "tie_word_embeddings", "pad_token_id", "vocab_size", "text_config", "architectures",
                    "share_encoder_decoder_embeddings"]
        if let key = root.duplicateKeys.first(where: used.contains) {
            throw .conflict(file: path, reason: "key \(quoted(key)) appears twice")
        }
        let text = root["text_config"].flatMap { $0.objectMembers != nil ? $0 : nil }
        var facts = ModelConfigFacts(path: path, keys: members.map(\.key))
        func lookup(_ key: String) -> JSON? {
            if let value = root[key] { return value }
            if let value = text?[key] {
                facts.fieldsFromTextConfig.append(key)
                return value
            }
            return nil
        }
        facts.modelType = root["model_type"]?.stringValue
        if facts.modelType == nil, let stated = lookup("model_type") { facts.unusableModelType = stated.shortDescription }
        facts.tieWordEmbeddings = boolValue(lookup("tie_word_embeddings"))
        facts.textConfigTie = boolValue(text?["tie_word_embeddings"])
        facts.textConfigModelType = text?["model_type"]?.stringValue
        facts.padTokenID = intValue(lookup("pad_token_id"))
        facts.vocabSize = intValue(lookup("vocab_size"))
        facts.architectures = stringsValue(root["architectures"])
        facts.shareEncoderDecoderEmbeddings = boolValue(root["share_encoder_decoder_embeddings"])
        if let raw = root["text_config"], raw != .null {
            facts.hasTextConfig = true
            if raw.objectMembers == nil { facts.textConfigNotObject = raw.shortDescription }
        }
        // A wrapper's `decoder` sub-config, when it is an object.
        let decoder = root["decoder"].flatMap { $0.objectMembers != nil ? $0 : nil }
        if let type = facts.modelType, decoderWrapperTypes.contains(type) {
            if root.duplicateKeys.contains("decoder") { throw .conflict(file: path, reason: "key \"decoder\" appears twice") }
            if let key = decoder?.duplicateKeys.first(where: { $0 == "model_type" || $0 == "tie_word_embeddings" }) {
                throw .conflict(file: path, reason: "key \(quoted(key)) appears twice in its decoder")
            }
            facts.wrappedDecoder = WrappedDecoder(isObject: decoder != nil, modelType: decoder?["model_type"]?.stringValue,
                                                  tieWordEmbeddings: decoder.map { boolValue($0["tie_word_embeddings"]) } ?? .absent)
        }
        let nestedPad = text?["pad_token_id"]
        let nestedIsList = if case .array? = nestedPad { true } else { false }
        return facts.settingTextConfigTieAside().readingPadFromTextConfig(nestedPad.map(intValue), nestedIsList: nestedIsList)
            .readingPadFromWrappedDecoder(decoder: decoder?["pad_token_id"].map(intValue), encoder: root["encoder"]?["pad_token_id"].map(intValue))
    }

    /// These facts with `pad_token_id` read where the model type's class reads it. `nested`
    /// is the text_config's value as read (nil: none there).
    /// - A table class without a text_config (LlamaConfig): a value found only in the
    ///   text_config moves to `textConfigPadSetAside`; the class default applies.
    /// - A class that builds its text model from the text_config (Gemma 3,
    ///   `ModelTypeFact.textConfigPad`; a composite type outside the table,
    ///   `ModelTypeFacts.isComposite`): the text_config's value, a top-level integer or null
    ///   moving to `padTokenIDSetAside`; without one, Gemma 3's text default, or for a
    ///   composite type `topLevelPadUnread`. A top-level value that is no integer (a list, a
    ///   string) stays: transformers refuses the config (GenerationConfig's validation fails on
    ///   it), as for any model type; so does a text_config that is no object (`refusal`).
    public func readingPadFromTextConfig(_ nested: Value<Int>?, nestedIsList: Bool) -> ModelConfigFacts {
        guard let modelType else { return self }
        let fact = ModelTypeFacts.fact(for: modelType)
        var facts = self
        // A class of the table without a text_config (LlamaConfig, BertConfig) never reads one:
        // a pad id found only there is none of the model's, and the class default applies
        // (adversarial review: a llama config's text_config pad 7 was used). Not when the
        // model type itself came from the text_config: it is then the config read.
        if let fact, fact.textConfigPad == nil {
            guard fieldsFromTextConfig.contains("pad_token_id"), !fieldsFromTextConfig.contains("model_type") else { return self }
            facts.textConfigPadSetAside = padTokenID
            facts.padTokenID = .absent
            facts.padTokenIDIsList = false
            facts.fieldsFromTextConfig.removeAll { $0 == "pad_token_id" }
            return facts
        }
        // A class that builds its text model from the text_config: Gemma 3 (the table knows its
        // default), or a composite type outside the table (LlavaConfig, PaliGemmaConfig, …:
        // every one of transformers' 144 config classes kept a stated text_config.pad_token_id
        // 7 beside a top-level 5, and the thirteen built had padding_idx 7:
        // composite-model-types.json; adversarial review). A
        // text model's class (nemotron) reads its top level whatever a text_config says.
        guard fact != nil || ModelTypeFacts.isComposite(modelType), !fieldsFromTextConfig.contains("model_type") else { return self }
        if let text = textConfigNotObject {
            facts.refusal = "its text_config is \(text), not an object: transformers refuses to build the model"
            return facts
        }
        let fromTop = !fieldsFromTextConfig.contains("pad_token_id")
        if fromTop {
            if padTokenIDIsList { return self }
            if case .unusable = padTokenID { return self }
        }
        if nested == nil, fact == nil {
            // Outside the table the text_config class's default is not known: a top-level id
            // (or null) is used for neither, except where no text_config is given and the class
            // builds one from the top-level fields (Qwen2-VL's flat configs).
            guard fromTop, padTokenID != .absent, hasTextConfig || !ModelTypeFacts.forwardingTypes.contains(modelType) else { return self }
            facts.topLevelPadUnread = true
            return facts
        }
        if fromTop, padTokenID != .absent { facts.padTokenIDSetAside = padTokenID }
        facts.padTokenID = nested ?? .absent
        facts.padTokenIDIsList = nested == nil ? false : nestedIsList
        if nested != nil, !facts.fieldsFromTextConfig.contains("pad_token_id") { facts.fieldsFromTextConfig.append("pad_token_id") }
        return facts
    }

    /// These facts with a `text_config`'s `tie_word_embeddings` set aside when the model type's
    /// class does not read it (`ignoredTextConfigTie`).
    ///
    /// Why: transformers' Gemma3Config keeps its own `tie_word_embeddings` (default true) whatever
    /// the text_config says, and Gemma3ForConditionalGeneration ties by it; reading the nested
    /// `false` as the model's called a tied model untied, with a warning (adversarial test).
    public func settingTextConfigTieAside() -> ModelConfigFacts {
        // A class of the table without a text_config (Qwen2Config) does not read one at all.
        // Outside the table what the class reads is not known: a nested value alone is set
        // aside too (no default applies, so the evidence is `unknown`), and one that disagrees
        // with the top level's is recorded (llava_next ties by neither; LlavaConfig takes a
        // nested true over a top-level false: adversarial test).
        guard let modelType else { return self }
        let fact = ModelTypeFacts.fact(for: modelType)
        var facts = self
        if fieldsFromTextConfig.contains("tie_word_embeddings") {
            guard fact?.textConfigTie != .forwarded else { return self }
            facts.ignoredTextConfigTie = tieWordEmbeddings
            facts.tieWordEmbeddings = .absent
        } else if fact == nil, case .value(let top) = tieWordEmbeddings, let nested = textConfigTie.value, nested != top {
            facts.disagreeingTextConfigTie = nested
        }
        return facts
    }

    private static func boolValue(_ node: JSON?) -> Value<Bool> {
        switch node {
        case nil: .absent
        case .null?: .null
        case .bool(let flag)?: .value(flag)
        case let other?: .unusable(other.shortDescription)
        }
    }

    /// An array of strings; anything else (a string, an array holding a number) is unusable.
    private static func stringsValue(_ node: JSON?) -> Value<[String]> {
        switch node {
        case nil: .absent
        case .null?: .null
        case .array(let items)?:
            items.allSatisfy { $0.stringValue != nil } ? .value(items.compactMap(\.stringValue)) : .unusable(JSON.array(items).shortDescription)
        case let other?: .unusable(other.shortDescription)
        }
    }

    private static func intValue(_ node: JSON?) -> Value<Int> {
        switch node {
        case nil: .absent
        case .null?: .null
        case let other?: other.integerValue.map { .value($0) } ?? .unusable(other.shortDescription)
        }
    }
}
