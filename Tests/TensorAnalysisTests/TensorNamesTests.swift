import Testing
import TestSupport
@testable import TensorAnalysis

/// The name rules, on names from real model families (the README's conventions), written out
/// by hand.
@Suite struct TensorNamesTests {
    @Test("input embeddings", arguments: [
        ("bert.embeddings.word_embeddings.weight", true),
        ("model.embed_tokens.weight", true),
        ("transformer.wte.weight", true),
        ("wte.weight", true),
        ("shared.weight", true),
        ("gpt_neox.embed_in.weight", true),
        ("tok_embeddings.weight", true),
        ("text_model.embeddings.token_embedding.weight", true),
        ("bert.embeddings.position_embeddings.weight", false),
        ("model.layers.0.mlp.down_proj.weight", false),
        ("lm_head.weight", false),
        ("model.shared_experts.weight", false),
        ("", false),
    ])
    func embedding(name: String, expected: Bool) {
        #expect(TensorNames.isEmbedding(name) == expected, "\(name)")
    }

    @Test("output projections", arguments: [
        ("lm_head.weight", true),
        ("cls.predictions.decoder.weight", true),
        ("lm_head.decoder.weight", true),
        ("gpt_neox.embed_out.weight", true),
        ("output.weight", true),
        ("decoder.weight", true),
        ("lm_head..weight", true),
        ("roberta.lm_head.decoder.weight", true),
        ("vocab_projector.weight", true),
        ("generator_lm_head.weight", true),
        ("proj_out.weight", true),
        ("output_projection.weight", true),
        ("model.decoder.output_projection.weight", true),
        ("lm_loss.weight", true),
        ("pred_layer.proj.weight", true),
        ("lm_head.out_proj.weight", true),
        ("mlm_score.decoder.weight", true),
        // Hidden layers of a head, not the projection: RoBERTa's, DeBERTa-v2's.
        ("lm_head.dense.weight", false),
        ("lm_head.layer_norm.weight", false),
        ("lm_predictions.lm_head.dense.weight", false),
        // Generic names only at the top level: a diffusion UNet's proj_out, BERT's attention output.
        ("down_blocks.0.attentions.0.proj_out.weight", false),
        ("bert.encoder.layer.0.attention.output.dense.weight", false),
        ("lm_head.bias", false),
        ("model.output.weight", false),
        ("model.decoder.layers.0.weight", false),
        ("transformer.decoder.weight", false),
        ("cls.predictions.decoder.bias", false),
        ("weight", false),
    ])
    func outputProjection(name: String, expected: Bool) {
        #expect(TensorNames.isOutputProjection(name) == expected, "\(name)")
    }

    /// Every module path transformers' classes return from `get_output_embeddings()`
    /// (TestData/knowledge/output-modules.json, generate_output_modules.py), as `<path>.weight`,
    /// is an output projection, but for the documented exceptions: a ModuleList of one head per
    /// audio codebook (`lm_heads`), and classes whose output is their input embedding itself.
    @Test("every output module path of transformers' classes names an output projection")
    func transformersOutputModules() throws {
        let survey = try #require(try Fixtures.json("knowledge/output-modules.json") as? [String: Any])
        let paths = try #require(survey["paths"] as? [String: [String: Any]])
        #expect(paths.count >= 20)
        for (path, facts) in paths {
            let kinds = facts["module_kinds"] as? [String] ?? []
            let exception = kinds == ["ModuleList"] || kinds == ["Embedding"]
            #expect(TensorNames.isOutputProjection(path + ".weight") == !exception, "\(path) \(kinds)")
        }
    }

    @Test("registered buffers", arguments: [
        ("h.0.attn.bias", true),
        ("h.11.attn.masked_bias", true),
        ("bert.embeddings.position_ids", true),
        ("model.layers.3.self_attn.rotary_emb.inv_freq", true),
        ("encoder.attention_mask", true),
        ("h.0.mlp.bias", false),
        ("h.0.attn.weight", false),
        ("attn.bias.weight", false),
        ("bias", false),
    ])
    func buffer(name: String, expected: Bool) {
        #expect(TensorNames.isBuffer(name) == expected, "\(name)")
    }

    @Test("layer numbers become #", arguments: [
        ("h.3.mlp.weight", "h.#.mlp.weight"),
        ("model.layers.12.block.0.weight", "model.layers.#.block.#.weight"),
    ])
    func layerPattern(name: String, expected: String) {
        #expect(TensorNames.layerPattern(name) == expected)
        #expect(TensorNames.layerPattern("lm_head.weight") == nil)
    }
}
