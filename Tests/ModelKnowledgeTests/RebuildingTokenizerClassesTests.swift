import Foundation
import Testing
@testable import ModelKnowledge
import TestSupport

/// The generated set of tokenizer classes that rebuild the tokenizers backend
/// (Sources/ModelKnowledge/RebuildingTokenizerClasses.swift) is the one
/// `generate_rebuilding_classes.py` measured with transformers
/// (TestData/knowledge/rebuilding-classes.json).
@Suite struct RebuildingTokenizerClassesTests {
    @Test("the Swift set holds exactly the classes measured to rebuild")
    func matchesMeasurement() throws {
        let document = try #require(try Fixtures.json("knowledge/rebuilding-classes.json") as? [String: Any])
        let classes = try #require(document["classes"] as? [String: String])
        #expect(classes.count >= 80)
        #expect(Set(classes.filter { $0.value == "rebuilds" }.keys) == AutoTokenizerClass.rebuildingBackend)
        // Spot checks of what transformers 5.25 gave (hunt-62a H1).
        #expect(AutoTokenizerClass.rebuildingBackend.isSuperset(of: ["LlamaTokenizer", "GPT2Tokenizer", "Qwen2Tokenizer", "BertTokenizer"]))
        #expect(classes["TokenizersBackend"] == "loads" && classes["PreTrainedTokenizerFast"] == "loads")
    }
}
