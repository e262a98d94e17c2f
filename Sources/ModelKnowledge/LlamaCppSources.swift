/// The Hugging Face model types llama.cpp's converter writes as each GGUF encoder
/// architecture, and what their transformers defaults say about tying.
///
/// Why: a GGUF encoder (`bert`, ...) has no output projection in llama.cpp, so the file itself
/// ties nothing, yet its input embedding was trained in a Hub model whose masked-LM head may
/// have been tied to it: that is what moves a BERT pad row away from zero. The file keeps no
/// config.json, but its `general.architecture` narrows the source to the model types the
/// converter writes under that name; when all of them default `tie_word_embeddings` the same
/// way (`ModelTypeFacts`), that default is the model type's documented default for this
/// matrix, implied, not stated.
///
/// Read from the converter of the llama.cpp vendored by llama-cpp-python 0.3.36 (its
/// `@ModelBase.register` names, each class's `model_arch` and the `self.model_arch`
/// assignments in `__init__`), with transformers 5.24.0's auto-model tables turning class names
/// into model types: `TestData/knowledge/generate_llamacpp_sources.py` writes
/// `llamacpp-sources.json`, and `LlamaCppSourcesTests` holds this table against it. Only the
/// architectures without an output projection are here: for the others the GGUF file's own
/// `output.weight` (or llama.cpp's fallback rule) decides.
public enum LlamaCppSources {
    /// A GGUF architecture's possible Hub sources: model types, and registered class names
    /// transformers does not know (which make the source's default unknowable).
    public struct Sources: Sendable, Equatable {
        public var modelTypes: [String]
        public var unmappedClasses: [String]
        /// Every class name the converter registers for the architecture.
        public var classes: [String]
    }

    public static let encoders: [String: Sources] = [
        "bert": Sources(modelTypes: ["bert", "camembert", "distilbert", "roberta", "xlm-roberta"], unmappedClasses: [],
                        classes: ["BertForMaskedLM", "BertForSequenceClassification", "BertModel", "CamembertModel", "DistilBertForMaskedLM", "DistilBertForSequenceClassification", "DistilBertModel", "RobertaForSequenceClassification", "RobertaModel", "XLMRobertaForSequenceClassification", "XLMRobertaModel"]),
        "clip": Sources(modelTypes: [], unmappedClasses: [],
                        classes: []),
        "eurobert": Sources(modelTypes: ["eurobert"], unmappedClasses: ["JinaEmbeddingsV5Model"],
                        classes: ["EuroBertModel", "JinaEmbeddingsV5Model"]),
        "gemma-embedding": Sources(modelTypes: ["gemma3_text"], unmappedClasses: [],
                        classes: ["Gemma3TextModel"]),
        "jina-bert-v2": Sources(modelTypes: [], unmappedClasses: ["JinaBertForMaskedLM", "JinaBertModel"],
                        classes: ["JinaBertForMaskedLM", "JinaBertModel"]),
        "jina-bert-v3": Sources(modelTypes: ["xlm-roberta"], unmappedClasses: [],
                        classes: ["XLMRobertaForSequenceClassification", "XLMRobertaModel"]),
        "llama-embed": Sources(modelTypes: [], unmappedClasses: ["LlamaBidirectionalModel"],
                        classes: ["LlamaBidirectionalModel"]),
        "modern-bert": Sources(modelTypes: ["modernbert"], unmappedClasses: [],
                        classes: ["ModernBertForMaskedLM", "ModernBertForSequenceClassification", "ModernBertModel"]),
        "neo-bert": Sources(modelTypes: [], unmappedClasses: ["NeoBERT", "NeoBERTForSequenceClassification", "NeoBERTLMHead"],
                        classes: ["NeoBERT", "NeoBERTForSequenceClassification", "NeoBERTLMHead"]),
        "nomic-bert": Sources(modelTypes: ["nomic_bert"], unmappedClasses: [],
                        classes: ["NomicBertModel"]),
        "nomic-bert-moe": Sources(modelTypes: ["nomic_bert"], unmappedClasses: [],
                        classes: ["NomicBertModel"]),
        "t5encoder": Sources(modelTypes: ["t5"], unmappedClasses: [],
                        classes: ["T5EncoderModel"]),
        "wavtokenizer-dec": Sources(modelTypes: [], unmappedClasses: ["WavTokenizerDec"],
                        classes: ["WavTokenizerDec"]),
    ]

