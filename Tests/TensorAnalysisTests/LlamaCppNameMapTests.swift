import Foundation
import Testing
import TensorAnalysis
import TestSupport

/// The built-in Hub → llama.cpp name map against gguf-py's own `get_tensor_name_map` answers
/// (TestData/gguf-cli/expected.json `name_map`, written by generate.py).
@Suite struct LlamaCppNameMapTests {
    @Test func agreesWithGGUFPy() throws {
        let expected = try #require((try Fixtures.json("gguf-cli/expected.json") as? [String: Any])?["name_map"] as? [String: String])
        #expect(expected.count > 20)
        for (hub, gguf) in expected {
            #expect(LlamaCppNameMap.ggufName(forHubName: hub) == gguf, "\(hub)")
        }
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.x.mlp.up_proj.weight") == nil)
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.rotary_emb.inv_freq") == nil)
    }

    /// The RoBERTa, XLM-R and DistilBERT converters (architecture `bert`) strip `roberta.` /
    /// `distilbert.` first; every pair gguf-bert-family/generate.py made with gguf-py's BERT map.
    @Test("the bert family's prefixes and DistilBERT's names pair as gguf-py names them", arguments: ["roberta", "xlmr-cls", "distilbert-mlm"])
    func bertFamily(fixture: String) throws {
        let cases = try #require(try Fixtures.json("gguf-bert-family/expected.json") as? [String: Any])
        let pairs = try #require((cases[fixture] as? [String: Any])?["pairs"] as? [String: String])
        #expect(pairs.count >= 20)
        for (hub, gguf) in pairs {
            #expect(LlamaCppNameMap.ggufName(forHubName: hub) == gguf, "\(hub)")
        }
    }

    @Test("a prefix is stripped once, subclass prefix before bert.: the converters' order")
    func prefixOrder() {
        #expect(LlamaCppNameMap.hubBase("roberta.bert.embeddings.word_embeddings.weight") == "embeddings.word_embeddings.weight")
        #expect(LlamaCppNameMap.hubBase("bert.roberta.embeddings.word_embeddings.weight") == "roberta.embeddings.word_embeddings.weight")
        #expect(LlamaCppNameMap.hubBase("roberta.roberta.x") == "roberta.x")
        #expect(LlamaCppNameMap.ggufName(forHubName: "xroberta.embeddings.word_embeddings.weight") == nil)
    }
}
