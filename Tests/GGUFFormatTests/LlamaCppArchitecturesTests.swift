import Foundation
import GGUFFormat
import Testing
import TestSupport

/// The Swift table of llama.cpp's output rules against the one
/// `TestData/knowledge/generate_llamacpp_outputs.py` read from llama.cpp's loaders.
@Suite struct LlamaCppArchitecturesTests {
    static func generated() throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("knowledge/llamacpp-outputs.json")))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(root["architectures"] as? [String: String])
    }

    @Test("every architecture and rule equals the table read from llama.cpp's source")
    func tableMatchesSource() throws {
        let expected = try Self.generated()
        #expect(expected.count > 100)
        #expect(Set(LlamaCppArchitectures.outputs.keys) == Set(expected.keys))
        for (name, rule) in expected {
            #expect(LlamaCppArchitectures.outputRule(for: name)?.rawValue == rule, "\(name)")
        }
    }

    @Test("llama falls back to token_embd, bert has no output, phi2 requires one (llama.cpp's loaders)")
    func knownArchitectures() {
        #expect(LlamaCppArchitectures.outputRule(for: "llama") == .embeddingWhenAbsent)
        #expect(LlamaCppArchitectures.outputRule(for: "gemma3") == .embeddingWhenAbsent)
        #expect(LlamaCppArchitectures.outputRule(for: "gemma2") == .alwaysEmbedding)
        #expect(LlamaCppArchitectures.outputRule(for: "bert") == .noOutputProjection)
        #expect(LlamaCppArchitectures.outputRule(for: "phi2") == .required)
        #expect(LlamaCppArchitectures.outputRule(for: "mystery") == nil)
    }
}
