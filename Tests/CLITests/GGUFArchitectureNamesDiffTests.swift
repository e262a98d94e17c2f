import Foundation
import Testing
import TestSupport

/// `diff` of Hub checkpoints against GGUF conversions whose names only gguf-py's
/// per-architecture tables give (TestData/gguf-architectures, written by its generate.py: names
/// by gguf-py's `get_tensor_name_map(arch)`, numbers numpy's). hunt-54a D2: with the llama/bert
/// table alone, Phi-3, T5, StarCoder2 and OLMo 2 conversions failed with their tensors "only in A"
/// and "only in B".
@Suite struct GGUFArchitectureNamesDiffTests {
    @Test("every tensor paired as gguf-py names it for the file's architecture, F16 rounding as numpy measures it; exit 0",
          arguments: ["phi3", "t5", "starcoder2", "olmo2"])
    func pairsAsGGUFPyNamesThem(architecture: String) throws {
        let file = "\(architecture)-f16.gguf"
        let expected = try #require((try Fixtures.json("gguf-architectures/expected.json") as? [String: Any])?[file] as? [String: [String: Any]])
        let (status, tensors) = try GGUFRotaryDiffTests.diff("gguf-architectures/\(architecture)", "gguf-architectures/\(file)")
        #expect(status == 0)
        #expect(expected.count >= 15)
        try GGUFRotaryDiffTests.check(tensors, against: expected)
    }
}
