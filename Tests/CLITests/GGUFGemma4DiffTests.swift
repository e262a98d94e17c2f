import Foundation
import Testing
import TestSupport

/// `diff` of a Hub Gemma 4 checkpoint against its GGUF conversion (TestData/gguf-gemma4, written
/// by its generate.py; the Q8_0 file's tensors are byte for byte what llama.cpp's converter writes
/// from the fixture's Hub folder, checked 2026-12-07; numbers numpy's on `gguf.quants.dequantize`).
/// Before: a faithful conversion failed on `layer_scalar`, on the fused experts and router
/// scales of the mixture-of-experts layers, on the `rope_freqs.weight` the converter computes, and
/// on the vision tower of a multimodal checkpoint, which the text converter skips.
@Suite struct GGUFGemma4DiffTests {
    static let hub = "gguf-gemma4/gemma4", file = "gguf-gemma4/gemma4-q8_0.gguf"

    static func expected() throws -> [String: [String: Any]] {
        try #require((try Fixtures.json("gguf-gemma4/expected.json") as? [String: Any])?["gemma4-q8_0.gguf"] as? [String: [String: Any]])
    }

    @Test("a faithful Q8_0 conversion: every text tensor paired, numbers numpy's; rope table added, vision tower dropped; exit 0")
    func faithfulConversion() throws {
        let (status, report, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path(Self.hub), Fixtures.path(Self.file)])
        #expect(status == 0)
        let expected = try Self.expected()
        #expect(expected.count == 55)
        try GGUFRotaryDiffTests.check(tensors, against: expected)
        #expect((report["only_in_a"] as? [String])?.isEmpty == true)
        #expect((report["only_in_b"] as? [String])?.isEmpty == true)
        // The pairs the name map alone did not make.
        for (hub, gguf) in [("model.language_model.layers.0.layer_scalar", "blk.0.layer_output_scale.weight"),
                            ("model.language_model.layers.1.experts.gate_up_proj", "blk.1.ffn_gate_up_exps.weight"),
                            ("model.language_model.layers.1.experts.down_proj", "blk.1.ffn_down_exps.weight"),
                            ("model.language_model.layers.0.router.scale", "blk.0.ffn_gate_inp.scale"),
                            ("model.language_model.layers.1.router.per_expert_scale", "blk.1.ffn_down_exps.scale")] {
            #expect(tensors[hub]?["name_b"] as? String == gguf, "\(hub)")
        }
        // The fused experts compare whole: [experts, 2 × 32, 32], Q8_0.
        #expect(tensors["model.language_model.layers.1.experts.gate_up_proj"]?["shape_b"] as? [Int] == [4, 64, 32])
        let added = try #require(report["added_by_converter"] as? [String: String])
        #expect(added == ["rope_freqs.weight": "a table llama.cpp's converter computes from config.json's proportional rope "
                          + "(partial_rotary_factor 0.25, full-attention head dimension 32: 4 rotated pairs, 12 kept still by 1e30), "
                          + "no Hub tensor: its 16 values are the converter's, equal as float32"])
        let dropped = try #require(report["dropped_by_converter"] as? [String: String])
        #expect(dropped.keys.sorted() == ["model.embed_vision.embedding_projection.weight",
                                          "model.vision_tower.encoder.layers.0.input_layernorm.weight",
                                          "model.vision_tower.patch_embedder.position_embedding_table"])
        #expect(dropped.values.allSatisfy { $0.contains("TextModel.filter_tensors") })
    }

    @Test("the GGUF file as A: the same pairs the other way round; exit 0")
    func ggufAsA() throws {
        let (status, report, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path(Self.file), Fixtures.path(Self.hub)])
        #expect(status == 0)
        #expect(tensors.count == 55)
        #expect(tensors["blk.1.ffn_gate_up_exps.weight"]?["name_b"] as? String == "model.language_model.layers.1.experts.gate_up_proj")
        #expect((report["added_by_converter"] as? [String: String])?.keys.sorted() == ["rope_freqs.weight"])
        #expect((report["dropped_by_converter"] as? [String: String])?.count == 3)
    }

    @Test("the full-attention head dimension from global_head_dim, as the converter reads it first: the same table; exit 0")
    func globalHeadDimension() throws {
        let (status, report, _) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-gemma4/gemma4-global-head-dim"), Fixtures.path(Self.file)])
        #expect(status == 0)
        #expect((report["added_by_converter"] as? [String: String])?.keys.sorted() == ["rope_freqs.weight"])
    }

    @Test("a table computed with partial_rotary_factor 0.5 where the config says 0.25 is not the converter's: only in B, exit 1")
    func wrongTable() throws {
        let (status, report, _) = try GGUFExpertsDiffTests.report([Fixtures.path(Self.hub), Fixtures.path("gguf-gemma4/gemma4-rope-half-f32.gguf")])
        #expect(status == 1)
        #expect(report["only_in_b"] as? [String] == ["rope_freqs.weight"])
        #expect((report["added_by_converter"] as? [String: String])?.isEmpty == true)
    }

    /// transformers ties lm_head to `embed_tokens` only (`_tied_weights_keys` of the Gemma 3n and
    /// Gemma 4 classes); the per-layer token table is an nn.Embedding of its own.
    @Test("padding: tie_word_embeddings explains the input embedding's pad row, not the per-layer table's")
    func perLayerTableIsNotTied() throws {
        let result = try CLI.run(["padding", Fixtures.path(Self.hub), "--json"])
        let embeddings = try #require(try GGUFCLITests.object(result)["embeddings"] as? [[String: Any]])
        var tying: [String: [String: Any]] = [:]
        for embedding in embeddings { tying[embedding["tensor"] as? String ?? ""] = embedding["tying"] as? [String: Any] }
        let input = try #require(tying["model.language_model.embed_tokens.weight"])
        #expect(input["tied"] as? Bool == true && input["evidence"] as? String == "config")
        let perLayer = try #require(tying["model.language_model.embed_tokens_per_layer.weight"])
        #expect(perLayer["tied"] is NSNull && perLayer["evidence"] as? String == "unknown")
        #expect((perLayer["detail"] as? String)?.contains("per-layer token table of its own") == true)
    }
}
