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
    /// For a class whose model builds its input embedding from the `text_config`
    /// (Gemma3Config): that sub-config's class and default `pad_token_id`. The embedding's
    /// `padding_idx` is then the text_config's `pad_token_id`, or that default when the
    /// text_config leaves it out (or config.json has none); a top-level `pad_token_id` is not
    /// read for it. nil for every other class.
    ///
    /// Why: a Gemma 3 config with a top-level `pad_token_id` 5 beside a text_config's 0 builds
    /// `padding_idx` 0 (transformers 5.25); reading the top level first named the wrong row.
    public var textConfigPad: TextConfigPad?

    /// The `padding_idx` the model's input embedding is built with: `padding_idx` zeroes that
    /// row at build time and keeps the embedding's own gradient off it, so it is the one row
    /// a non-zero value calls for an explanation.
    public var embeddingPadding: EmbeddingPadding
    /// Whether the config class sets `tie_word_embeddings` to true even when config.json says
    /// false (T5Config in transformers 5.25: a stated false only turns off output scaling), so
    /// the models it builds tie equal copies whatever the file says.
    public var ignoresStatedFalse: Bool
    /// State-dict names (below the base model) of fixed sinusoidal position tables the model
    /// computes and saves: the encoder's and decoder's are equal by construction.
    public var sinusoidalPositionTables: [String]
    /// State-dict names (below the base model) of the other `nn.Embedding` weights the model
    /// builds with a `padding_idx` (`followsPadTokenID` or `fixed`): RoBERTa's position
    /// embeddings, BART's encoder and decoder token tables. That row is zero by construction,
    /// and stays so unless something else writes it.
    public var otherPaddedEmbeddings: [String: EmbeddingPadding]

    public enum TextConfigTie: String, Sendable, Equatable {
        case ignored, forwarded
    }

    /// See `textConfigPad`.
    public struct TextConfigPad: Sendable, Equatable {
        /// The text_config's transformers class ("Gemma3TextConfig").
        public var configClass: String
        /// Its `pad_token_id` when the text_config leaves the key out (nil: none).
        public var padTokenID: Int?

        public init(configClass: String, padTokenID: Int?) {
            self.configClass = configClass
            self.padTokenID = padTokenID
        }
    }

    /// The `pad_token_id` a config.json that leaves it out gets, and the class that gives it:
    /// the text_config's class for a class that reads it there, else the class's own.
    public var defaultPad: (id: Int?, configClass: String) {
        textConfigPad.map { ($0.padTokenID, $0.configClass) } ?? (padTokenID, configClass)
    }

    public enum EmbeddingPadding: Sendable, Equatable {
        /// `padding_idx` = `pad_token_id` (most classes).
        case followsPadTokenID
        /// A `padding_idx` the class fixes, whatever the config says (MPNet: 1).
        case fixed(Int)
        /// No `padding_idx` (T5's and GPT-2's `nn.Embedding(vocab_size, d_model)`): the pad
        /// row starts random and trains like any other row.
        case none

        /// Whether row `padID` is the row `padding_idx` zeroes, for a config whose pad id is `padID`.
        public func zeroes(row padID: Int) -> Bool {
            switch self {
            case .followsPadTokenID: true
            case .fixed(let index): index == padID
            case .none: false
            }
        }
    }

    public init(configClass: String, tiesWordEmbeddings: Bool, padTokenID: Int?, textConfigTie: TextConfigTie? = nil,
                textConfigPad: TextConfigPad? = nil,
                embeddingPadding: EmbeddingPadding = .followsPadTokenID, ignoresStatedFalse: Bool = false,
                sinusoidalPositionTables: [String] = [], otherPaddedEmbeddings: [String: EmbeddingPadding] = [:]) {
        self.configClass = configClass
        self.tiesWordEmbeddings = tiesWordEmbeddings
        self.padTokenID = padTokenID
        self.textConfigTie = textConfigTie
        self.textConfigPad = textConfigPad
        self.embeddingPadding = embeddingPadding
        self.ignoresStatedFalse = ignoresStatedFalse
        self.sinusoidalPositionTables = sinusoidalPositionTables
        self.otherPaddedEmbeddings = otherPaddedEmbeddings
    }
}

