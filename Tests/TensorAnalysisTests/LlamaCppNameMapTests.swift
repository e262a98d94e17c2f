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
        // gguf-py's `get_name(key, try_suffixes)`: a pattern that ends in a suffix itself (a few
        // do) names the key as it is; any other takes `.weight`/`.bias` on.
        // A key that is itself a pattern (`pre_ff_layernorm` and `pre_ff_layernorm.weight` both
        // are) takes that pattern's name as it is, as gguf-py's lookup of the whole key does.
        func checks(_ hub: String, _ gguf: String, _ suffix: String, _ rules: [String: String] = [:]) -> (String, String) {
            if hub.hasSuffix(".weight") || hub.hasSuffix(".bias") { return (layer7(hub), layer7(gguf)) }
            if let whole = rules[hub + suffix] ?? defaults[hub + suffix] { return (layer7(hub) + suffix, layer7(whole)) }
            return (layer7(hub) + suffix, layer7(gguf) + suffix)
        }
        // The default names are gguf-py's answers in most architectures.
        for (hub, gguf) in defaults {
            let (name, expected) = checks(hub, gguf, ".weight")
            #expect(LlamaCppNameMap.ggufName(forHubName: name) == expected, "\(hub)")
        }
        for (architecture, rules) in architectures {
            for (hub, gguf) in rules {
                let (name, expected) = checks(hub, gguf, ".weight", rules)
                #expect(LlamaCppNameMap.ggufName(forHubName: name, architecture: architecture) == expected, "\(architecture): \(hub)")
            }
            // A pattern the architecture does not rename keeps the default name. (Gemma 4's
            // converter appends `.weight` to an expert name without it, a `.bias` too, and
            // GPT-OSS's to any name holding `sinks`: those are `Gemma4NameTests`' and
            // `GptOssNameTests`'.)
            for (hub, gguf) in defaults where rules[hub] == nil {
                let (name, expected) = checks(hub, gguf, ".bias", rules)
                if ["gemma4", "gemma4-assistant"].contains(architecture), name.contains(".experts.") { continue }
                if architecture == "gpt-oss", name.contains("sinks") { continue }
                #expect(LlamaCppNameMap.ggufName(forHubName: name, architecture: architecture) == expected, "\(architecture): \(hub)")
            }
        }
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.3.post_attention_layernorm.weight", architecture: "gemma2")
                == "blk.3.post_attention_norm.weight")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.3.post_attention_layernorm.weight", architecture: "llama")
                == "blk.3.ffn_norm.weight")
    }

    /// llama.cpp's `ModelBase.filter_tensors` (every text converter) removes `language_model.`
    /// before naming (review-54 D2: a Gemma 3 checkpoint saved as `model.language_model.*` paired
    /// nothing); gguf-py's `get_name` tries the whole key before one suffix, and forms block
    /// numbers without leading zeros (review-54 D3).
    @Test("language_model. removed as the converter removes it; one suffix tried; no {N} or zero-padded block taken for a block number")
    func converterRenamesAndSuffixes() {
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.language_model.layers.2.self_attn.q_proj.weight", architecture: "gemma3")
                == "blk.2.attn_q.weight")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.language_model.embed_tokens.weight", architecture: "gemma3") == "token_embd.weight")
        #expect(LlamaCppNameMap.hubBase("model.layers.3.mlp.gate.e_score_correction_bias") == "model.layers.3.mlp.gate.e_score_correction.bias")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.2.self_attn.q_proj.bias.weight") == nil)
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.{N}.self_attn.q_proj.weight") == nil)
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.02.self_attn.q_proj.weight") == nil)
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.0.self_attn.q_proj.weight") == "blk.0.attn_q.weight")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.10.self_attn.q_proj.weight") == "blk.10.attn_q.weight")
    }

    @Test("a prefix is stripped once, subclass prefix before bert.: the converters' order")
    func prefixOrder() {
        #expect(LlamaCppNameMap.hubBase("roberta.bert.embeddings.word_embeddings.weight") == "embeddings.word_embeddings.weight")
        #expect(LlamaCppNameMap.hubBase("bert.roberta.embeddings.word_embeddings.weight") == "roberta.embeddings.word_embeddings.weight")
        #expect(LlamaCppNameMap.hubBase("roberta.roberta.x") == "roberta.x")
        #expect(LlamaCppNameMap.ggufName(forHubName: "xroberta.embeddings.word_embeddings.weight") == nil)
    }
}
