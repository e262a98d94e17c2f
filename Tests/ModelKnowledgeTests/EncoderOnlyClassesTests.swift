import Foundation
@testable import ModelKnowledge
import TestSupport
import Testing

/// The generated table of encoder-decoder classes and their encoder-only classes against what
/// transformers builds (TestData/knowledge/encoder-only-classes.json, written by
/// generate_encoder_only_classes.py from the classes' state dicts on the meta device).
@Suite struct EncoderOnlyClassesTests {
    @Test("every class of the reference is in the table with its encoder class, roots and embedding names, and nothing else")
    func tableMatchesTransformers() throws {
        let document = try #require(try Fixtures.json("knowledge/encoder-only-classes.json") as? [String: Any])
        let reference = try #require(document["classes"] as? [String: [String: Any]])
        #expect(document["transformers"] as? String == ArchitectureFacts.transformersVersion)
        #expect(Set(EncoderOnlyClasses.all.map(\.name)) == Set(reference.keys))
        for (name, entry) in reference {
            let fact = try #require(EncoderOnlyClasses.fact(for: name), "\(name)")
            #expect(fact.encoderClass == entry["encoder_class"] as? String, "\(name)")
            #expect(fact.encoderRoots == entry["encoder_roots"] as? [String] && fact.fullOnlyRoots == entry["full_only_roots"] as? [String], "\(name)")
            #expect(fact.embeddingNames == entry["embedding"] as? [String], "\(name)")
            // The encoder class has no output projection; the full class has one (the architectures table).
            #expect(ArchitectureFacts.fact(for: fact.encoderClass)?.hasOutputProjection == false, "\(name)")
            #expect(ArchitectureFacts.fact(for: name)?.hasOutputProjection == true, "\(name)")
        }
        // Read by hand in transformers 5.25's modeling_t5.py: T5EncoderModel holds `shared` and `encoder`
        // (its encoder's embed_tokens is `shared`); T5ForConditionalGeneration adds `decoder` and `lm_head`.
        let t5 = try #require(EncoderOnlyClasses.fact(for: "T5ForConditionalGeneration"))
        #expect(t5.encoderClass == "T5EncoderModel" && t5.encoderRoots == ["encoder", "shared"] && t5.fullOnlyRoots == ["decoder", "lm_head"])
        #expect(t5.embeddingNames.contains("shared.weight"))
        #expect(EncoderOnlyClasses.fact(for: "BartForConditionalGeneration") == nil && EncoderOnlyClasses.fact(for: "T5EncoderModel") == nil)
    }
}
