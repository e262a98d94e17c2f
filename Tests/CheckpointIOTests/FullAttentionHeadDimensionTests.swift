import Testing
import StrictJSON
@testable import CheckpointIO

/// Gemma 4's full-attention rope as llama.cpp's converter sees it (`Gemma4Model.generate_extra_tensors`),
/// through transformers 5.25's `Gemma4TextConfig.__post_init__` (the converter reads
/// `AutoConfig.from_pretrained(…).to_dict()`): expected values read in that source, and checked by
/// conversions with the converter (hunt-56a D2: no rope_parameters, null, global_head_dim beside a
/// per_layer_config, neither).
@Suite struct FullAttentionHeadDimensionTests {
    static func rotary(_ json: String) throws -> ModelConfig.Rotary {
        ModelConfig.parse(try JSONDocument.parse(Array(json.utf8)), path: "config.json").rotary
    }

    static func dimension(_ json: String) throws -> Int? { try rotary(json).fullAttentionHeadDimension }

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
        // A key written twice in an entry, or a layer twice: the last value, as Python's json keeps it.
        #expect(try Self.dimension(#"{\#(types), "per_layer_config": {"1": {"head_dim": 64, "head_dim": 32}}}"#) == 32)
        #expect(try Self.dimension(#"{\#(types), "per_layer_config": {"1": {"head_dim": 64}, "2": {"head_dim": 16}, "1": {"head_dim": 32}}}"#) == 32)
    }

    @Test("per_layer_config wins over global_head_dim, which transformers takes out; a key that is no decimal layer number gives none")
    func globalAndBadKeys() throws {
        let types = #""layer_types": ["full_attention"]"#
        #expect(try Self.dimension(#"{\#(types), "global_head_dim": 512, "per_layer_config": {"0": {"head_dim": 256}}}"#) == 256)
        #expect(try Self.dimension(#"{\#(types), "global_head_dim": 64}"#) == 64)
        #expect(try Self.dimension(#"{"text_config": {"global_head_dim": 64}, "global_head_dim": 32}"#) == 64)
        for key in ["x", "-0", "+0", " 0", "0x0", ""] {
            #expect(try Self.dimension(#"{\#(types), "per_layer_config": {"\#(key)": {"head_dim": 256}}}"#) == nil, "\(key)")
        }
    }

    @Test("a Gemma 4 model type: transformers' defaults (512, the 5:1 layer pattern, the last layer full attention)")
    func gemma4Defaults() throws {
        #expect(try Self.dimension(#"{"model_type": "gemma4_text", "layer_types": ["sliding_attention", "full_attention"]}"#) == 512)
        #expect(try Self.dimension(#"{"model_type": "gemma4", "text_config": {"model_type": "gemma4_text", "num_hidden_layers": 12, "per_layer_config": {"3": {"head_dim": 64}, "11": {"head_dim": 48}}}}"#) == 48)
        // The last layer is made full attention.
        #expect(try Self.dimension(#"{"model_type": "gemma4_text", "layer_types": ["sliding_attention", "sliding_attention"], "per_layer_config": {"1": {"head_dim": 96}}}"#) == 96)
        // Not a Gemma 4 type: the keys as written, no default.
        #expect(try Self.dimension(#"{"model_type": "llama", "layer_types": ["sliding_attention", "sliding_attention"], "per_layer_config": {"1": {"head_dim": 96}}}"#) == nil)
        #expect(try Self.dimension(#"{"model_type": "llama", "layer_types": ["full_attention"]}"#) == nil)
    }

    @Test("the proportional rope's fraction: stated, last-wins, or Gemma 4's default 0.25 when rope_parameters is absent or null")
    func fraction() throws {
        let full = #""rope_parameters": {"full_attention": {"rope_type": "proportional", "partial_rotary_factor": 0.5}}"#
        #expect(try Self.rotary("{\(full)}").proportionalFraction == 0.5)
        #expect(try Self.rotary(#"{"rope_parameters": {"full_attention": {"rope_type": "proportional", "partial_rotary_factor": 0.5, "partial_rotary_factor": 0.25}}}"#).proportionalFraction == 0.25)
        #expect(try Self.rotary(#"{"rope_parameters": {"full_attention": {"rope_type": "proportional", "rope_type": "default", "partial_rotary_factor": 0.25}}}"#).proportionalFraction == nil)
        #expect(try Self.rotary(#"{"rope_parameters": {"full_attention": {"rope_type": "proportional"}}}"#).proportionalFraction == nil)
        #expect(try Self.rotary(#"{"model_type": "gemma4_text"}"#).proportionalFraction == 0.25)
        #expect(try Self.rotary(#"{"model_type": "gemma4_text", "rope_parameters": null}"#).proportionalFraction == 0.25)
        #expect(try Self.rotary(#"{"model_type": "llama"}"#).proportionalFraction == nil)
    }

    /// hunt-57a F7: each of these made llama.cpp's converter (or transformers under it) fail, so
    /// it wrote no table; a table was vouched for all the same (for a null or "32" head_dim, the
    /// next full-attention layer's was taken).
    @Test("Gemma 4 configs the converter refuses give no head dimension: a head_dim not an integer, a layer past the last, layer_types of another length")
    func refusedConfigs() throws {
        let start = #""model_type": "gemma4_text", "num_hidden_layers": 4, "layer_types": ["sliding_attention", "full_attention", "sliding_attention", "full_attention"]"#
        #expect(try Self.dimension(#"{\#(start), "per_layer_config": {"1": {"head_dim": 32}}}"#) == 32)
        for entry in [#"{"1": {"head_dim": null}, "3": {"head_dim": 32}}"#, #"{"1": {"head_dim": "32"}, "3": {"head_dim": 32}}"#,
                      #"{"1": {"head_dim": 32.0}}"#, #"{"1": {"head_dim": 32}, "7": {"head_dim": 32}}"#] {
            #expect(try Self.dimension(#"{\#(start), "per_layer_config": \#(entry)}"#) == nil, "\(entry)")
        }
        #expect(try Self.dimension(#"{"model_type": "gemma4_text", "num_hidden_layers": 4, "layer_types": ["full_attention", "full_attention"], "global_head_dim": 32}"#) == nil)
        #expect(try Self.dimension(#"{"model_type": "gemma4_text", "num_hidden_layers": 4, "global_head_dim": 32.0}"#) == nil)
        #expect(try Self.dimension(#"{"model_type": "gemma4_text", "num_hidden_layers": 4, "global_head_dim": 32}"#) == 32)
    }
}
