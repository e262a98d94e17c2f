import Foundation
@testable import ModelKnowledge
import TestSupport
import Testing

/// The generated list of composite model types against transformers' own answer
/// (TestData/knowledge/composite-model-types.json, written by generate_composite_types.py).
@Suite struct CompositeModelTypesTests {
    @Test("the Swift list is transformers' list of config classes with a text_config sub-config")
    func listMatchesTransformers() throws {
        let document = try #require(try Fixtures.json("knowledge/composite-model-types.json") as? [String: Any])
        let types = try #require(document["model_types"] as? [String])
        #expect(types.count > 100)
        #expect(ModelTypeFacts.compositeTypes == Set(types))
        #expect(document["transformers_version"] as? String == ModelTypeFacts.transformersVersion)
        // By hand from transformers' config classes: LlavaConfig has a text_config, NemotronConfig not.
        #expect(ModelTypeFacts.isComposite("llava") && ModelTypeFacts.isComposite("gemma3") && !ModelTypeFacts.isComposite("nemotron"))
        // The rule's ground: the sample built by transformers takes the text_config's 7 over a top-level 5.
        let built = try #require(document["built_with_text_config_pad"] as? [String: Int])
        #expect(built.count >= 10 && built.values.allSatisfy { $0 == 7 }, "\(built)")
        #expect(built.keys.allSatisfy(ModelTypeFacts.isComposite))
        let forwarding = try #require(document["forwards_top_level"] as? [String])
        #expect(ModelTypeFacts.forwardingTypes == Set(forwarding) && forwarding.contains("qwen2_vl") && !forwarding.contains("llava"))
    }
}
