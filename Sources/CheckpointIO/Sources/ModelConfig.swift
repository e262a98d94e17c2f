import StrictJSON
import SafetensorsFormat

/// The Hugging Face `config.json` facts an audit needs, read when the file sits beside the
/// checkpoint. Only these fields are read; everything else in the file is ignored.
///
/// Read with the strict JSON parser, not Foundation's: `JSONSerialization` hands numbers over as
/// `NSNumber`, which cannot tell `1` from `1.0` or `true`, and whose `intValue` turns
/// `18446744073709551617` into some other row. An id is used only when it is written as a JSON
/// integer that fits; anything else is kept as an `InvalidValue` and reported, never guessed.
public struct ModelConfig: Sendable, Equatable {
    /// What the config says about the padding token.
    public enum PadToken: Sendable, Equatable {
        /// No `pad_token_id` key.
        case absent
        /// `"pad_token_id": null`: the model has no padding token (GPT-2).
        case none
        /// A JSON integer; negative (`-1`) as written, which nn.Embedding's `padding_idx` counts
        /// from the last row (and which is also reported as an invalid value).
        case id(Int)
        /// Present but not a JSON integer that fits in `Int` (`1.5`, `true`, `"3"`,
        /// `-1`, `18446744073709551617`); `text` is the value as written.
        case invalid(text: String)
    }

    /// A value the audit would use that is not what the key requires; the value is not used.
    public struct InvalidValue: Sendable, Equatable {
        /// The key, e.g. `pad_token_id`.
        public let key: String
        /// The value as written in the file (strings quoted), shortened for messages.
        public let text: String
        /// What it should have been.
        public let expected: String
        /// What is done with it instead of ignoring it (a negative pad id: its row counted from
        /// the end); nil: the value is not used.
        public var use: String?
    }

    public var path: String
    public var modelType: String?
    /// The top-level `tokenizer_class` when it is a JSON string: AutoTokenizer's hub class when
    /// tokenizer_config.json names none (ModelKnowledge's `AutoTokenizerClass`).
    public var tokenizerClass: String?
    public var padToken: PadToken
    /// `pad_token_id` written as a list (`[1]`): its first element is the pad id analysed, but
    /// transformers 5 refuses the config, so it builds no model (and no `padding_idx`) from it.
    public var padTokenIsList = false
    /// The `text_config`'s own `pad_token_id`, as read, whether or not the top level has one
    /// (nil: no text_config, or none in it). Composite classes (Gemma3Config, LlavaConfig, …)
    /// build their text model's `padding_idx` from it (ModelKnowledge's
    /// `ModelConfigFacts.readingPadFromTextConfig`).
    public var textConfigPadToken: PadToken?
    /// `textConfigPadToken` was written as a list (see `padTokenIsList`).
    public var textConfigPadTokenIsList = false
    /// `text_config` as written when it is neither an object nor null (`"x"`, `5`), which
    /// transformers' composite configs refuse; nil otherwise.
    public var textConfigNotObject: String?
    /// Whether `text_config` is there and not null.
    public var hasTextConfig = false
    public var vocabSize: Int?
    public var hiddenSize: Int?
    /// `tie_word_embeddings` when written as a JSON boolean; `nil` when absent or unusable
    /// (an unusable value is in `invalidValues`). No default is filled in: transformers'
    /// default depends on the model class (see ModelKnowledge's `ModelTypeFacts`).
    public var tieWordEmbeddings: Bool?
    /// `num_attention_heads` and `num_key_value_heads` (nil when absent or not a non-negative
    /// integer). Only `diff` uses them (to undo llama.cpp's q/k row permutation), so an
    /// unusable value means "unknown" there and is not a `config-invalid-value` finding.
    /// `architectures` when it is an array of strings (the classes the checkpoint was saved
    /// from); nil when absent, null or anything else (which `invalidValues` records).
    public var architectures: [String]?
    public var attentionHeads: Int?
    public var keyValueHeads: Int?
    /// `num_attention_heads` / `num_key_value_heads` present but not a non-negative integer, as
    /// written (key → text): `diff` then says the value is unusable instead of absent.
    public var unusableHeadCounts: [String: String] = [:]
    /// Values present but unusable, in the order they are read.
    public var invalidValues: [InvalidValue] = []
    /// Keys (of `model_type`, `pad_token_id`, `tie_word_embeddings`) read from `text_config`
    /// because the top level lacks them.
    public var fieldsFromTextConfig: [String] = []
    /// `text_config`'s own `tie_word_embeddings`, whether or not the top level has one: some
    /// classes take it over the top level's (LlavaConfig), others never read it. nil when the
    /// text_config (or the key) is absent.
    public var textConfigTie: NestedValue?

