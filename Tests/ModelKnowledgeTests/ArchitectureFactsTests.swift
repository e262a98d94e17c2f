import Foundation
@testable import ModelKnowledge
import TestSupport
import Testing

/// The generated Swift table against what transformers' classes are
/// (TestData/knowledge/architectures.json, written by generate_architectures.py on the meta
/// device), and the tying judgement a class without an output projection leads to.
@Suite struct ArchitectureFactsTests {
    static var document: [String: Any] {
        (try? Fixtures.json("knowledge/architectures.json")) as? [String: Any] ?? [:]
    }

    static var classes: [String: [String: Any]] { document["architectures"] as? [String: [String: Any]] ?? [:] }

    @Test("every class of the reference is in the table with its model type and output projection, and nothing else")
    func tableMatchesTransformers() throws {
        let reference = Self.classes
        #expect(reference.count >= 200)
        #expect(Set(ArchitectureFacts.generatedTable.keys) == Set(reference.keys))
        for (name, entry) in reference {
            let fact = try #require(ArchitectureFacts.fact(for: name), "\(name)")
            #expect(fact.modelType == entry["model_type"] as? String, "\(name)")
            #expect(fact.hasOutputProjection == entry["output_projection"] as? Bool, "\(name)")
            #expect(fact.neverTies == (entry["never_ties"] as? Bool ?? false), "\(name)")
        }
        // Classes whose output projection transformers never ties, checked by hand against
        // their `_tied_weights_keys` (None for both).
        #expect(ArchitectureFacts.fact(for: "BigBirdPegasusForCausalLM")?.neverTies == true)
        #expect(ArchitectureFacts.fact(for: "xLSTMForCausalLM")?.neverTies == true)
        #expect(ArchitectureFacts.fact(for: "LlamaForCausalLM")?.neverTies == false)
        // The lookup is a binary search over the generated lines: every reference class above
        // was found; a prefix, an extension, the empty name and names past both ends are not.
        for missing in ["Bert", "BertModelX", "", "AAAA", "zzzz", "BertModel "] { #expect(ArchitectureFacts.fact(for: missing) == nil, "\(missing)") }
        #expect(Self.document["transformers_version"] as? String == ArchitectureFacts.transformersVersion)
        // Every model type of the defaults table has its classes here, and many more.
        #expect(Set(reference.values.compactMap { $0["model_type"] as? String }).isSuperset(of: ModelTypeFacts.table.keys))
        // A class named like an LM head without an output module is left out: it may make its
        // logits from the embedding itself (PerceiverForMaskedLM).
        let excluded = try #require(Self.document["excluded"] as? [String: Any])
        #expect(excluded["PerceiverForMaskedLM"] != nil && ArchitectureFacts.fact(for: "PerceiverForMaskedLM") == nil)
        for name in excluded.keys { #expect(ArchitectureFacts.fact(for: name) == nil, "\(name)") }
    }

    static func config(_ json: String) throws -> ModelConfigFacts {
        try ModelConfigFacts.read(KnowledgeFixtures.json("config.json", json))
    }

    @Test("architectures [\"BertModel\"] (all-MiniLM-L6-v2's), no output projection in the file: not tied, evidence architecture")
    func headlessArchitecture() throws {
        let bertModel = try #require(Self.classes["BertModel"]?["output_projection"] as? Bool)
        #expect(bertModel == false, "transformers' BertModel has no LM head")
        let config = try Self.config(#"{"model_type": "bert", "architectures": ["BertModel"]}"#)
        #expect(config.architectures == .value(["BertModel"]))
        let judgement = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: false))
        #expect(judgement.tied == false && judgement.evidence == .architecture, "\(judgement)")
        #expect(judgement.detail.contains("\"BertModel\"") && judgement.detail.contains("BertConfig's default (tie_word_embeddings true)")
                && judgement.detail.contains("the checkpoint cannot show"), "\(judgement.detail)")
        #expect(!judgement.justifiesTiedExplanation)
    }

