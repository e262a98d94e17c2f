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
}