    /// A value of `text_config` as written: a JSON boolean, or anything else as text (`null`,
    /// `"true"`, `1`; a measured composite class's answer needs a boolean or nothing).
    public enum NestedValue: Sendable, Equatable {
        case bool(Bool)
        case notBoolean(String)
    }
    /// `text_config`'s own `model_type` (a JSON string): the class whose defaults fill the keys
    /// the text_config leaves out.
    public var textConfigModelType: String?
    /// `share_encoder_decoder_embeddings` (MarianConfig) when written as a JSON boolean at the
    /// top level; nil otherwise (only an explicit false says anything: the encoder then has an
    /// input embedding of its own).
    public var shareEncoderDecoderEmbeddings: Bool?
    /// The top-level `decoder` key, when there is one: whether it is an object, its
    /// `model_type` (a JSON string) and its `tie_word_embeddings` as written, each the last of
    /// its key as Python's json keeps it (a key twice in it is no error: it is nothing else's,
    /// and a BERT config with such a `decoder` was refused). The wrappers that build their
    /// decoder from it (EncoderDecoderConfig and its vision and speech kin) tie the decoder by
    /// it (`ModelConfigFacts.WrappedDecoder`).
    public var decoder: DecoderConfig?

    /// What `decoder` states, as read (see `decoder`).
    public struct DecoderConfig: Sendable, Equatable {
        public var isObject: Bool
        public var modelType: String?
        public var tie: NestedValue?
        /// The decoder's `pad_token_id`, and the `encoder` sub-config's, as read (nil: absent).
        public var padToken: PadToken? = nil
        public var encoderPadToken: PadToken? = nil
    }
    /// Token ids config.json gives the roles `eos_token`, `bos_token` (`eos_token_id`,
    /// `bos_token_id`: an integer, or a list of them as Llama 3 writes), by role.
    public var roleTokenIDs: [String: [Int]] = [:]
    /// Whether the layers add attention and MLP outputs to one residual sum with no residual
    /// dropout: `use_parallel_residual` absent (GPTNeoXConfig's default, true) or JSON `true`,
    /// and `hidden_dropout` / `resid_pdrop` absent or the number 0. nil when a key holds
    /// anything else (a string, `0`, a positive dropout): then nothing is assumed.
    public var parallelResidualWithoutDropout: Bool?
    /// The rotary parameters as llama.cpp's converter reads them (`ModelBase.__init__`, vendored
    /// by llama-cpp-python 0.3.36: the text_config's keys over the top level's): the
    /// `rope_parameters` object, else `rope_scaling`; `rope_theta`, `head_dim`,
    /// `original_max_position_embeddings` as numbers. Only `diff` reads them, to check the
    /// tables the converter computes from them (`LlamaCppConverterDrops.added`).
    public var rotary = Rotary()
    /// `vocab_size` as llama.cpp's converter reads it (the text_config's over the top level's,
    /// as `rotary`), when it is a non-negative integer. `vocabSize` reads the top level first,
    /// as transformers' loaders of the checkpoint do; the Gemma 3n converter pads its token tables
    /// to this one (hunt-57a F2: a composite config with 320 in text_config and 330 at the top).
    public var converterVocabSize: Int?
    /// The group count llama.cpp's Mamba-2 converter writes (`Mamba2Model.__init__`,
    /// conversion/mamba.py: `find_hparam(["n_groups"]) or 1`, with Granite 4 and Falcon-H1 also
    /// trying `mamba_n_groups`): the first of those keys present, read as the text_config's over the
    /// top level's; 1 when none is, or it is null or 0. Nil when it holds anything else (no claim).
    public var stateSpaceGroups: Int?
    /// The values of `converterKeys` as llama.cpp's converter reads them (the text_config's over
    /// the top level's, as `rotary`), raw: Falcon-H1's µP multipliers and the sizes of its
    /// `in_proj` bands (`LlamaCppMultipliers`), the head counts a fused QKV matrix is regrouped by
    /// (`LlamaCppQKVOrder`), DeepSeek's latent-attention sizes (`MLASplits`). Absent keys are absent.
    public var converterValues: [String: JSONNode] = [:]
    /// Keys those converter classes read: `FalconH1Model.modify_tensors` (`conversion/falcon_h1.py`,
    /// whose `find_hparam` also tries each key with a `mamba_` prefix), GPT-NeoX's, BLOOM's and
    /// Falcon's head counts, `DeepseekV2Model.modify_tensors`'s sizes.
    public static let converterKeys: [String] = {
        let prefixed = ["attention_in_multiplier", "attention_out_multiplier", "key_multiplier", "ssm_in_multiplier",
                        "ssm_out_multiplier", "mlp_multipliers", "ssm_multipliers"]
        return ["embedding_multiplier", "lm_head_multiplier", "mamba_d_ssm", "mamba_n_groups", "mamba_d_state",
                "n_head", "num_attention_heads", "num_kv_heads", "n_head_kv", "num_key_value_heads", "qk_nope_head_dim", "v_head_dim"]
            + prefixed + prefixed.map { "mamba_" + $0 }
    }()

