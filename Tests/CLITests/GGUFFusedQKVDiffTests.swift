import Foundation
import Testing
import TestSupport

/// `diff` of Hub checkpoints whose fused query-key-value matrix llama.cpp's converter regroups
/// (GPT-NeoX, BLOOM: per head; Falcon: per key-value group) against their GGUF conversions
/// (TestData/gguf-fused-qkv, numpy's reshapes as the converter's). Before: every faithful
/// GPT-NeoX, BLOOM and Falcon-40B conversion failed on these tensors at relative L2 1.1–1.4, and
/// BLOOM's two layer-norm names were "only in A" (helper-177's sweep).
@Suite struct GGUFFusedQKVDiffTests {
    static func path(_ name: String) -> String { Fixtures.path("gguf-fused-qkv/\(name)") }

    @Test("the converter's regrouping is paired back: every value equal; exit 0, either order",
          arguments: [("gptneox", "gptneox-f32.gguf", ["gpt_neox.layers.0.attention.query_key_value.weight",
                                                          "gpt_neox.layers.0.attention.query_key_value.bias"]),
                      ("bloom", "bloom-f32.gguf", ["transformer.h.0.self_attention.query_key_value.weight",
                                                    "transformer.h.0.self_attention.query_key_value.bias"]),
                      ("falcon40b", "falcon40b-f32.gguf", ["transformer.h.0.self_attention.query_key_value.weight"])])
    func faithful(folder: String, file: String, fused: [String]) throws {
        let (status, report, tensors) = try GGUFExpertsDiffTests.report([Self.path(folder), Self.path(file)])
        #expect(status == 0)
        #expect((report["only_in_a"] as? [String])?.isEmpty == true && (report["only_in_b"] as? [String])?.isEmpty == true)
        for name in fused {
            let tensor = try #require(tensors[name])
            #expect(tensor["relative_l2"] as? Double == 0 && tensor["identical_bytes"] as? Bool == false, "\(name)")
            let order = try #require(tensor["row_order"] as? [String: Any])
            #expect(order["permuted"] as? Bool == true && order["heads"] as? Int == (folder == "falcon40b" ? 8 : 4))
        }
        let (reverse, _, _) = try GGUFExpertsDiffTests.report([Self.path(file), Self.path(folder)])
        #expect(reverse == 0)
    }

    @Test("BLOOM's post_attention_layernorm and word_embeddings_layernorm pair with ffn_norm and token_embd_norm")
    func bloomNames() throws {
        let (_, _, tensors) = try GGUFExpertsDiffTests.report([Self.path("bloom"), Self.path("bloom-f32.gguf")])
        #expect(tensors["transformer.h.0.post_attention_layernorm.weight"]?["name_b"] as? String == "blk.0.ffn_norm.weight")
        #expect(tensors["transformer.word_embeddings_layernorm.bias"]?["name_b"] as? String == "token_embd_norm.bias")
        #expect(tensors["transformer.word_embeddings_layernorm.bias"]?["identical_bytes"] as? Bool == true)
    }

    /// hunt-58c F3: the counts were the file's own, so a file regrouped by 2 heads (or left in Hub
    /// order with 1 group) passed for a model config.json gives 4 heads (2 groups).
    @Test("a file left in the Hub's order, or regrouped by other heads than config.json's, fails on the fused tensors; exit 1",
          arguments: [("gptneox", "gptneox-unregrouped-f32.gguf", ["gpt_neox.layers.0.attention.query_key_value.bias",
                                                                      "gpt_neox.layers.0.attention.query_key_value.weight"]),
                      ("gptneox", "gptneox-two-heads-f32.gguf", ["gpt_neox.layers.0.attention.query_key_value.bias",
                                                                    "gpt_neox.layers.0.attention.query_key_value.weight"]),
                      ("falcon40b", "falcon40b-hub-order-f32.gguf", ["transformer.h.0.self_attention.query_key_value.weight"])])
    func unfaithful(folder: String, file: String, failing: [String]) throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Self.path(folder), Self.path(file)])
        #expect(status == 1)
        let exceeding = tensors.filter { $0.value["exceeds_tolerance"] as? Bool == true }.keys.sorted()
        #expect(exceeding == failing)
    }

    @Test("the Falcon statement names the counts it paired back by, config.json's")
    func falconStatement() throws {
        let text = try CLI.run(["diff", Self.path("falcon40b"), Self.path("falcon40b-f32.gguf")]).stdout
        #expect(text.contains("general.architecture is 'falcon', whose converter (FalconModel, conversion/falcon.py) regroups this fused QKV "
                              + "matrix from 2 key-value groups of 4 query heads, a key and a value, stored as all queries, then all keys, "
                              + "then all values: paired back with config.json's num_attention_heads 8, config.json's num_kv_heads 2\n"))
    }

    @Test("metadata stating 1 key-value group where config.json says 2: the converter's values pass, the evidence says llama.cpp would run other heads")
    func metadataContradiction() throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Self.path("falcon40b"), Self.path("falcon40b-one-group-f32.gguf")])
        #expect(status == 0)
        let order = try #require(tensors["transformer.h.0.self_attention.query_key_value.weight"]?["row_order"] as? [String: Any])
        #expect((order["evidence"] as? String)?.hasSuffix("; the GGUF metadata states 8 heads in 1 group(s), not the converter's, so "
                                                          + "llama.cpp would run this file's attention with other heads") == true)
    }
}
