import Testing
import StrictJSON
@testable import CheckpointIO

/// Gemma 4's full-attention head dimension as llama.cpp's converter finds it
/// (`Gemma4Model.generate_extra_tensors`): `global_head_dim` first, else the `per_layer_config`
/// entry of the first full-attention layer in file order; the text_config's keys over the top
/// level's.
@Suite struct FullAttentionHeadDimensionTests {
    static func dimension(_ json: String) throws -> Int? {
        ModelConfig.parse(try JSONDocument.parse(Array(json.utf8)), path: "config.json").rotary.fullAttentionHeadDimension
    }

    @Test("per_layer_config: the first entry, in file order, whose layer is full_attention and has a head_dim")
    func perLayer() throws {
        let types = #""layer_types": ["sliding_attention", "full_attention", "full_attention", "sliding_attention"]"#
        #expect(try Self.dimension(#"{\#(types), "per_layer_config": {"03": {"head_dim": 64}, "02": {"head_dim": 512}, "01": {"head_dim": 256}}}"#) == 512)
        #expect(try Self.dimension(#"{\#(types), "per_layer_config": {"01": {"num_key_value_heads": 2}, "02": {"head_dim": 128}}}"#) == 128)
        #expect(try Self.dimension(#"{"text_config": {\#(types), "per_layer_config": {"1": {"head_dim": 96}}}}"#) == 96)
        // A layer far past layer_types is skipped, as the converter skips it.
        #expect(try Self.dimension(#"{\#(types), "per_layer_config": {"99999999999999999999": {"head_dim": 64}, "2": {"head_dim": 32}}}"#) == 32)
        // A layer past layer_types, or no full-attention layer: none.
        #expect(try Self.dimension(#"{\#(types), "per_layer_config": {"7": {"head_dim": 64}, "00": {"head_dim": 64}}}"#) == nil)
    }

    @Test("global_head_dim wins over per_layer_config; a key that is no decimal layer number gives none")
    func globalAndBadKeys() throws {
        let types = #""layer_types": ["full_attention"]"#
        #expect(try Self.dimension(#"{\#(types), "global_head_dim": 512, "per_layer_config": {"0": {"head_dim": 256}}}"#) == 512)
        #expect(try Self.dimension(#"{"text_config": {"global_head_dim": 64}, "global_head_dim": 32}"#) == 64)
        for key in ["x", "-0", "+0", " 0", "0x0", ""] {
            #expect(try Self.dimension(#"{\#(types), "per_layer_config": {"\#(key)": {"head_dim": 256}}}"#) == nil, "\(key)")
        }
    }
}