    /// `converterValues[key]` when it is a non-negative JSON integer (a count as the converter
    /// uses it); nil otherwise.
    public func converterCount(_ key: String) -> Int? { converterValues[key].flatMap(Self.index) }

    /// See `rotary`.
    public struct Rotary: Sendable, Equatable {
        public var parameters: JSONNode?
        public var theta: Double?
        public var headDimension: Int?
        public var originalMaxPositions: Double?
        /// Gemma 4's full-attention head dimension as its converter finds it (see
        /// `readGemma4`); nil when the config gives none.
        public var fullAttentionHeadDimension: Int?
        /// Gemma 4's `partial_rotary_factor` of its proportional full-attention rope (see
        /// `readGemma4`); nil when the config states no proportional rope.
        public var proportionalFraction: Double?
        public init() {}
    }

    public init(path: String, modelType: String? = nil, padToken: PadToken = .absent, vocabSize: Int? = nil,
                hiddenSize: Int? = nil, tieWordEmbeddings: Bool? = nil) {
        self.path = path
        self.modelType = modelType
        self.padToken = padToken
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.tieWordEmbeddings = tieWordEmbeddings
    }

    /// Reads `config.json` (at most `limit` bytes) with the strict JSON reader. Fields may sit
    /// in a nested `text_config` (multimodal models); top-level values win. A key twice in the
    /// same object is an error: Python's `json` keeps the last one, so which value transformers
    /// sees is not what a first-wins reader would report.
    public static func load(path: String, limit: UInt64 = 16 << 20, confinedTo boundary: FolderBoundary? = nil) throws(CheckpointError) -> ModelConfig {
        let bytes = try MappedFile.contents(of: path, limit: limit, what: "config.json", confinedTo: boundary)
        let root: JSONNode
        do {
            root = try JSONDocument.parse(bytes)
        } catch {
            throw .source(path: path, kind: "config", message: "config.json is not valid JSON: \(error)")
        }
        guard case .object(let members) = root else {
            throw .source(path: path, kind: "config", message: "config.json is not a JSON object")
        }
        var nestedMembers: [JSONMember] = []
        if case .object(let inner)? = root["text_config"] { nestedMembers = inner }
        for object in [members, nestedMembers] {
            // By code points, as Python's json compares keys: `café` precomposed and decomposed
            // are two keys, not one key twice (such a config.json was refused).
            var seen: [ExactText: Int] = [:]
            for member in object {
                if let first = seen[ExactText(member.key)] {
                    throw .source(path: path, kind: "config",
                                  message: "config.json has the key \(quotedName(member.key)) twice (bytes \(first) and \(member.keyOffset))")
                }
                seen[ExactText(member.key)] = member.keyOffset
            }
        }
        return parse(root, path: path)
    }

