/// What llama.cpp does with `output.weight` (the output projection) for each GGUF
/// `general.architecture`, read from its model loaders (`src/models/*.cpp`
/// `load_arch_tensors`) and graphs (whether they make logits) in the llama.cpp vendored by
/// llama-cpp-python 0.3.36, by
/// `TestData/knowledge/generate_llamacpp_outputs.py` (which writes
/// `TestData/knowledge/llamacpp-outputs.json`; `LlamaCppArchitecturesTests` holds this table
/// against it).
///
/// Why per architecture: "no `output.weight` means tied" is llama.cpp's rule only for the
/// decoders whose loader falls back to `token_embd.weight`. An encoder (`bert`, `nomic-bert`,
/// …) has no output projection at all, and some decoders (`phi2`, `gptneox`, …) refuse a file
/// without one; calling their embedding "tied by the format's convention" would be a claim the
/// format does not make (a real all-MiniLM-L6-v2 converted by `convert_hf_to_gguf.py` got it).
public enum LlamaCppArchitectures {
    /// The output projection's rule for one architecture.
    public enum OutputRule: String, Sendable, Equatable {
        /// `output.weight` is optional; without it `token_embd.weight` is the output.
        case embeddingWhenAbsent = "embedding-when-absent"
        /// The output is always `token_embd.weight`; no `output.weight` is read.
        case alwaysEmbedding = "always-embedding"
        /// `output.weight` must be in the file: llama.cpp refuses a file without it.
        case required
        /// `output.weight` is optional, with no fallback.
        case optional
        /// No output projection at all (encoders), or one the loader loads and the graph never
        /// uses (t5encoder, gemma-embedding: no logits are made).
        case noOutputProjection = "none"
    }

    /// The metadata key naming the architecture.
    public static let architectureKey = "general.architecture"

    /// Where the table comes from, for messages.
    public static let source = "llama.cpp as vendored in llama-cpp-python 0.3.36"

    /// The rule for `architecture`, nil for a name the table does not hold.
    public static func outputRule(for architecture: String) -> OutputRule? { outputs[architecture] }

    /// The file's architecture name, when it states one as a string.
    public static func architecture(of file: GGUFFile) -> String? { file.metadata[architectureKey]?.string }

    /// Whether llama.cpp uses `token_embd.weight` as the file's output projection: true when the
    /// architecture's loader does so (always, or because `output.weight` is absent), false when
    /// the file has its own output or the architecture has none or requires one, nil when the
    /// architecture is missing or not in the table (nothing says).
    public static func embeddingIsOutput(in file: GGUFFile) -> Bool? {
        guard file.tensor(named: LlamaCppTensorNames.tokenEmbedding) != nil,
              let name = architecture(of: file), let rule = outputRule(for: name) else { return nil }
        let absent = file.tensor(named: LlamaCppTensorNames.output) == nil
        switch rule {
        case .embeddingWhenAbsent, .alwaysEmbedding: return absent
        case .required, .optional, .noOutputProjection: return false
        }
    }

