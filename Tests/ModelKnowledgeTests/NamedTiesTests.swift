import Foundation
import Testing
import ModelKnowledge
import TestSupport

/// `NamedTies` is generated from transformers' classes (TestData/knowledge/generate_named_ties.py);
/// the committed JSON lists the `_tied_weights_keys` behind each type, and the Swift sets must be
/// exactly its keys.
@Suite struct NamedTiesTests {
    @Test("the Swift sets are the JSON's types, and the JSON holds the measured ones")
    func matchesJSON() throws {
        let document = try #require(try Fixtures.json("knowledge/named-ties.json") as? [String: Any])
        let shared = Set(((document["shared"] as? [String: Any]) ?? [:]).keys)
        let bias = Set(((document["bias"] as? [String: Any]) ?? [:]).keys)
        #expect(NamedTies.sharedEmbeddingTypes == shared)
        #expect(NamedTies.tiedBiasTypes == bias)
        // Types helper-154 and review-52b re-saved with transformers 5.25 and found tied so.
        #expect(shared.isSuperset(of: ["t5", "mt5", "umt5", "bart", "mbart", "pegasus", "m2m_100", "led", "longt5", "plbart", "nllb-moe"]))
        #expect(bias.isSuperset(of: ["bert", "deberta", "deberta-v2", "roberta", "xlm-roberta", "mpnet", "albert", "camembert", "ernie"]))
        // Marian unties them with share_encoder_decoder_embeddings false; FSMT ties encoder to decoder, not to shared.
        #expect(!shared.contains("marian") && !shared.contains("fsmt"))
    }
}
