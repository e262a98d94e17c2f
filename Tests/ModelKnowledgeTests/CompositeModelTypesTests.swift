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

    /// Each measured class's twelve answers (the class built by transformers for each way a
    /// config states the two keys), against the judge reading the matching config.json text:
    /// the parsing of the keys and the lookup agree with what transformers built.
    @Test("every composite type measured: the judge of each of the twelve config.json spellings is transformers' built answer")
    func measuredTies() throws {
        let document = try #require(try Fixtures.json("knowledge/composite-model-types.json") as? [String: Any])
        let ties = try #require(document["ties"] as? [String: [String: String]])
        #expect(ties.count >= 80)
        // By hand, from transformers' config classes: LlavaConfig ties when either key says true.
        #expect(ties["llava"]?["ties"] == "001011110010")
        let tops = ["", #""tie_word_embeddings": true, "#, #""tie_word_embeddings": false, "#]
        let texts = ["", #", "text_config": {}"#, #", "text_config": {"tie_word_embeddings": true}"#, #", "text_config": {"tie_word_embeddings": false}"#]
        for (type, entry) in ties.sorted(by: { $0.key < $1.key }) {
            let bits = Array(try #require(entry["ties"]))
            #expect(bits.count == 12 && CompositeTies.measured(type)?.className == entry["class"], "\(type)")
            guard ModelTypeFacts.fact(for: type) == nil else { continue }  // the table's facts answer first
            for (row, top) in tops.enumerated() {
                for (column, text) in texts.enumerated() {
                    let json = "{\(top)\"model_type\": \"\(type)\"\(text)}"
                    let config = try ModelConfigFacts.read(NamedBytes(path: "c/config.json", bytes: Array(json.utf8)))
                    let judged = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: false))
                    let want = bits[row * 4 + column] == "1"
                    #expect(judged.tied == want, "\(type) \(json): \(judged)")
                    let stated = row != 0 || column >= 2
                    #expect(judged.evidence == (stated ? .config : .modelTypeDefault), "\(type) \(json)")
                }
            }
        }
    }
}
