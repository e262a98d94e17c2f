/// Facts transformers' own config class states for a `model_type` when config.json leaves a
/// key out. These are what the library does, so they are evidence about a transformers
/// checkpoint; for any other config they mean nothing.
public struct ModelTypeFact: Sendable, Equatable {
    /// The transformers config class registered for the model type.
    public var configClass: String
    /// `tie_word_embeddings` when config.json does not set it.
    public var tiesWordEmbeddings: Bool
    /// `pad_token_id` when config.json does not set it (nil: the class has none).
    public var padTokenID: Int?
    /// Whether a `tie_word_embeddings` that config.json sets only in its `text_config` is the
    /// model's own (`forwarded`) or not (`ignored`: the class default stays); nil for a class
    /// without a `text_config`.
    public var textConfigTie: TextConfigTie?

    public enum TextConfigTie: String, Sendable, Equatable {
        case ignored, forwarded
    }

    public init(configClass: String, tiesWordEmbeddings: Bool, padTokenID: Int?, textConfigTie: TextConfigTie? = nil) {
        self.configClass = configClass
        self.tiesWordEmbeddings = tiesWordEmbeddings
        self.padTokenID = padTokenID
        self.textConfigTie = textConfigTie
    }
}

public enum ModelTypeFacts {
    /// The transformers version the table was read from.
    public static let transformersVersion = "5.25.0"

    /// Defaults of the text families most used on the Hub, read by instantiating each config
    /// class with no arguments (`TestData/knowledge/generate_model_types.py`); a test checks
    /// every entry against the committed `model-type-defaults.json` that script writes.
    ///
    /// Why a table and not one rule: transformers has no single default. BERT, GPT-2, T5 and
    /// Gemma classes tie the output projection to the input embedding unless told otherwise;
    /// Llama, Mistral, Qwen2/3, Phi-3 and OLMo classes do not. Assuming "true" for every
    /// config would call a Llama checkpoint tied.
    public static let table: [String: ModelTypeFact] = [
        "albert": .init(configClass: "AlbertConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "bart": .init(configClass: "BartConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "bert": .init(configClass: "BertConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "bloom": .init(configClass: "BloomConfig", tiesWordEmbeddings: true, padTokenID: nil),
        "camembert": .init(configClass: "CamembertConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "cohere": .init(configClass: "CohereConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "deberta": .init(configClass: "DebertaConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "deberta-v2": .init(configClass: "DebertaV2Config", tiesWordEmbeddings: true, padTokenID: 0),
        "deepseek_v3": .init(configClass: "DeepseekV3Config", tiesWordEmbeddings: false, padTokenID: nil),
        "distilbert": .init(configClass: "DistilBertConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "electra": .init(configClass: "ElectraConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "falcon": .init(configClass: "FalconConfig", tiesWordEmbeddings: true, padTokenID: nil),
        "gemma": .init(configClass: "GemmaConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "gemma2": .init(configClass: "Gemma2Config", tiesWordEmbeddings: true, padTokenID: 0),
        // Gemma3ForConditionalGeneration ties by the top level's value; a text_config's is not read.
        "gemma3": .init(configClass: "Gemma3Config", tiesWordEmbeddings: true, padTokenID: nil, textConfigTie: .ignored),
        "gemma3_text": .init(configClass: "Gemma3TextConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "gpt2": .init(configClass: "GPT2Config", tiesWordEmbeddings: true, padTokenID: nil),
        "gpt_neox": .init(configClass: "GPTNeoXConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "gpt_oss": .init(configClass: "GptOssConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "gptj": .init(configClass: "GPTJConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "granite": .init(configClass: "GraniteConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "llama": .init(configClass: "LlamaConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "longformer": .init(configClass: "LongformerConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "marian": .init(configClass: "MarianConfig", tiesWordEmbeddings: true, padTokenID: 58100),
        "mistral": .init(configClass: "MistralConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "mixtral": .init(configClass: "MixtralConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "mobilebert": .init(configClass: "MobileBertConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "modernbert": .init(configClass: "ModernBertConfig", tiesWordEmbeddings: true, padTokenID: 50283),
        "mpnet": .init(configClass: "MPNetConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "mt5": .init(configClass: "MT5Config", tiesWordEmbeddings: true, padTokenID: 0),
        "olmo": .init(configClass: "OlmoConfig", tiesWordEmbeddings: false, padTokenID: 1),
        "olmo2": .init(configClass: "Olmo2Config", tiesWordEmbeddings: false, padTokenID: 1),
        "opt": .init(configClass: "OPTConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "phi": .init(configClass: "PhiConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "phi3": .init(configClass: "Phi3Config", tiesWordEmbeddings: false, padTokenID: 32000),
        "qwen2": .init(configClass: "Qwen2Config", tiesWordEmbeddings: false, padTokenID: nil),
        "qwen2_moe": .init(configClass: "Qwen2MoeConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "qwen3": .init(configClass: "Qwen3Config", tiesWordEmbeddings: false, padTokenID: nil),
        "qwen3_moe": .init(configClass: "Qwen3MoeConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "roberta": .init(configClass: "RobertaConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "smollm3": .init(configClass: "SmolLM3Config", tiesWordEmbeddings: true, padTokenID: 128004),
        "stablelm": .init(configClass: "StableLmConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "starcoder2": .init(configClass: "Starcoder2Config", tiesWordEmbeddings: true, padTokenID: nil),
        "t5": .init(configClass: "T5Config", tiesWordEmbeddings: true, padTokenID: 0),
        "whisper": .init(configClass: "WhisperConfig", tiesWordEmbeddings: true, padTokenID: 50256),
        "xlm-roberta": .init(configClass: "XLMRobertaConfig", tiesWordEmbeddings: true, padTokenID: 1),
    ]

    /// The fact for `modelType`, or nil for a model type outside the table.
    public static func fact(for modelType: String) -> ModelTypeFact? { table[modelType] }
}