    /// The fields of an already parsed config object.
    static func parse(_ root: JSONNode, path: String) -> ModelConfig {
        let nested = root.lastValue(for: "text_config")
        var fromTextConfig: [String] = []
        func value(_ keys: String...) -> (key: String, value: JSONNode)? {
            for key in keys {
                if let v = root.lastValue(for: key) { return (key, v) }
                if let v = nested?.lastValue(for: key) {
                    fromTextConfig.append(key)
                    return (key, v)
                }
            }
            return nil
        }
        var config = ModelConfig(path: path)
        // `"text_config": null` is no text_config: the composite class builds its default one.
        switch nested {
        case nil, .null?: break
        case .object?: config.hasTextConfig = true
        case let other?:
            config.hasTextConfig = true
            config.textConfigNotObject = Self.text(other)
        }
        switch value("model_type") {
        case (_, .string(let type))?: config.modelType = type
        // `"model_type": 5` is a config that states a model type badly, not one without it.
        case let (key, raw)?: config.invalidValues.append(InvalidValue(key: key, text: Self.text(raw), expected: "a string"))
        case nil: break
        }
        if case .string(let name)? = root.lastValue(for: "tokenizer_class") { config.tokenizerClass = name }
        if let (key, raw) = value("pad_token_id") {
            let read = Self.padToken(raw, key: key)
            config.padToken = read.token
            config.padTokenIsList = read.isList
            if let invalid = read.invalid { config.invalidValues.append(invalid) }
        }
        if let raw = nested?.lastValue(for: "pad_token_id") {
            let read = Self.padToken(raw, key: "pad_token_id")
            config.textConfigPadToken = read.token
            config.textConfigPadTokenIsList = read.isList
        }
        func size(_ keys: String...) -> Int? {
            for key in keys {
                guard let raw = root.lastValue(for: key) ?? nested?.lastValue(for: key) else { continue }
                if let n = Self.index(raw) ?? Self.integerValued(raw) { return n }
                config.invalidValues.append(InvalidValue(key: key, text: Self.text(raw), expected: "a non-negative integer"))
                return nil
            }
            return nil
        }
        config.vocabSize = size("vocab_size")
        // An id at or past vocab_size: transformers warns, and building the embedding fails
        // ("Padding_idx must be within num_embeddings"); the resolver leaves the row out too.
        if case .id(let id) = config.padToken, let vocabulary = config.vocabSize, id >= vocabulary,
           let (key, raw) = value("pad_token_id"), !config.invalidValues.contains(where: { $0.key == key }) {
            config.invalidValues.append(InvalidValue(key: key, text: Self.text(raw), expected: "a token id below vocab_size (\(vocabulary))",
                                                     use: "transformers warns of it, and building the model fails (padding_idx must be within "
                                                         + "num_embeddings); it is not used"))
        }
        config.hiddenSize = size("hidden_size", "n_embd", "d_model", "dim", "emb_dim")  // emb_dim: XLM, Flaubert
        func quietSize(_ key: String) -> Int? {
            guard let raw = root.lastValue(for: key) ?? nested?.lastValue(for: key) else { return nil }
            if let n = Self.index(raw) ?? Self.integerValued(raw) { return n }
            config.unusableHeadCounts[key] = Self.text(raw)
            return nil
        }
        // An array of class names, or null (some configs say so); anything else is reported and
        // not used (the tying evidence falls back to tie_word_embeddings and the default).
        switch root.lastValue(for: "architectures") {
        case .array(let items)?:
            let names = items.compactMap { item -> String? in
                if case .string(let name) = item { return name }
                return nil
            }
            if names.count == items.count {
                config.architectures = names
            } else {
                config.invalidValues.append(InvalidValue(key: "architectures", text: Self.text(.array(items)), expected: "an array of class names"))
            }
        case .null?, nil: break
        case let raw?: config.invalidValues.append(InvalidValue(key: "architectures", text: Self.text(raw), expected: "an array of class names"))
        }
        config.attentionHeads = quietSize("num_attention_heads")
        config.keyValueHeads = quietSize("num_key_value_heads")
        // Only a JSON boolean: `1` or `"true"` is reported, not read as a tie.
        switch value("tie_word_embeddings") {
        case (_, .bool(let tied))?: config.tieWordEmbeddings = tied
        case let (key, raw)?: config.invalidValues.append(InvalidValue(key: key, text: Self.text(raw), expected: "true or false"))
        case nil: break
        }
        if case .string(let type)? = nested?.lastValue(for: "model_type") { config.textConfigModelType = type }
        switch nested?.lastValue(for: "tie_word_embeddings") {
        case .bool(let nestedTie)?: config.textConfigTie = .bool(nestedTie)
        case let raw?: config.textConfigTie = .notBoolean(Self.text(raw))
        case nil: break
        }
        if case .bool(let share)? = root.lastValue(for: "share_encoder_decoder_embeddings") { config.shareEncoderDecoderEmbeddings = share }
        if let decoder = root.lastValue(for: "decoder") {
            let isObject = if case .object = decoder { true } else { false }
            let type: String? = if case .string(let name)? = decoder.lastValue(for: "model_type") { name } else { nil }
            let tie: NestedValue? = switch decoder.lastValue(for: "tie_word_embeddings") {
            case .bool(let flag)?: .bool(flag)
            case let raw?: .notBoolean(Self.text(raw))
            case nil: nil
            }
            config.decoder = DecoderConfig(isObject: isObject, modelType: type, tie: tie,
                                           padToken: decoder.lastValue(for: "pad_token_id").map { Self.padToken($0, key: "decoder.pad_token_id").token },
                                           encoderPadToken: root.lastValue(for: "encoder")?.lastValue(for: "pad_token_id")
                                               .map { Self.padToken($0, key: "encoder.pad_token_id").token })
        }
        for (key, role) in [("eos_token_id", "eos_token"), ("bos_token_id", "bos_token")] {
            guard let node = root.lastValue(for: key) else { continue }
            if case .array(let items) = node {
                config.roleTokenIDs[role] = items.compactMap(Self.index)
            } else if let id = Self.index(node) {
                config.roleTokenIDs[role] = [id]
            }
        }
        config.parallelResidualWithoutDropout = {
            switch root.lastValue(for: "use_parallel_residual") {
            case nil, .bool(true)?: break
            default: return nil
            }
            for key in ["hidden_dropout", "resid_pdrop"] {
                guard let node = root.lastValue(for: key) else { continue }
                guard case .number(let number) = node, Double(number.text) == 0 else { return nil }
            }
            return true
        }()
        config.fieldsFromTextConfig = fromTextConfig
        // The converter merges `{**hparams, **text_config}`: the text_config's key wins.
        // The converter's text_config, after `ModelBase.load_hparams` renames (`conversion/base.py`;
        // Mamba2Model's own reading does the first too): `llm_config`, `lm_config`,
        // `thinker_config.text_config`, `language_config` and `lfm`, in that order, each replacing
        // `text_config` (hunt-58c F7: a Falcon-H1 config under `llm_config`).
        let converterNested = root.lastValue(for: "lfm") ?? root.lastValue(for: "language_config")
            ?? root.lastValue(for: "thinker_config")?.lastValue(for: "text_config") ?? root.lastValue(for: "lm_config")
            ?? root.lastValue(for: "llm_config") ?? nested
        func merged(_ key: String) -> JSONNode? {
            guard case .object? = converterNested, let value = converterNested?.lastValue(for: key) else { return root.lastValue(for: key) }
            return value
        }
        func number(_ key: String) -> Double? {
            if case .number(let n)? = merged(key) { return Double(n.text) }
            return nil
        }
        if case .object? = merged("rope_parameters") { config.rotary.parameters = merged("rope_parameters") }
        else if case .object? = merged("rope_scaling") { config.rotary.parameters = merged("rope_scaling") }
        config.rotary.theta = number("rope_theta")
        config.rotary.headDimension = number("head_dim").flatMap { Int(exactly: $0) }
        config.rotary.originalMaxPositions = number("original_max_position_embeddings")
        config.converterVocabSize = merged("vocab_size").flatMap { Self.index($0) ?? Self.integerValued($0) }
        switch merged("n_groups") ?? merged("mamba_n_groups") {
        case nil, .null?: config.stateSpaceGroups = 1
        case let node?:
            if case .number(let n) = node, let count = Int(n.text), count >= 0 { config.stateSpaceGroups = count == 0 ? 1 : count }
        }
        for key in Self.converterKeys { config.converterValues[key] = merged(key) }
        config.rotary.readGemma4(merged: merged, modelType: config.textConfigModelType ?? config.modelType)
        return config
    }

