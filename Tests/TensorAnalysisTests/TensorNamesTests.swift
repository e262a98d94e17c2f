import Testing
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