public enum ModelTypeFacts {
    /// The transformers version the table was read from.
    public static let transformersVersion = "5.25.0"

    /// Defaults of the text families most used on the Hub and of the encoder-decoder families,
    /// read by instantiating each config class with no arguments, and facts of the model each
    /// builds, read by building its base model on PyTorch's meta device
    /// (`TestData/knowledge/generate_model_types.py`); a test checks every entry against the
    /// committed `model-type-defaults.json` that script writes.
    ///
    /// Why a table and not one rule: transformers has no single default. BERT, GPT-2, T5 and
    /// Gemma classes tie the output projection to the input embedding unless told otherwise;
    /// Llama, Mistral, Qwen2/3, Phi-3 and OLMo classes do not. Assuming "true" for every
    /// config would call a Llama checkpoint tied.
    public static let table: [String: ModelTypeFact] = [
        "afmoe": .init(configClass: "AfmoeConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "albert": .init(configClass: "AlbertConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "apertus": .init(configClass: "ApertusConfig", tiesWordEmbeddings: false, padTokenID: 3),
        "apertus1p5_text": .init(configClass: "Apertus1p5TextConfig", tiesWordEmbeddings: false, padTokenID: 3),
        "arcee": .init(configClass: "ArceeConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "aria_text": .init(configClass: "AriaTextConfig", tiesWordEmbeddings: false, padTokenID: 2),
        "axk1": .init(configClass: "AXK1Config", tiesWordEmbeddings: false, padTokenID: nil),
        "axk2": .init(configClass: "AXK2Config", tiesWordEmbeddings: false, padTokenID: nil),
        "bailing_hybrid": .init(configClass: "BailingHybridConfig", tiesWordEmbeddings: false, padTokenID: 156892),
        "bamba": .init(configClass: "BambaConfig", tiesWordEmbeddings: false, padTokenID: 0),
        "bart": .init(configClass: "BartConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "beam": .init(configClass: "BeamConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "bert": .init(configClass: "BertConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "bert-generation": .init(configClass: "BertGenerationConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "big_bird": .init(configClass: "BigBirdConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "bigbird_pegasus": .init(configClass: "BigBirdPegasusConfig", tiesWordEmbeddings: true, padTokenID: 0,
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "biogpt": .init(configClass: "BioGptConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "bitnet": .init(configClass: "BitNetConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "blenderbot": .init(configClass: "BlenderbotConfig", tiesWordEmbeddings: true, padTokenID: 0,
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "blenderbot-small": .init(configClass: "BlenderbotSmallConfig", tiesWordEmbeddings: true, padTokenID: 0,
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "bloom": .init(configClass: "BloomConfig", tiesWordEmbeddings: true, padTokenID: nil, embeddingPadding: .none),
        "camembert": .init(configClass: "CamembertConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .followsPadTokenID]),
        "codegen": .init(configClass: "CodeGenConfig", tiesWordEmbeddings: false, padTokenID: nil, embeddingPadding: .none),
        "cohere": .init(configClass: "CohereConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "cohere2": .init(configClass: "Cohere2Config", tiesWordEmbeddings: true, padTokenID: 0),
        "cohere2_moe": .init(configClass: "Cohere2MoeConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "convbert": .init(configClass: "ConvBertConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "ctrl": .init(configClass: "CTRLConfig", tiesWordEmbeddings: true, padTokenID: nil, embeddingPadding: .none),
        "cwm": .init(configClass: "CwmConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "data2vec-text": .init(configClass: "Data2VecTextConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .followsPadTokenID]),
        "deberta": .init(configClass: "DebertaConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "deberta-v2": .init(configClass: "DebertaV2Config", tiesWordEmbeddings: true, padTokenID: 0),
        "deepseek_v2": .init(configClass: "DeepseekV2Config", tiesWordEmbeddings: false, padTokenID: nil),
        "deepseek_v3": .init(configClass: "DeepseekV3Config", tiesWordEmbeddings: false, padTokenID: nil),
        "deepseek_v32": .init(configClass: "DeepseekV32Config", tiesWordEmbeddings: false, padTokenID: nil),
        "deepseek_v4": .init(configClass: "DeepseekV4Config", tiesWordEmbeddings: false, padTokenID: nil),
        "diffllama": .init(configClass: "DiffLlamaConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "distilbert": .init(configClass: "DistilBertConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "doge": .init(configClass: "DogeConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "dory": .init(configClass: "DoryConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "dots3_note_text": .init(configClass: "Dots3NoteTextConfig", tiesWordEmbeddings: false, padTokenID: 151659),
        "electra": .init(configClass: "ElectraConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "ernie": .init(configClass: "ErnieConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "ernie4_5": .init(configClass: "Ernie4_5Config", tiesWordEmbeddings: true, padTokenID: 0),
        "ernie4_5_moe": .init(configClass: "Ernie4_5_MoeConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "esmc": .init(configClass: "EsmcConfig", tiesWordEmbeddings: false, padTokenID: 1, embeddingPadding: .none),
        "eurobert": .init(configClass: "EuroBertConfig", tiesWordEmbeddings: false, padTokenID: 128001),
        "exaone4": .init(configClass: "Exaone4Config", tiesWordEmbeddings: false, padTokenID: nil),
        "exaone_moe": .init(configClass: "ExaoneMoeConfig", tiesWordEmbeddings: false, padTokenID: 0),
        "falcon": .init(configClass: "FalconConfig", tiesWordEmbeddings: true, padTokenID: nil, embeddingPadding: .none),
        "falcon_h1": .init(configClass: "FalconH1Config", tiesWordEmbeddings: false, padTokenID: 0),
        "falcon_mamba": .init(configClass: "FalconMambaConfig", tiesWordEmbeddings: true, padTokenID: 0, embeddingPadding: .none),
        "flaubert": .init(configClass: "FlaubertConfig", tiesWordEmbeddings: true, padTokenID: 2),
        "flex_olmo": .init(configClass: "FlexOlmoConfig", tiesWordEmbeddings: false, padTokenID: 100277),
        "flint": .init(configClass: "FlintConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "fnet": .init(configClass: "FNetConfig", tiesWordEmbeddings: true, padTokenID: 3),
        "fsmt": .init(configClass: "FSMTConfig", tiesWordEmbeddings: false, padTokenID: 1, sinusoidalPositionTables: ["decoder.embed_positions.weight", "encoder.embed_positions.weight"],
                   otherPaddedEmbeddings: ["decoder.embed_positions.weight": .followsPadTokenID, "decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_positions.weight": .followsPadTokenID]),
        "gemma": .init(configClass: "GemmaConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "gemma2": .init(configClass: "Gemma2Config", tiesWordEmbeddings: true, padTokenID: 0),
        // Gemma3ForConditionalGeneration ties by the top level's value (a text_config's is not
        // read), and builds its language model's padding_idx from the text_config's pad_token_id.
        "gemma3": .init(configClass: "Gemma3Config", tiesWordEmbeddings: true, padTokenID: nil, textConfigTie: .ignored,
                        textConfigPad: .init(configClass: "Gemma3TextConfig", padTokenID: 0)),
        "gemma3_text": .init(configClass: "Gemma3TextConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "gemma3n_text": .init(configClass: "Gemma3nTextConfig", tiesWordEmbeddings: true, padTokenID: 0,
                   otherPaddedEmbeddings: ["embed_tokens_per_layer.weight": .followsPadTokenID]),
        "gemma4_text": .init(configClass: "Gemma4TextConfig", tiesWordEmbeddings: true, padTokenID: 0,
                   otherPaddedEmbeddings: ["embed_tokens_per_layer.weight": .followsPadTokenID]),
        "gemma4_unified_text": .init(configClass: "Gemma4UnifiedTextConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "glm": .init(configClass: "GlmConfig", tiesWordEmbeddings: false, padTokenID: 151329),
        "glm4": .init(configClass: "Glm4Config", tiesWordEmbeddings: false, padTokenID: 151329),
        "glm4_moe": .init(configClass: "Glm4MoeConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "glm4_moe_lite": .init(configClass: "Glm4MoeLiteConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "glm_moe_dsa": .init(configClass: "GlmMoeDsaConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "gpt2": .init(configClass: "GPT2Config", tiesWordEmbeddings: true, padTokenID: nil, embeddingPadding: .none),
        "gpt_bigcode": .init(configClass: "GPTBigCodeConfig", tiesWordEmbeddings: true, padTokenID: nil, embeddingPadding: .none),
        "gpt_neo": .init(configClass: "GPTNeoConfig", tiesWordEmbeddings: true, padTokenID: nil, embeddingPadding: .none),
        "gpt_neox": .init(configClass: "GPTNeoXConfig", tiesWordEmbeddings: false, padTokenID: nil, embeddingPadding: .none),
        "gpt_neox_japanese": .init(configClass: "GPTNeoXJapaneseConfig", tiesWordEmbeddings: true, padTokenID: nil, embeddingPadding: .none),
        "gpt_oss": .init(configClass: "GptOssConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "gptj": .init(configClass: "GPTJConfig", tiesWordEmbeddings: false, padTokenID: nil, embeddingPadding: .none),
        "granite": .init(configClass: "GraniteConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "granite_swa": .init(configClass: "GraniteSWAConfig", tiesWordEmbeddings: true, padTokenID: nil),
        "granitemoe": .init(configClass: "GraniteMoeConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "granitemoe_swa": .init(configClass: "GraniteMoeSWAConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "granitemoehybrid": .init(configClass: "GraniteMoeHybridConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "granitemoeshared": .init(configClass: "GraniteMoeSharedConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "gte": .init(configClass: "GteConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "helium": .init(configClass: "HeliumConfig", tiesWordEmbeddings: false, padTokenID: 3),
        "hrm_text": .init(configClass: "HrmTextConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "hy_v3": .init(configClass: "HYV3Config", tiesWordEmbeddings: false, padTokenID: nil),
        "hy_v4": .init(configClass: "HYV4Config", tiesWordEmbeddings: false, padTokenID: 120002),
        "hyperclovax": .init(configClass: "HyperCLOVAXConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "ibert": .init(configClass: "IBertConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .followsPadTokenID]),
        "jais2": .init(configClass: "Jais2Config", tiesWordEmbeddings: false, padTokenID: nil),
        "jamba": .init(configClass: "JambaConfig", tiesWordEmbeddings: false, padTokenID: 0),
        "jetmoe": .init(configClass: "JetMoeConfig", tiesWordEmbeddings: true, padTokenID: nil),
        "jina_embeddings_v3": .init(configClass: "JinaEmbeddingsV3Config", tiesWordEmbeddings: true, padTokenID: 1),
        "kimi_linear": .init(configClass: "KimiLinearConfig", tiesWordEmbeddings: false, padTokenID: 163839),
        "kolibri1": .init(configClass: "Kolibri1Config", tiesWordEmbeddings: false, padTokenID: nil),
        "kolibri1_1": .init(configClass: "Kolibri1_1Config", tiesWordEmbeddings: false, padTokenID: nil),
        "laguna": .init(configClass: "LagunaConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "lara_mini": .init(configClass: "LaraMiniConfig", tiesWordEmbeddings: true, padTokenID: nil),
        "layoutlm": .init(configClass: "LayoutLMConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "led": .init(configClass: "LEDConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "lfm2": .init(configClass: "Lfm2Config", tiesWordEmbeddings: true, padTokenID: 0),
        "lfm3": .init(configClass: "Lfm3Config", tiesWordEmbeddings: true, padTokenID: 124893),
        "llama": .init(configClass: "LlamaConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "llama4_text": .init(configClass: "Llama4TextConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "longcat_flash": .init(configClass: "LongcatFlashConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "longformer": .init(configClass: "LongformerConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .followsPadTokenID]),
        "longt5": .init(configClass: "LongT5Config", tiesWordEmbeddings: true, padTokenID: 0, embeddingPadding: .none, ignoresStatedFalse: true),
        "luke": .init(configClass: "LukeConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .followsPadTokenID, "entity_embeddings.entity_embeddings.weight": .fixed(0)]),
        "lxmert": .init(configClass: "LxmertConfig", tiesWordEmbeddings: true, padTokenID: nil, embeddingPadding: .fixed(0),
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .fixed(0), "embeddings.token_type_embeddings.weight": .fixed(0)]),
        "m2m_100": .init(configClass: "M2M100Config", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "mamba": .init(configClass: "MambaConfig", tiesWordEmbeddings: true, padTokenID: 0, embeddingPadding: .none),
        "mamba2": .init(configClass: "Mamba2Config", tiesWordEmbeddings: false, padTokenID: 1, embeddingPadding: .none),
        "marian": .init(configClass: "MarianConfig", tiesWordEmbeddings: true, padTokenID: 58100, sinusoidalPositionTables: ["decoder.embed_positions.weight", "encoder.embed_positions.weight"],
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "shared.weight": .followsPadTokenID]),
        "mbart": .init(configClass: "MBartConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "megatron-bert": .init(configClass: "MegatronBertConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "mellum": .init(configClass: "MellumConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "mimo_v2_flash": .init(configClass: "MiMoV2FlashConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "minicpm3": .init(configClass: "MiniCPM3Config", tiesWordEmbeddings: true, padTokenID: nil),
        "minicpm5_moe": .init(configClass: "MiniCPM5MoeConfig", tiesWordEmbeddings: false, padTokenID: 1),
        "minimax": .init(configClass: "MiniMaxConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "minimax_m2": .init(configClass: "MiniMaxM2Config", tiesWordEmbeddings: false, padTokenID: nil),
        "minimax_m3_vl_text": .init(configClass: "MiniMaxM3VLTextConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "ministral3": .init(configClass: "Ministral3Config", tiesWordEmbeddings: false, padTokenID: 11),
        "mistral": .init(configClass: "MistralConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "mistral4": .init(configClass: "Mistral4Config", tiesWordEmbeddings: false, padTokenID: 11),
        "mixtral": .init(configClass: "MixtralConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "mobilebert": .init(configClass: "MobileBertConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "modernbert": .init(configClass: "ModernBertConfig", tiesWordEmbeddings: true, padTokenID: 50283),
        "modernbert-decoder": .init(configClass: "ModernBertDecoderConfig", tiesWordEmbeddings: true, padTokenID: 50283),
        "mpnet": .init(configClass: "MPNetConfig", tiesWordEmbeddings: true, padTokenID: 1, embeddingPadding: .fixed(1),
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .fixed(1)]),
        "mpt": .init(configClass: "MptConfig", tiesWordEmbeddings: true, padTokenID: nil, embeddingPadding: .none),
        "mra": .init(configClass: "MraConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "mt5": .init(configClass: "MT5Config", tiesWordEmbeddings: true, padTokenID: 0, embeddingPadding: .none, ignoresStatedFalse: true),
        "mvp": .init(configClass: "MvpConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "nanochat": .init(configClass: "NanoChatConfig", tiesWordEmbeddings: false, padTokenID: 1),
        "nemotron_h": .init(configClass: "NemotronHConfig", tiesWordEmbeddings: false, padTokenID: 0, embeddingPadding: .none),
        "neomme": .init(configClass: "NeoMMEConfig", tiesWordEmbeddings: true, padTokenID: 0, embeddingPadding: .none),
        "nllb-moe": .init(configClass: "NllbMoeConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "nomic_bert": .init(configClass: "NomicBertConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "nystromformer": .init(configClass: "NystromformerConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "olmo": .init(configClass: "OlmoConfig", tiesWordEmbeddings: false, padTokenID: 1),
        "olmo2": .init(configClass: "Olmo2Config", tiesWordEmbeddings: false, padTokenID: 1),
        "olmo3": .init(configClass: "Olmo3Config", tiesWordEmbeddings: false, padTokenID: 1),
        "olmo_hybrid": .init(configClass: "OlmoHybridConfig", tiesWordEmbeddings: false, padTokenID: 100277),
        "olmoe": .init(configClass: "OlmoeConfig", tiesWordEmbeddings: false, padTokenID: 1),
        "openai-gpt": .init(configClass: "OpenAIGPTConfig", tiesWordEmbeddings: true, padTokenID: nil, embeddingPadding: .none),
        "opt": .init(configClass: "OPTConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "pegasus": .init(configClass: "PegasusConfig", tiesWordEmbeddings: true, padTokenID: 0, sinusoidalPositionTables: ["decoder.embed_positions.weight", "encoder.embed_positions.weight"],
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "pegasus_x": .init(configClass: "PegasusXConfig", tiesWordEmbeddings: true, padTokenID: 0,
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "persimmon": .init(configClass: "PersimmonConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "phi": .init(configClass: "PhiConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "phi3": .init(configClass: "Phi3Config", tiesWordEmbeddings: false, padTokenID: 32000),
        "phimoe": .init(configClass: "PhimoeConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "plbart": .init(configClass: "PLBartConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["decoder.embed_tokens.weight": .followsPadTokenID, "encoder.embed_tokens.weight": .followsPadTokenID]),
        "prophetnet": .init(configClass: "ProphetNetConfig", tiesWordEmbeddings: true, padTokenID: 0,
                   otherPaddedEmbeddings: ["decoder.position_embeddings.weight": .followsPadTokenID, "decoder.word_embeddings.weight": .followsPadTokenID, "encoder.position_embeddings.weight": .followsPadTokenID, "encoder.word_embeddings.weight": .followsPadTokenID]),
        "qwen2": .init(configClass: "Qwen2Config", tiesWordEmbeddings: false, padTokenID: nil),
        "qwen2_moe": .init(configClass: "Qwen2MoeConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "qwen3": .init(configClass: "Qwen3Config", tiesWordEmbeddings: false, padTokenID: nil),
        "qwen3_5_moe_text": .init(configClass: "Qwen3_5MoeTextConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "qwen3_5_text": .init(configClass: "Qwen3_5TextConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "qwen3_moe": .init(configClass: "Qwen3MoeConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "qwen3_next": .init(configClass: "Qwen3NextConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "recurrent_gemma": .init(configClass: "RecurrentGemmaConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "reformer": .init(configClass: "ReformerConfig", tiesWordEmbeddings: false, padTokenID: 0, embeddingPadding: .none),
        "rembert": .init(configClass: "RemBertConfig", tiesWordEmbeddings: false, padTokenID: 0),
        "roberta": .init(configClass: "RobertaConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .followsPadTokenID]),
        "roberta-prelayernorm": .init(configClass: "RobertaPreLayerNormConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .followsPadTokenID]),
        "roc_bert": .init(configClass: "RoCBertConfig", tiesWordEmbeddings: true, padTokenID: 0,
                   otherPaddedEmbeddings: ["embeddings.pronunciation_embed.weight": .followsPadTokenID, "embeddings.shape_embed.weight": .followsPadTokenID]),
        "roformer": .init(configClass: "RoFormerConfig", tiesWordEmbeddings: true, padTokenID: 0, sinusoidalPositionTables: ["encoder.embed_positions.weight"]),
        "rwkv": .init(configClass: "RwkvConfig", tiesWordEmbeddings: false, padTokenID: nil, embeddingPadding: .none),
        "seamless_m4t": .init(configClass: "SeamlessM4TConfig", tiesWordEmbeddings: true, padTokenID: 0,
                   otherPaddedEmbeddings: ["shared.weight": .followsPadTokenID, "t2u_model.model.decoder.embed_tokens.weight": .fixed(1), "text_encoder.embed_tokens.weight": .followsPadTokenID]),
        "seamless_m4t_v2": .init(configClass: "SeamlessM4Tv2Config", tiesWordEmbeddings: true, padTokenID: 0,
                   otherPaddedEmbeddings: ["shared.weight": .followsPadTokenID, "t2u_model.model.decoder.embed_tokens.weight": .fixed(1), "text_encoder.embed_tokens.weight": .followsPadTokenID]),
        "seed_oss": .init(configClass: "SeedOssConfig", tiesWordEmbeddings: false, padTokenID: 1),
        "smollm3": .init(configClass: "SmolLM3Config", tiesWordEmbeddings: true, padTokenID: 128004),
        "solar_open": .init(configClass: "SolarOpenConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "squeezebert": .init(configClass: "SqueezeBertConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "stablelm": .init(configClass: "StableLmConfig", tiesWordEmbeddings: false, padTokenID: nil),
        "starcoder2": .init(configClass: "Starcoder2Config", tiesWordEmbeddings: true, padTokenID: nil),
        "switch_transformers": .init(configClass: "SwitchTransformersConfig", tiesWordEmbeddings: true, padTokenID: 0, embeddingPadding: .none),
        "t5": .init(configClass: "T5Config", tiesWordEmbeddings: true, padTokenID: 0, embeddingPadding: .none, ignoresStatedFalse: true),
        "tapas": .init(configClass: "TapasConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "udop": .init(configClass: "UdopConfig", tiesWordEmbeddings: true, padTokenID: 0, embeddingPadding: .none, ignoresStatedFalse: true),
        "ultrabert": .init(configClass: "UltrabertConfig", tiesWordEmbeddings: false, padTokenID: 0),
        "umt5": .init(configClass: "UMT5Config", tiesWordEmbeddings: true, padTokenID: 0, embeddingPadding: .none, ignoresStatedFalse: true),
        "vaultgemma": .init(configClass: "VaultGemmaConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "vilt": .init(configClass: "ViltConfig", tiesWordEmbeddings: true, padTokenID: nil, ignoresStatedFalse: true),
        "visual_bert": .init(configClass: "VisualBertConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "whisper": .init(configClass: "WhisperConfig", tiesWordEmbeddings: true, padTokenID: 50256),
        "xglm": .init(configClass: "XGLMConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "xlm": .init(configClass: "XLMConfig", tiesWordEmbeddings: true, padTokenID: 2),
        "xlm-roberta": .init(configClass: "XLMRobertaConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .followsPadTokenID]),
        "xlm-roberta-xl": .init(configClass: "XLMRobertaXLConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .followsPadTokenID]),
        "xlnet": .init(configClass: "XLNetConfig", tiesWordEmbeddings: true, padTokenID: 5, embeddingPadding: .none),
        "xlstm": .init(configClass: "xLSTMConfig", tiesWordEmbeddings: false, padTokenID: 1, embeddingPadding: .none),
        "xmod": .init(configClass: "XmodConfig", tiesWordEmbeddings: true, padTokenID: 1,
                   otherPaddedEmbeddings: ["embeddings.position_embeddings.weight": .followsPadTokenID]),
        "yoso": .init(configClass: "YosoConfig", tiesWordEmbeddings: true, padTokenID: 1),
        "youtu": .init(configClass: "YoutuConfig", tiesWordEmbeddings: true, padTokenID: nil),
        "zamba": .init(configClass: "ZambaConfig", tiesWordEmbeddings: true, padTokenID: 0),
        "zamba2": .init(configClass: "Zamba2Config", tiesWordEmbeddings: true, padTokenID: 0),
        "zaya": .init(configClass: "ZayaConfig", tiesWordEmbeddings: true, padTokenID: 0),
    ]

    /// The fact for `modelType`, or nil for a model type outside the table.
    public static func fact(for modelType: String) -> ModelTypeFact? { table[modelType] }

    /// Whether the config class transformers registers for `modelType` refuses a config.json
    /// whose `pad_token_id` is a list (`padTokenIDListRefusing`, generated from transformers).
    public static func refusesPadTokenIDList(_ modelType: String) -> Bool { padTokenIDListRefusing.contains(modelType) }

    /// Whether `modelType`'s config class keeps a top-level `pad_token_id` list.
    public static func keepsPadTokenIDList(_ modelType: String) -> Bool { padTokenIDListKeeping.contains(modelType) }

    /// Whether `modelType`'s text_config class refuses a `pad_token_id` list stated there.
    public static func refusesNestedPadTokenIDList(_ modelType: String) -> Bool { padTokenIDListNestedRefusing.contains(modelType) }

    /// The model types whose transformers config class builds its text model from a
    /// `text_config` sub-config (`compositeTypeLines`, generated from transformers).
    public static let compositeTypes: Set<String> = Set(compositeTypeLines.split(whereSeparator: \.isWhitespace).map(String.init))

    /// Whether transformers' config class for `modelType` has a `text_config` sub-config.
    public static func isComposite(_ modelType: String) -> Bool { compositeTypes.contains(modelType) }

    /// The composite types whose class, given no text_config, builds one from the top-level
    /// fields (Qwen2-VL's flat configs): their top-level `pad_token_id` is the text model's then.
    public static let forwardingTypes: Set<String> = Set(forwardingTypeLines.split(whereSeparator: \.isWhitespace).map(String.init))

    /// How many model types the table knows.
    public static var knownCount: Int { table.count }
}