    public static let outputs: [String: OutputRule] = [
        // embedding-when-absent (90)
        "afmoe": .embeddingWhenAbsent, "arcee": .embeddingWhenAbsent, "arctic": .embeddingWhenAbsent,
        "bailingmoe3": .embeddingWhenAbsent, "bloom": .embeddingWhenAbsent, "chameleon": .embeddingWhenAbsent,
        "chatglm": .embeddingWhenAbsent, "cogvlm": .embeddingWhenAbsent, "cohere2moe": .embeddingWhenAbsent,
        "deci": .embeddingWhenAbsent, "deepseek": .embeddingWhenAbsent, "deepseek2": .embeddingWhenAbsent,
        "deepseek2-ocr": .embeddingWhenAbsent, "deepseek32": .embeddingWhenAbsent, "dflash": .embeddingWhenAbsent,
        "dots3note": .embeddingWhenAbsent, "dream": .embeddingWhenAbsent, "ernie4_5": .embeddingWhenAbsent,
        "ernie4_5-moe": .embeddingWhenAbsent, "exaone": .embeddingWhenAbsent, "exaone-moe": .embeddingWhenAbsent,
        "exaone4": .embeddingWhenAbsent, "falcon": .embeddingWhenAbsent, "falcon-h1": .embeddingWhenAbsent,
        "gemma3": .embeddingWhenAbsent, "gemma3n": .embeddingWhenAbsent,
        "gemma4": .embeddingWhenAbsent, "glm-dsa": .embeddingWhenAbsent, "glm4": .embeddingWhenAbsent,
        "glm4moe": .embeddingWhenAbsent, "gpt2": .embeddingWhenAbsent, "granite": .embeddingWhenAbsent,
        "granite_swa": .embeddingWhenAbsent, "granitehybrid": .embeddingWhenAbsent,
        "granitemoe": .embeddingWhenAbsent, "graniteswitch": .embeddingWhenAbsent, "grok": .embeddingWhenAbsent,
        "grovemoe": .embeddingWhenAbsent, "hrm_text": .embeddingWhenAbsent, "hunyuan-dense": .embeddingWhenAbsent,
        "hunyuan-moe": .embeddingWhenAbsent, "hunyuan_vl": .embeddingWhenAbsent, "hy_v3": .embeddingWhenAbsent,
        "jais2": .embeddingWhenAbsent, "jamba": .embeddingWhenAbsent, "laguna": .embeddingWhenAbsent,
        "lfm2": .embeddingWhenAbsent, "lfm2moe": .embeddingWhenAbsent, "llada": .embeddingWhenAbsent,
        "llama": .embeddingWhenAbsent, "llama4": .embeddingWhenAbsent,
        "maincoder": .embeddingWhenAbsent, "mamba": .embeddingWhenAbsent, "mamba2": .embeddingWhenAbsent,
        "minicpm": .embeddingWhenAbsent, "minicpm3": .embeddingWhenAbsent, "minimax-01": .embeddingWhenAbsent,
        "mistral3": .embeddingWhenAbsent, "mistral4": .embeddingWhenAbsent, "mpt": .embeddingWhenAbsent,
        "nanbeige": .embeddingWhenAbsent, "nemotron_h": .embeddingWhenAbsent, "nemotron_h_moe": .embeddingWhenAbsent,
        "olmo": .embeddingWhenAbsent, "paddleocr": .embeddingWhenAbsent, "pangu-embedded": .embeddingWhenAbsent,
        "phi3": .embeddingWhenAbsent, "plamo2": .embeddingWhenAbsent, "plamo3": .embeddingWhenAbsent,
        "plm": .embeddingWhenAbsent, "qwen2": .embeddingWhenAbsent, "qwen2vl": .embeddingWhenAbsent,
        "qwen3": .embeddingWhenAbsent, "qwen35": .embeddingWhenAbsent, "qwen35moe": .embeddingWhenAbsent,
        "qwen3moe": .embeddingWhenAbsent, "qwen3next": .embeddingWhenAbsent, "qwen3tts": .embeddingWhenAbsent,
        "qwen3vl": .embeddingWhenAbsent, "qwen3vlmoe": .embeddingWhenAbsent, "qwen4exp": .embeddingWhenAbsent,
        "refact": .embeddingWhenAbsent, "rnd1": .embeddingWhenAbsent, "seed_oss": .embeddingWhenAbsent,
        "smallthinker": .embeddingWhenAbsent, "smollm3": .embeddingWhenAbsent, "spark2_5": .embeddingWhenAbsent,
        "starcoder": .embeddingWhenAbsent, "starcoder2": .embeddingWhenAbsent, "t5": .embeddingWhenAbsent,
                // always-embedding (8)
        "bitnet": .alwaysEmbedding, "cohere2": .alwaysEmbedding, "command-r": .alwaysEmbedding,
        "gemma": .alwaysEmbedding, "gemma2": .alwaysEmbedding, "gemma4-assistant": .alwaysEmbedding,
        "openelm": .alwaysEmbedding, "pockettts": .alwaysEmbedding,
        // required (40)
        "apertus": .required, "arwkv7": .required, "baichuan": .required, "bailingmoe": .required,
        "bailingmoe2": .required, "codeshell": .required, "dbrx": .required, "deepseek4": .required,
        "dots1": .required, "glm5-next": .required, "gpt-oss": .required, "gptneox": .required, "hy_v4": .required,
        "internlm2": .required, "jais": .required, "kimi-k3": .required, "kimi-linear": .required,
        "llada-moe": .required, "maple": .required, "mellum": .required, "mimo2": .required, "minimax-m2": .required,
        "minimax-m3": .required, "muse-glimmer": .required, "nemotron": .required, "olmo2": .required,
        "olmoe": .required, "orion": .required, "phi2": .required, "phimoe": .required, "plamo": .required,
        "qwen": .required, "qwen2moe": .required, "rwkv6": .required, "rwkv6qwen2": .required, "rwkv7": .required,
        "stablelm": .required, "step35": .required, "talkie": .required, 
        "xverse": .required,
        // optional (1)
        "eagle3": .optional,
        // none (13): encoders, and graphs that never make logits though the loader loads an
        // output (t5encoder, gemma-embedding, llama-embed, wavtokenizer-dec)
        "bert": .noOutputProjection, "clip": .noOutputProjection, "eurobert": .noOutputProjection,
        "gemma-embedding": .noOutputProjection, "jina-bert-v2": .noOutputProjection, "jina-bert-v3": .noOutputProjection,
        "llama-embed": .noOutputProjection, "modern-bert": .noOutputProjection, "neo-bert": .noOutputProjection,
        "nomic-bert": .noOutputProjection, "nomic-bert-moe": .noOutputProjection, "t5encoder": .noOutputProjection,
        "wavtokenizer-dec": .noOutputProjection,
    ]
}