    /// A `pad_token_id` value as read: the token, whether it was a list, and what is wrong with it.
    static func padToken(_ raw: JSONNode, key: String) -> (token: PadToken, isList: Bool, invalid: InvalidValue?) {
        switch raw {
        case .null:
            return (.none, false, nil)
        case .array(let list) where list.first.flatMap { Self.index($0) ?? Self.negativeIndex($0) } != nil:
            let first = list.first.flatMap { Self.index($0) ?? Self.negativeIndex($0) } ?? 0
            // The config classes of 357 of transformers 5.25's model types refuse it (their
            // dataclass wants an int or None: StrictDataclassFieldValidationError), the others
            // keep the list (`ModelTypeFacts.refusesPadTokenIDList` says which); 4.x loaded it.
            return (.id(first), true, InvalidValue(key: key, text: Self.text(raw), expected: "an integer token id or null",
                                                    use: "transformers 5.25 refuses such a config for 357 model types (llama, bert, t5, …) "
                                                        + "and keeps the list for other model types; its first element, \(first), is analysed as the pad id"))
        default:
            if let id = Self.index(raw) { return (.id(id), false, nil) }
            if let id = Self.negativeIndex(raw) {
                // transformers builds nn.Embedding(vocab_size, hidden, padding_idx=-1), which
                // counts a negative index from the end: the pad row is the last one. It warns
                // that the id is outside 0..<vocab_size, so the value is still reported.
                return (.id(id), false, InvalidValue(key: key, text: Self.text(raw), expected: "a non-negative integer token id",
                                                      use: "transformers warns of it, and nn.Embedding counts a negative padding_idx "
                                                          + "from the end: the row it names that way is the pad row, when there is one"))
            }
            return (.invalid(text: Self.text(raw)), false, InvalidValue(key: key, text: Self.text(raw), expected: "a non-negative integer token id, or null"))
        }
    }