    /// transformers 5.25: `AutoModel.from_config(AutoConfig.for_model("xglm"))` is an
    /// XGLMModel whose get_output_embeddings() is None; config.json still states
    /// tie_word_embeddings true, and such an embedding (GPTNeoModel's, before gpt_neo joined the
    /// defaults table) was called "tied (evidence: config)" (review, 2026-12-05). Model types
    /// outside the defaults table have their classes here too (xglm, mvp and xlnet, the first
    /// cases, joined the table since, and layoutlm after them).
    @Test("headless classes of model types outside the defaults table: not tied, evidence architecture",
          arguments: [("canine", "CanineModel"), ("funnel", "FunnelModel"), ("splinter", "SplinterForQuestionAnswering")])
    func headlessOutsideTheTable(modelType: String, className: String) throws {
        #expect(ModelTypeFacts.fact(for: modelType) == nil, "the point: \(modelType) has no default in the table")
        let reference = try #require(Self.classes[className])
        #expect(reference["output_projection"] as? Bool == false && reference["model_type"] as? String == modelType)
        let config = try Self.config(#"{"model_type": "\#(modelType)", "architectures": ["\#(className)"], "tie_word_embeddings": true}"#)
        let judgement = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: false))
        #expect(judgement.tied == false && judgement.evidence == .architecture, "\(judgement)")
    }

    @Test("an LM-head class, an unknown class, a mix, or an output projection in the file: the architecture decides nothing",
          arguments: [#"["BertForMaskedLM"]"#, #"["MyBertModel"]"#, #"["BertModel", "BertForMaskedLM"]"#, #"[]"#, #""BertModel""#, #"[5]"#])
    func architectureDecidesNothing(architectures: String) throws {
        let config = try Self.config(#"{"model_type": "bert", "architectures": \#(architectures)}"#)
        let judgement = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: false))
        #expect(judgement.evidence == .modelTypeDefault && judgement.tied == true, "\(architectures): \(judgement)")
    }

    @Test("the bytes still come first: a stored output projection with identical bytes is tied whatever architectures says")
    func bytesFirst() throws {
        let config = try Self.config(#"{"model_type": "bert", "architectures": ["BertModel"]}"#)
        let judgement = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: true, bytesIdentical: true))
        #expect(judgement.evidence == .identicalBytes && judgement.tied == true)
    }

    @Test("a class that never ties: not tied whatever the default says, and an equal stored copy is two weights, not a tie")
    func neverTies() throws {
        let config = try Self.config(#"{"model_type": "bigbird_pegasus", "architectures": ["BigBirdPegasusForCausalLM"]}"#)
        let absent = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: false))
        #expect(absent.tied == false && absent.evidence == .architecture && absent.architectureNeverTies)
        let copy = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: true, bytesIdentical: true))
        #expect(copy.tied == false && copy.evidence == .architecture, "\(copy.detail)")
        #expect(copy.detail.contains("stored copy with bytes identical"), "\(copy.detail)")
        #expect(TyingJudge.untiedCopies(TyingQuestion(config: config, hasOutputProjection: true)) != nil)
        // A stated true does not make such a class tie.
        let stated = try Self.config(#"{"model_type": "xlstm", "architectures": ["xLSTMForCausalLM"], "tie_word_embeddings": true}"#)
        #expect(TyingJudge.judge(TyingQuestion(config: stated, hasOutputProjection: false)).tied == false)
        // A class that can tie keeps the default's answer.
        let tying = try Self.config(#"{"model_type": "bigbird_pegasus", "architectures": ["BigBirdPegasusForConditionalGeneration"]}"#)
        #expect(TyingJudge.judge(TyingQuestion(config: tying, hasOutputProjection: false)).tied == true)
    }

    /// transformers 5.25 (a review's from_pretrained checks): AutoModelForMaskedLM builds a
    /// LukeForMaskedLM from a luke config whatever its architectures say, and a RoFormer that
    /// ties from a roformer config naming RemBertForMaskedLM.
    @Test("by model type: no architectures, or another type's classes, and every class of the type with a head never ties")
    func neverTiesByModelType() throws {
        let luke = try #require(ArchitectureFacts.outputClasses(of: "luke").map(\.name).first)
        #expect(ArchitectureFacts.outputClasses(of: "luke").allSatisfy { $0.fact.neverTies }, "\(luke)")
        for json in [#"{"model_type": "luke"}"#, #"{"model_type": "luke", "architectures": ["RoFormerForMaskedLM"]}"#,
                     #"{"model_type": "luke", "architectures": ["LukeForMaskedLM", "LukeModel"]}"#] {
            let judgement = TyingJudge.judge(TyingQuestion(config: try Self.config(json), hasOutputProjection: true, bytesIdentical: true))
            #expect(judgement.tied == false && judgement.evidence == .architecture, "\(json): \(judgement.detail)")
        }
        // Another type's never-tying class decides nothing: a roformer config loads as a RoFormer.
        let roformer = try Self.config(#"{"model_type": "roformer", "architectures": ["RemBertForMaskedLM"]}"#)
        #expect(TyingJudge.judge(TyingQuestion(config: roformer, hasOutputProjection: true, bytesIdentical: true)).tied == true)
        #expect(TyingJudge.judge(TyingQuestion(config: roformer, hasOutputProjection: false)).evidence == .modelTypeDefault)
        // A list with a class that can tie leaves the default to answer.
        let mixed = try Self.config(#"{"model_type": "bigbird_pegasus", "architectures": ["BigBirdPegasusForCausalLM", "BigBirdPegasusForConditionalGeneration"]}"#)
        #expect(TyingJudge.judge(TyingQuestion(config: mixed, hasOutputProjection: false)).tied == true)
    }

    @Test("a stated tie_word_embeddings beside a headless class is named as speaking of the type's LM-head classes")
    func statedValue() throws {
        let config = try Self.config(#"{"model_type": "llama", "architectures": ["LlamaModel"], "tie_word_embeddings": true}"#)
        let judgement = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: false))
        #expect(judgement.evidence == .architecture && judgement.tied == false)
        #expect(judgement.detail.contains("Its tie_word_embeddings (true) speaks of this model type's classes with an LM head"), "\(judgement.detail)")
    }

    @Test("a class named twice is named once; a class of another model type than config.json's gets no default quoted for it")
    func namesAndModelTypes() throws {
        let twice = TyingJudge.judge(TyingQuestion(config: try Self.config(#"{"model_type": "bert", "architectures": ["BertModel", "BertModel"]}"#),
                                                  hasOutputProjection: false))
        #expect(twice.architectures == ["BertModel"] && twice.detail.contains("names the architecture \"BertModel\", a class with"), "\(twice.detail)")
        for modelType in ["llama", "mystery"] {
            let other = TyingJudge.judge(TyingQuestion(config: try Self.config(#"{"model_type": "\#(modelType)", "architectures": ["BertModel"]}"#),
                                                      hasOutputProjection: false))
            #expect(other.evidence == .architecture && other.tied == false)
            #expect(other.detail.contains("model_type \"\(modelType)\" is not the model type of that class (\"bert\")"), "\(other.detail)")
            #expect(!other.detail.contains("  ") && !other.detail.hasSuffix(" "), "\(other.detail)")
        }
    }
}
