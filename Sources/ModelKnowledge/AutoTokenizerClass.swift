/// The tokenizer class transformers' `AutoTokenizer.from_pretrained` builds for a folder, from
/// tokenizer_config.json's `tokenizer_class`, config.json's `tokenizer_class` and `model_type`,
/// and whether tokenizer.json mentions ByteLevel — the rule of transformers 5.25's
/// models/auto/tokenization_auto.py, over the tables `generate_auto_tokenizer_classes.py`
/// reads from it (`AutoTokenizerClasses.swift`).
///
/// Why: the class decides the pad token when no settings file states one (`TokenizerClassPad`)
/// and, for WordPiece classes that rebuild their normalizer and pre-tokenizer, which
/// characters are isolated (`ClassWordIsolation`). Taking tokenizer_config.json's
/// `tokenizer_class` alone gave another pad than AutoTokenizer in 20 of 24 folders whose
/// config.json's `model_type` overrides it (mistral, gpt_bigcode, granite, phi3, qwen2; hunt-53a
/// D1). `generate_auto_tokenizer_choice.py` holds this rule to AutoTokenizer's answers.
///
/// Not modelled: `auto_map` (remote code), Mistral's tekken.json format, and the hub ids of
/// `MODEL_IDS_TO_TOKENIZERS_BACKEND` (config.json's `_name_or_path`).
public struct AutoTokenizerClass: Sendable, Equatable {
    /// The class name, as a table of classes (`TokenizerClassPad.measured`) spells it.
    public var name: String
    /// Why this class, for messages: "tokenizer_config.json's tokenizer_class", "config.json's
    /// model_type \"qwen2\" overrides …".
    public var reason: String

    /// What AutoTokenizer reads to choose the class.
    public struct Inputs: Sendable, Equatable {
        /// tokenizer_config.json's `tokenizer_class`.
        public var tokenizerConfigClass: String?
        /// config.json's `tokenizer_class`.
        public var configClass: String?
        /// config.json's top-level `model_type` (not one read from `text_config`: AutoConfig
        /// needs it at the top).
        public var modelType: String?
        /// tokenizer.json's text holds `"ByteLevel"` (transformers' own test is that substring).
        public var byteLevelJSON: Bool

        public init(tokenizerConfigClass: String? = nil, configClass: String? = nil, modelType: String? = nil, byteLevelJSON: Bool = false) {
            self.tokenizerConfigClass = tokenizerConfigClass
            self.configClass = configClass
            self.modelType = modelType
            self.byteLevelJSON = byteLevelJSON
        }
    }

    /// The class transformers instantiates for `name` (`specialized`: ElectraTokenizer,
    /// LayoutLMTokenizer and LxmertTokenizer are BertTokenizer in transformers 5.25, LED's and
    /// MVP's RobertaTokenizer). A DPR `…TokenizerFast` name builds its own class only on the
    /// override path (`keepsTokenizerJSON`); elsewhere AutoTokenizer drops "Fast" first.
    public var instantiated: String {
        if Self.fastClassesOfTheirOwn.contains(name), !keepsTokenizerJSON { return Self.specialized[name.droppingFast] ?? name.droppingFast }
        return Self.specialized[name] ?? name
    }

    /// `table`'s entry for this class: its name's, else the instantiated class's. Why: the
    /// measured tables are keyed by the names they were measured under, and an ElectraTokenizer
    /// folder missed BertTokenizer's rebuilt normalizer and its "[PAD]" (review-53 #2).
    func entry<Value>(in table: [String: Value]) -> Value? { table[name] ?? table[instantiated] }

    /// Whether the class rebuilds the tokenizers backend from tokenizer.json's vocabulary
    /// instead of loading the file as it is, and so drops its added tokens
    /// (`rebuildingBackend`, measured; a class not measured is taken to load the file).
    public var rebuildsBackend: Bool {
        !keepsTokenizerJSON && (Self.rebuildingBackend.contains(name) || Self.rebuildingBackend.contains(instantiated))
    }

    /// Whether the class is tokenizer_config.json's `tokenizer_class`, taken as named (no
    /// override, no other source): messages then name the file, not "the class AutoTokenizer
    /// builds". Stored, not read back from `reason`'s text.
    public var isAsNamedInTokenizerConfig = false