    /// A non-negative JSON integer that fits in `Int` (no fraction, exponent, sign or quotes).
    static func index(_ node: JSONNode) -> Int? {
        guard case .number(let number) = node, let value = number.unsignedValue else { return nil }
        return Int(exactly: value)
    }

    /// A negative JSON integer that fits in `Int` (`-1`): a pad id Python passes on as it is.
    static func negativeIndex(_ node: JSONNode) -> Int? {
        guard case .number(let number) = node, number.unsignedValue == nil, number.text.hasPrefix("-"),
              number.text.utf8.dropFirst().allSatisfy({ (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains($0) }),
              let value = Int(number.text), value < 0 else { return nil }
        return value
    }

    /// A non-negative integer-valued number written with a fraction or exponent (`768.0`,
    /// `7.68e2`): accepted for sizes, as transformers' Python would use it, never for ids.
    static func integerValued(_ node: JSONNode) -> Int? {
        guard case .number(let number) = node, let d = Double(number.text), d >= 0, d == d.rounded() else { return nil }
        return Int(exactly: d)
    }

    /// A value as written, for messages: numbers verbatim, strings quoted, others by type.
    static func text(_ node: JSONNode) -> String {
        switch node {
        case .number(let n): n.text.count <= 40 ? n.text : String(n.text.prefix(40)) + "…"
        case .string(let s): quoted(s.count <= 40 ? s : String(s.prefix(40)) + "…")
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        default: node.typeName
        }
    }

    /// Each invalid value as a source issue (`config-invalid-value`).
    public var sourceIssues: [SourceIssue] {
        invalidValues.map { SourceIssue(.configInvalidValue(key: $0.key, text: $0.text, expected: $0.expected, use: $0.use), file: path) }
    }
}

extension JSONNode {
    /// The value of the last member called `key` when this is an object (Python's `json`
    /// keeps the last of duplicate keys).
    package func lastValue(for key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members.last { ExactText.same($0.key, key) }?.value
    }
}
