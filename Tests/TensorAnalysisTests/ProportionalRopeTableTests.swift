import Testing
import StrictJSON
@testable import CheckpointIO
@testable import TensorAnalysis

/// Gemma 4's proportional `rope_freqs.weight` at the edges, as llama.cpp's converter wrote it from
/// each config (hunt-57a F7, read back with gguf-py): Python repeats a list a negative number of
/// times as no items, so a fraction above 1 gives more ones than pairs and a negative one only
/// 1e30s. Before, each of these faithful conversions failed "only in B".
@Suite struct ProportionalRopeTableTests {
    static func table(fraction: String, headDimension: Int) throws -> [Double]? {
        let json = #"{"model_type": "gemma4_text", "num_hidden_layers": 2, "global_head_dim": \#(headDimension), "rope_parameters": "#
            + #"{"full_attention": {"rope_type": "proportional", "partial_rotary_factor": \#(fraction)}}}"#
        let config = ModelConfig.parse(try JSONDocument.parse(Array(json.utf8)), path: "config.json")
        return LlamaCppRopeTables.proportional(config: config)?.values
    }

    @Test("the converter's tables: 24 ones for 1.5 × 32, 20 values 1e30 for −0.25 × 32, none for head dimension 0, 8,750 ones of 35,000 for 0.25 × 70,000")
    func edges() throws {
        #expect(try Self.table(fraction: "1.5", headDimension: 32) == Array(repeating: 1, count: 24))
        #expect(try Self.table(fraction: "-0.25", headDimension: 32) == Array(repeating: 1e30, count: 20))
        #expect(try Self.table(fraction: "0.25", headDimension: 0) == [])
        let wide = try #require(try Self.table(fraction: "0.25", headDimension: 70_000))
        #expect(wide.count == 35_000 && wide.prefix(8_750).allSatisfy { $0 == 1 } && wide.dropFirst(8_750).allSatisfy { $0 == 1e30 })
        #expect(try Self.table(fraction: "0.25", headDimension: -32) == nil)
    }
}
