import Foundation
import Testing
import TestSupport

/// `diff` of Hub checkpoints against GGUF conversions whose names only gguf-py's
/// per-architecture tables give (TestData/gguf-architectures, written by its generate.py: names
/// by gguf-py's `get_tensor_name_map(arch)`, numbers numpy's). hunt-54a D2: with the llama/bert
/// table alone, Phi-3, T5, StarCoder2 and OLMo 2 conversions failed with their tensors "only in A"
/// and "only in B"; hunt-54a D3: GPT-2's Conv1D weights, which its converter stores transposed,
/// failed as shape changes and, square, as a value difference near 1.4.
@Suite struct GGUFArchitectureNamesDiffTests {
    @Test("every tensor paired as gguf-py names it for the file's architecture, F16 rounding as numpy measures it; exit 0",
          arguments: ["phi3", "t5", "starcoder2", "olmo2", "gpt2"])
    func pairsAsGGUFPyNamesThem(architecture: String) throws {
        let file = "\(architecture)-f16.gguf"
        let expected = try #require((try Fixtures.json("gguf-architectures/expected.json") as? [String: Any])?[file] as? [String: [String: Any]])
        let (status, tensors) = try GGUFRotaryDiffTests.diff("gguf-architectures/\(architecture)", "gguf-architectures/\(file)")
        #expect(status == 0)
        #expect(expected.count >= 15)
        try GGUFRotaryDiffTests.check(tensors, against: expected)
        // GPT-2's Conv1D weights: read transposed, and said so; no other tensor has a transpose.
        for (name, reference) in expected {
            let transpose = tensors[name]?["transpose"] as? [String: Any]
            if reference["transposed"] as? Bool == true {
                #expect(transpose?["transposed"] as? Bool == true, "\(name)")
                #expect((transpose?["evidence"] as? String)?.hasPrefix("general.architecture is 'gpt2'") == true, "\(name)")
            } else {
                #expect(tensors[name]?["transpose"] is NSNull, "\(name)")
            }
        }
        #expect(expected.values.filter { $0["transposed"] as? Bool == true }.count == (architecture == "gpt2" ? 8 : 0))
    }
}
