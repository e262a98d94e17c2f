import Foundation
import Testing
@testable import ModelKnowledge
import TestSupport

/// The class AutoTokenizer builds, and so the pad token, when config.json's `model_type` weighs
/// in (hunt-53a D1). The generated tables are the ones `generate_auto_tokenizer_classes.py` read
/// from transformers; the folders and answers are `generate_auto_tokenizer_choice.py`'s, from
/// transformers 5.25's `AutoTokenizer.from_pretrained` (TestData/knowledge/auto-tokenizer-choice.json).
@Suite struct AutoTokenizerClassTests {
    @Test("the Swift tables hold exactly transformers' TOKENIZER_MAPPING_NAMES, incorrect-hub set, specialized names and types without a config class")
    func tablesMatchTransformers() throws {
        let document = try #require(try Fixtures.json("knowledge/auto-tokenizer-classes.json") as? [String: Any])
        #expect(AutoTokenizerClass.registered == (document["registered"] as? [String: String]))
        #expect(AutoTokenizerClass.incorrectHubClass == Set(try #require(document["incorrect_hub_class"] as? [String])))
        #expect(AutoTokenizerClass.specialized == (try #require(document["specialized"] as? [String: String])))
        #expect(AutoTokenizerClass.withoutConfigClass == Set(try #require(document["without_config"] as? [String])))
        #expect(AutoTokenizerClass.withoutConfigClass.contains("nllb") && !AutoTokenizerClass.withoutConfigClass.contains("m2m_100"))
        // As tokenization_auto.py states them.
        #expect(AutoTokenizerClass.registered["qwen2"] == "Qwen2Tokenizer" && AutoTokenizerClass.incorrectHubClass.contains("qwen2"))
        #expect(AutoTokenizerClass.registered["mistral"] == "TokenizersBackend")
    }

    /// One folder of the generated cases, read by the tokenizer reader.
    private func read(_ item: [String: Any], jsonTexts: [String: Any]) throws -> Tokenizer {
        let variant = try #require(item["tokenizer_json"] as? String)
        let json = try JSONSerialization.data(withJSONObject: try #require(jsonTexts[variant]), options: [.sortedKeys])
        let named = item["tokenizer_class"] as? String
        let configClass = named.flatMap { $0.hasPrefix("config:") ? String($0.dropFirst(7)) : nil }
        let tokenizerClass = configClass == nil ? named : nil
        let config = try JSONSerialization.data(withJSONObject: tokenizerClass.map { ["tokenizer_class": $0] } ?? [:])
        return try #require(try Tokenizer.read(
            TokenizerFiles(tokenizerJSON: NamedBytes(path: "f/tokenizer.json", bytes: Array(json)),
                           tokenizerConfig: NamedBytes(path: "f/tokenizer_config.json", bytes: Array(config))),
            modelType: item["model_type"] as? String, configTokenizerClass: configClass))
    }

    @Test("over 2,000 folders (model type × named class × padding section, ByteLevel), the pad token and row are AutoTokenizer's")
    func padTokenIsAutoTokenizers() throws {
        let document = try #require(try Fixtures.json("knowledge/auto-tokenizer-choice.json") as? [String: Any])
        let jsonTexts = try #require(document["tokenizer_json"] as? [String: Any])
        let cases = try #require(document["cases"] as? [[String: Any]])
        #expect(cases.count > 2000)
        var differing: [String] = []
        for item in cases {
            let expected = try #require(item["expected"] as? [String: Any])
            let tokenizer = try read(item, jsonTexts: jsonTexts)
            let padToken = expected["pad_token"] as? String
            let padRow = expected["pad_row"] as? Int
            if tokenizer.padToken?.content != padToken || tokenizer.padToken?.id != padRow {
                differing.append("\(item["model_type"] ?? "-") \(item["tokenizer_class"] ?? "-") \(item["tokenizer_json"] ?? ""): "
                    + "transformers \(padToken ?? "none") (row \(padRow.map(String.init) ?? "none")), "
                    + "reader \(tokenizer.padToken?.content ?? "none") (row \(tokenizer.padToken?.id.map(String.init) ?? "none"))")
            }
        }
        #expect(differing.isEmpty, "\(differing.count) of \(cases.count): \(differing.prefix(20).joined(separator: "\n"))")
    }

    @Test("the class the reader says AutoTokenizer builds is the one it builds (a generic name: TokenizersBackend)")
    func classIsAutoTokenizers() throws {
        let document = try #require(try Fixtures.json("knowledge/auto-tokenizer-choice.json") as? [String: Any])
        let jsonTexts = try #require(document["tokenizer_json"] as? [String: Any])
        let cases = try #require(document["cases"] as? [[String: Any]])
        var differing: [String] = []
        for item in cases {
            let expected = try #require((item["expected"] as? [String: Any])?["class"] as? String)
            let built = try read(item, jsonTexts: jsonTexts).builtClass?.name ?? "TokenizersBackend"
            let name = AutoTokenizerClass.specialized[built] != nil ? built.droppingFast : "TokenizersBackend"
            if name != expected.droppingFast { differing.append("\(item["model_type"] ?? "-") \(item["tokenizer_class"] ?? "-"): \(expected), reader \(built)") }
        }
        #expect(differing.isEmpty, "\(differing.count) of \(cases.count): \(differing.prefix(20).joined(separator: "\n"))")
    }

    @Test("hunt-53a D1's folders: mistral + BertTokenizerFast without a padding section has no pad; qwen2 + GPT2TokenizerFast pads with <|endoftext|>")
    func huntExamples() throws {
        let wordLevel = #"{"model":{"type":"WordLevel","vocab":{"<unk>":0,"<pad>":1,"[PAD]":2},"unk_token":"<unk>"}}"#
        func pad(_ modelType: String, _ tokenizerClass: String) throws -> Tokenizer.PadToken? {
            try Tokenizer.read(TokenizerFiles(tokenizerJSON: KnowledgeFixtures.json("f/tokenizer.json", wordLevel),
                                              tokenizerConfig: KnowledgeFixtures.json("f/tokenizer_config.json", #"{"tokenizer_class":"\#(tokenizerClass)"}"#)),
                               modelType: modelType)?.padToken
        }
        #expect(try pad("mistral", "BertTokenizerFast") == nil)
        #expect(try pad("bert", "BertTokenizerFast")?.content == "[PAD]")
        let qwen = try #require(try pad("qwen2", "GPT2TokenizerFast"))
        #expect(qwen.content == "<|endoftext|>" && qwen.id == nil)
        #expect(qwen.declaredIn.contains("the class AutoTokenizer builds, \"Qwen2Tokenizer\""))
    }
}
