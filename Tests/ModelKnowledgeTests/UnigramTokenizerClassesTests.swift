import Foundation
import Testing
@testable import ModelKnowledge
import TestSupport

/// The classes AutoTokenizer cannot build from a tokenizer.json that is not Unigram
/// (TestData/knowledge/generate_unigram_classes.py, transformers 5.25; hunt-64c), and the
/// reference folders of unigram-classes/, whose answers transformers recorded.
@Suite struct UnigramTokenizerClassesTests {
    @Test("the Swift table holds exactly the classes measured, with what AutoTokenizer raised")
    func matchesMeasurement() throws {
        let document = try #require(try Fixtures.json("knowledge/unigram-classes.json") as? [String: Any])
        let classes = try #require(document["classes"] as? [String: String])
        #expect(classes == AutoTokenizerClass.needingUnigram)
        #expect(classes["T5Tokenizer"] == "TypeError: 'dict' object is not an instance of 'Sequence'")
        #expect(classes["CamembertTokenizerFast"] == "ValueError: too many values to unpack (expected 2)")
        #expect(classes["TokenizersBackend"] == nil && classes["BertTokenizer"] == nil)
    }

    /// Each folder: where transformers raised, the reader refuses the tokenizer (`notLoadable`,
    /// quoting what transformers raised); where it loaded, the reader builds the same class and pad id.
    @Test(arguments: ["t5-wordlevel", "mbart-wordlevel", "xlm-roberta-wordlevel", "camembert-wordlevel", "t5-named-bpe", "t5-unigram", "bert-wordlevel"])
    func folderLoadsAsInTransformers(_ name: String) throws {
        let cases = try #require((try Fixtures.json("knowledge/unigram-classes/expected.json") as? [String: Any])?["cases"] as? [String: Any])
        let expected = try #require(cases[name] as? [String: Any])
        let folder = Fixtures.path("knowledge/unigram-classes/\(name)")
        let bytes = { (leaf: String) in NamedBytes(path: leaf, bytes: try Array(Data(contentsOf: URL(fileURLWithPath: folder + "/" + leaf)))) }
        let model = FileManager.default.fileExists(atPath: folder + "/config.json")
            ? try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/config.json"))) as? [String: Any])
            : [:]
        let read = { try Tokenizer.read(TokenizerFiles(tokenizerJSON: try bytes("tokenizer.json"), tokenizerConfig: try bytes("tokenizer_config.json")),
                                        modelType: model["model_type"] as? String) }
        if let raised = expected["error"] as? String {
            do {
                _ = try read()
                Issue.record("transformers raised \(raised); the reader read the tokenizer")
            } catch let error as KnowledgeError {
                guard case .notLoadable(let file, let reason) = error else { Issue.record("\(error)"); return }
                #expect(file == "tokenizer.json")
                #expect(reason.hasSuffix("(AutoTokenizer raises \(raised))"), "\(reason)")
            }
        } else {
            let t = try #require(try read())
            #expect(t.builtClass?.instantiated == expected["class"] as? String)
            #expect((t.padToken?.id ?? t.addedPadLowestID) == expected["pad_id"] as? Int)
        }
    }
}