    /// Whether AutoTokenizer builds one of DPR's three `…TokenizerFast` classes as named: in
    /// transformers 5.25 they are classes of their own (the other `…Fast` names alias the
    /// rebuilding class), without an `__init__` of their own, so they load tokenizer.json as it
    /// is — its added tokens, normalizer and pre-tokenizer kept — and add BertTokenizer's special
    /// tokens. Only the override path (config.json's `model_type` registered to another class,
    /// such as bert or gpt2) takes the name as it is; every other path drops "Fast" and builds
    /// the rebuilding DPR…Tokenizer. Measured by generate_config_added_ids.py (`dpr-fast-*`):
    /// with model_type bert the pad is 25 after tokenizer.json's two added tokens, without a
    /// config.json 23; the reader dropped the two and checked row 23 (hunt-63d H1).
    public internal(set) var keepsTokenizerJSON = false
    static let fastClassesOfTheirOwn: Set = ["DPRContextEncoderTokenizerFast", "DPRQuestionEncoderTokenizerFast", "DPRReaderTokenizerFast"]

    static let backend = "TokenizersBackend"
    static let genericNames: Set = ["TokenizersBackend", "PythonBackend", "PreTrainedTokenizerFast", "MistralCommonBackend"]

    /// The class AutoTokenizer builds, or nil when the folder names none and its model type has
    /// no registered class (AutoTokenizer then builds TokenizersBackend, which takes the padding
    /// section: the reader's behaviour without a class).
    public static func resolve(_ inputs: Inputs) -> AutoTokenizerClass? {
        let hub = inputs.tokenizerConfigClass ?? inputs.configClass
        let hubFile = inputs.tokenizerConfigClass != nil ? "tokenizer_config.json" : "config.json"
        let type = inputs.modelType.flatMap { $0.isEmpty ? nil : $0 }
        let registered = type.flatMap { Self.registered[$0] }
        let incorrect = type.map(incorrectHubClass.contains) ?? false
        if let hub, hub.droppingFast == "LlamaTokenizer", registered?.droppingFast != "MistralCommonBackend", !incorrect, inputs.byteLevelJSON {
            return AutoTokenizerClass(name: backend, reason: "\(hubFile) names \(quoted(hub)) but tokenizer.json is ByteLevel, "
                                      + "for which AutoTokenizer builds \(backend)")
        }
        if let hub, let type, let registered, registered.droppingFast != hub.droppingFast {
            let registeredName = registered.droppingFast
            let because = "config.json's model_type \(quoted(type)) is registered to \(registeredName), not \(hubFile)'s \(quoted(hub))"
            if !genericNames.contains(registeredName) {
                let name = incorrect ? registeredName : hub
                if specialized[name] != nil {
                    var kept = AutoTokenizerClass(name: name, reason: incorrect
                        ? because + ", and transformers lists that type as having an incorrect hub tokenizer_class"
                        : because + "; the hub class, a specialized one, is kept")
                    // Taken as named, "Fast" included (transformers' `tokenizer_class_from_name(_hub_class)`).
                    kept.keepsTokenizerJSON = fastClassesOfTheirOwn.contains(name)
                    return kept
                }
            }
            return AutoTokenizerClass(name: backend, reason: because + ", so AutoTokenizer builds \(backend)")
        }
        if let name = inputs.tokenizerConfigClass {
            var named = AutoTokenizerClass(name: name, reason: "tokenizer_config.json's tokenizer_class")
            named.isAsNamedInTokenizerConfig = true
            return named
        }
        if let name = inputs.configClass {
            return AutoTokenizerClass(name: name, reason: "config.json's tokenizer_class")
        }
        // With no class named, the registered one is found through the config's class, which
        // AutoConfig does not build for some types (nllb, code_llama, herbert): transformers then
        // reads a generic config and builds TokenizersBackend (hunt-63d M1: nllb's 207 own tokens
        // were added). The comparison above reads the type from the file and still applies.
        if let type, let registered, !withoutConfigClass.contains(type) {
            let name = registered.droppingFast == "MistralCommonBackend" ? backend : registered
            return AutoTokenizerClass(name: name, reason: "registered for config.json's model_type \(quoted(type))")
        }
        return nil
    }
}

extension String {
    /// The name without a trailing "Fast", as transformers compares class names.
    var droppingFast: String { hasSuffix("Fast") ? String(dropLast(4)) : self }
}
