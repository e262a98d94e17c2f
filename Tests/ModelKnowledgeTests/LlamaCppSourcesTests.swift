import Foundation
@testable import ModelKnowledge
import Testing
import TestSupport

/// `LlamaCppSources` against the table `TestData/knowledge/generate_llamacpp_sources.py` read
/// from llama.cpp's converter and transformers' auto-model tables, for every architecture
/// llama.cpp's loaders give no output projection (`llamacpp-outputs.json`, rule "none"); and the
/// shared tie default against transformers' defaults as `model-type-defaults.json` records them.
@Suite struct LlamaCppSourcesTests {
    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("knowledge/" + name)))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("every encoder architecture's Hub sources equal the table read from the converter")
    func tableMatchesConverter() throws {
        let outputs = try #require(try Self.json("llamacpp-outputs.json")["architectures"] as? [String: String])
        let sources = try Self.json("llamacpp-sources.json")
        let types = try #require(sources["architectures"] as? [String: [String]])
        let unmapped = try #require(sources["unmapped"] as? [String: [String]])
        let classes = try #require(sources["classes"] as? [String: [String]])
        let encoders = outputs.filter { $0.value == "none" }.map(\.key)
        // 9 encoders and 4 architectures whose graph makes no logits (t5encoder, gemma-embedding,
        // llama-embed, wavtokenizer-dec: their loaders load an output nothing uses).
        #expect(encoders.count == 13)
        #expect(Set(["t5encoder", "gemma-embedding", "llama-embed", "wavtokenizer-dec"]).isSubset(of: Set(encoders)))
        #expect(Set(LlamaCppSources.encoders.keys) == Set(encoders))
        for name in encoders {
            #expect(LlamaCppSources.encoders[name]?.modelTypes == types[name] ?? [], "\(name)")
            #expect(LlamaCppSources.encoders[name]?.unmappedClasses == unmapped[name] ?? [], "\(name)")
            #expect(LlamaCppSources.encoders[name]?.classes == classes[name] ?? [], "\(name)")
        }
    }

    @Test("a shared default only when every source model type has one, they agree (transformers' defaults file), and no source class is headless (architectures.json)")
    func sharedDefaultFollowsTransformers() throws {
        let defaults = try #require(try Self.json("model-type-defaults.json") as [String: Any]?)
        let architectures = try #require(try Self.json("architectures.json")["architectures"] as? [String: [String: Any]])
        func headless(_ name: String) -> Bool { architectures[name]?["output_projection"] as? Bool == false }
        func tie(_ type: String) -> Bool? {
            let entry = (defaults["model_types"] as? [String: Any])?[type] ?? defaults[type]
            return (entry as? [String: Any])?["tie_word_embeddings"] as? Bool
        }
        for (name, sources) in LlamaCppSources.encoders {
            let ties = sources.modelTypes.map(tie)
            let expected: Bool? = sources.unmappedClasses.isEmpty && !ties.isEmpty && !ties.contains(nil)
                && Set(ties.compactMap { $0 }).count == 1 && !sources.classes.contains(where: headless) ? ties.first ?? nil : nil
            #expect(LlamaCppSources.sharedTieDefault(for: name)?.tied == expected, "\(name): \(ties)")
        }
        // `bert` comes also from BertModel and RobertaModel, which have no LM head: no default speaks of them.
        #expect(LlamaCppSources.headlessClasses(for: "bert").contains("BertModel"))
        #expect(LlamaCppSources.sharedTieDefault(for: "bert") == nil)
        #expect(LlamaCppSources.sharedTieDefault(for: "nomic-bert") == nil)
        #expect(LlamaCppSources.sharedTieDefault(for: "llama") == nil)
    }
}
