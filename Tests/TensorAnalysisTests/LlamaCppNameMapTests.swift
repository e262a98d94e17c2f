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

    /// gguf-py 0.19's per-architecture names (TestData/knowledge/llamacpp-architecture-names.json,
    /// written by generate_llamacpp_architecture_names.py from `get_tensor_name_map(arch)`).
    @Test("each architecture's own names are gguf-py's: Gemma 2's post_attention_layernorm is post_attention_norm, its pre_feedforward_layernorm ffn_norm")
    func architectureNames() throws {
        let document = try #require(try Fixtures.json("knowledge/llamacpp-architecture-names.json") as? [String: Any])
        let defaults = try #require(document["default"] as? [String: String])
        let architectures = try #require(document["architectures"] as? [String: [String: String]])
        #expect(architectures.count > 10)
        func layer7(_ pattern: String) -> String { pattern.replacing("{N}", with: "7") }
        // The default rules are gguf-py's llama (and Qwen3 q/k norm) names of the generator's patterns.
        for (hub, gguf) in defaults {
            #expect(LlamaCppNameMap.ggufName(forHubName: layer7(hub) + ".weight") == layer7(gguf) + ".weight", "\(hub)")
        }
        for (architecture, rules) in architectures {
            for (hub, gguf) in rules {
                #expect(LlamaCppNameMap.ggufName(forHubName: layer7(hub) + ".weight", architecture: architecture) == layer7(gguf) + ".weight",
                        "\(architecture): \(hub)")
            }
            // A pattern the architecture does not rename keeps the default rule.
            for (hub, gguf) in defaults where rules[hub] == nil {
                #expect(LlamaCppNameMap.ggufName(forHubName: layer7(hub) + ".bias", architecture: architecture) == layer7(gguf) + ".bias",
                        "\(architecture): \(hub)")
            }
        }
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.3.post_attention_layernorm.weight", architecture: "gemma2")
                == "blk.3.post_attention_norm.weight")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.3.post_attention_layernorm.weight", architecture: "llama")
                == "blk.3.ffn_norm.weight")
    }

    @Test("a prefix is stripped once, subclass prefix before bert.: the converters' order")
    func prefixOrder() {
        #expect(LlamaCppNameMap.hubBase("roberta.bert.embeddings.word_embeddings.weight") == "embeddings.word_embeddings.weight")
        #expect(LlamaCppNameMap.hubBase("bert.roberta.embeddings.word_embeddings.weight") == "roberta.embeddings.word_embeddings.weight")
        #expect(LlamaCppNameMap.hubBase("roberta.roberta.x") == "roberta.x")
        #expect(LlamaCppNameMap.ggufName(forHubName: "xroberta.embeddings.word_embeddings.weight") == nil)
    }
}
