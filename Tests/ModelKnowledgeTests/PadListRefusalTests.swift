import Foundation
import Testing
import ModelKnowledge
import TestSupport

/// Which config classes refuse a `pad_token_id` list, against what transformers 5.25 did
/// (TestData/knowledge/pad-list-refusal.json, written by generate_pad_list_refusal.py:
/// `CONFIG_MAPPING[t].from_dict({"pad_token_id": [1]})` raising or not).
@Suite struct PadListRefusalTests {
    @Test("every model type transformers refused is refused here, every one it kept the list for is not")
    func agreesWithTransformers() throws {
        let document = try #require(try Fixtures.json("knowledge/pad-list-refusal.json") as? [String: Any])
        let refuse = try #require(document["refuse"] as? [String]), accept = try #require(document["accept"] as? [String])
        #expect(refuse.count > 300 && accept.count > 400)
        for type in refuse { #expect(ModelTypeFacts.refusesPadTokenIDList(type), "\(type)") }
        for type in accept { #expect(!ModelTypeFacts.refusesPadTokenIDList(type), "\(type)") }
        #expect(ModelTypeFacts.refusesPadTokenIDList("llama") && ModelTypeFacts.refusesPadTokenIDList("bert"))
        #expect(!ModelTypeFacts.refusesPadTokenIDList("modernvbert") && !ModelTypeFacts.refusesPadTokenIDList("no-such-type"))
        for type in accept { #expect(ModelTypeFacts.keepsPadTokenIDList(type), "\(type)") }
        let nested = try #require(document["nested_refuse"] as? [String])
        for type in nested { #expect(ModelTypeFacts.refusesNestedPadTokenIDList(type), "\(type)") }
        #expect(ModelTypeFacts.refusesNestedPadTokenIDList("gemma3") && !ModelTypeFacts.refusesNestedPadTokenIDList("llama"))
    }
}