    /// The classes the converter writes as `architecture` that have no output projection in
    /// transformers (`ArchitectureFacts`): `BertModel`, `RobertaModel`, sequence classifiers.
    /// A file from one of them was trained, as saved, with nothing tied to its embedding, and no
    /// tie default speaks of it; the file does not record which class it came from.
    public static func headlessClasses(for architecture: String) -> [String] {
        (encoders[architecture]?.classes ?? []).filter { ArchitectureFacts.fact(for: $0)?.hasOutputProjection == false }
    }

    /// Why a GGUF encoder's embedding was likely tied in pre-training although the file cannot
    /// say which class it came from: every model type the converter writes as `architecture`
    /// defaults `tie_word_embeddings` to true, so the pre-training head (a masked- or causal-LM
    /// decoder) of whichever model the embedding was trained in was tied to it, unless that
    /// model's config said otherwise (the GGUF file keeps no config). nil when a source is
    /// unknown to transformers or `ModelTypeFacts`, or one does not tie by default.
    /// Why: the real all-MiniLM-L6-v2 GGUF got a warning where its safetensors folder (config
    /// naming `BertModel`) got the `pretraining_tie` info, for byte-identical weights (review of
    /// 2026-12-07).
    public static func pretrainingTie(for architecture: String) -> String? {
        guard let sources = encoders[architecture], sources.unmappedClasses.isEmpty, !sources.modelTypes.isEmpty else { return nil }
        let facts = sources.modelTypes.compactMap(ModelTypeFacts.fact(for:))
        // A config class that ties whatever a config states (T5's) has no default that says how
        // a source was trained: T5 v1.1 and flan-t5, what t5encoder GGUF files are made from,
        // store a separate lm_head (hunt-59c P5).
        guard facts.count == sources.modelTypes.count, facts.allSatisfy({ $0.tiesWordEmbeddings && !$0.ignoresStatedFalse }) else { return nil }
        let types = sources.modelTypes.map(quoted)
        let list = types.count == 1 ? types[0] : types.dropLast().joined(separator: ", ") + " and " + (types.last ?? "")
        let classes = facts.map(\.configClass).joined(separator: ", ")
        return "every Hub model type llama.cpp's converter writes as architecture \(quoted(architecture)) (\(list)) ties word embeddings by default "
            + "(\(classes) in transformers \(ModelTypeFacts.transformersVersion): model-type-default, implied), so the pre-training head of the "
            + "model this embedding was trained in (a masked- or causal-LM decoder) would have been tied to this matrix unless its config said "
            + "otherwise, which the GGUF file does not record"
    }

    /// The tie default every possible source of `architecture` shares, with the sentence that
    /// says so; nil when the architecture is not here, a source is unknown to transformers or
    /// outside `ModelTypeFacts`, a source class has no output projection (`headlessClasses`:
    /// the default speaks only of the type's classes with an LM head), or the sources disagree.
    public static func sharedTieDefault(for architecture: String) -> (tied: Bool, detail: String)? {
        guard let sources = encoders[architecture], sources.unmappedClasses.isEmpty, !sources.modelTypes.isEmpty,
              headlessClasses(for: architecture).isEmpty else { return nil }
        let facts = sources.modelTypes.compactMap(ModelTypeFacts.fact(for:))
        guard facts.count == sources.modelTypes.count, let tied = facts.first?.tiesWordEmbeddings,
              facts.allSatisfy({ $0.tiesWordEmbeddings == tied }) else { return nil }
        let types = sources.modelTypes.map(quoted)
        let list = types.count == 1 ? types[0] : types.dropLast().joined(separator: ", ") + " and " + (types.last ?? "")
        let classes = facts.map(\.configClass)
        let all = classes.count == 1 ? "its config class \(classes[0]) defaults" : "their config classes (\(classes.joined(separator: ", "))) all default"
        return (tied, "llama.cpp's converter writes architecture \(quoted(architecture)) for Hub model type\(types.count == 1 ? "" : "s") \(list); "
            + "\(all) tie_word_embeddings to \(tied) in transformers \(ModelTypeFacts.transformersVersion), so the model this "
            + "embedding was trained in \(tied ? "tied" : "did not tie") it to its output layer unless its config said otherwise, "
            + "which the GGUF file does not record.")
    }
}
