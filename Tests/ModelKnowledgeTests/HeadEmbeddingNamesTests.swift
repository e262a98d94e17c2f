import Foundation
@testable import ModelKnowledge
import TestSupport
import Testing

/// The generated table of where head classes store their input embedding against what
/// transformers' class attributes say (TestData/knowledge/head-embedding-names.json, written by
/// generate_head_embedding_names.py from `base_model_prefix` and `_tied_weights_keys`).
@Suite struct HeadEmbeddingNamesTests {
    @Test("every class of the reference is in the table with its prefix, base class and embedding name, and nothing else")
    func tableMatchesTransformers() throws {
        let document = try #require(try Fixtures.json("knowledge/head-embedding-names.json") as? [String: Any])
        let reference = try #require(document["classes"] as? [String: [String: Any]])
        #expect(document["transformers"] as? String == ArchitectureFacts.transformersVersion)
        #expect(reference.count >= 50)
        #expect(Set(HeadEmbeddingNames.all.map(\.name)) == Set(reference.keys))
        for (name, entry) in reference {
            let fact = try #require(HeadEmbeddingNames.fact(for: name), "\(name)")
            #expect(fact.basePrefix == entry["prefix"] as? String && fact.baseClass == entry["base_class"] as? String
                && fact.embedding == entry["embedding"] as? String
                && fact.head == entry["head"] as? String && fact.headTensor == entry["head_tensor"] as? String, "\(name)")
            #expect(fact.baseRoots == (reference[name]?["base_roots"] as? [String] ?? []), "\(name)")
            #expect(fact.headTensor.hasPrefix(fact.head + "."), "\(name)")
            // Every base class is one transformers builds without an output projection.
            #expect(ArchitectureFacts.fact(for: fact.baseClass)?.hasOutputProjection == false, "\(name): \(fact.baseClass)")
        }
        // Read by hand in transformers 5.25's modeling_mpnet.py: `self.mpnet = MPNetModel(config, add_pooling_layer=False)`,
        // `_tied_weights_keys = {"lm_head.decoder.weight": "mpnet.embeddings.word_embeddings.weight", …}`.
        let mpnet = try #require(HeadEmbeddingNames.fact(for: "MPNetForMaskedLM"))
        #expect(mpnet.baseEmbedding == "embeddings.word_embeddings.weight" && mpnet.baseClass == "MPNetModel")
        #expect(mpnet.headTensor == "lm_head.dense.weight" && mpnet.head == "lm_head" && mpnet.baseRoots == ["embeddings", "encoder", "pooler"])
        // GPT2LMHeadModel's head is only the tied matrix: without its prefix it looks like GPT2Model
        // (the real gpt2 checkpoint stores `wte.weight` at the top), so it is not listed.
        #expect(HeadEmbeddingNames.fact(for: "GPT2LMHeadModel") == nil)
        // Its other head (multiple choice) says nothing of the LM head, which is only the tied matrix (hunt-59c P3).
        #expect(HeadEmbeddingNames.fact(for: "GPT2DoubleHeadsModel") == nil)
        // T5 holds `shared` at the top, not under its prefix: no base-model naming to compare.
        #expect(HeadEmbeddingNames.fact(for: "T5ForConditionalGeneration") == nil)
        #expect(HeadEmbeddingNames.fact(for: "BertModel") == nil && HeadEmbeddingNames.fact(for: "MPNetForMaskedL") == nil)
    }
}
