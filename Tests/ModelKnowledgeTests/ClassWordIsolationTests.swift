import Foundation
import Testing
@testable import ModelKnowledge
import TestSupport

/// Which characters a WordPiece tokenizer isolates follows the class AutoTokenizer builds when
/// that class rebuilds its normalizer and pre-tokenizer (hunt-53a D2, hunt-52a D6). The table is
/// `generate_class_word_isolation.py`'s measurement; the folders and their never-produced tokens
/// are `generate_isolation_by_class.py`'s, encoded by transformers 5.25's AutoTokenizer.
@Suite struct ClassWordIsolationTests {
    @Test("the Swift table holds exactly the measured classes that do not keep tokenizer.json's")
    func matchesMeasurement() throws {
        let document = try #require(try Fixtures.json("knowledge/class-word-isolation.json") as? [String: Any])
        let classes = try #require(document["classes"] as? [String: [String: Any]])
        func part(_ text: Any?) -> ClassWordIsolation.Part? {
            switch text as? String { case "json": .json; case "bert": .bert; case "other": .other; default: nil }
        }
        var kept = 0
        for (name, entry) in classes {
            let expected = ClassWordIsolation(preTokenizer: try #require(part(entry["pre_tokenizer"])), normalizer: try #require(part(entry["normalizer"])),
                                              chineseDefault: entry["chinese_default"] as? Bool, chineseFromConfig: entry["chinese_from_config"] as? Bool ?? false,
                                              wordPiece: try #require(entry["word_piece"] as? Bool))
            if expected.preTokenizer == .json, expected.normalizer == .json, expected.wordPiece {
                kept += 1
                #expect(ClassWordIsolation.measured[name] == nil, "\(name)")
            } else {
                #expect(ClassWordIsolation.measured[name] == expected, "\(name)")
            }
        }
        #expect(ClassWordIsolation.measured.count == classes.count - kept)
        // transformers 5.25's BertTokenizer: BertNormalizer(handle_chinese_chars: tokenize_chinese_chars = true), BertPreTokenizer.
        #expect(ClassWordIsolation.measured["BertTokenizer"] == ClassWordIsolation(preTokenizer: .bert, normalizer: .bert, chineseDefault: true,
                                                                                    chineseFromConfig: true, wordPiece: true))
        #expect(ClassWordIsolation.measured["TokenizersBackend"] == nil)
    }

    @Test("each folder's isolated-character tokens are the ones transformers never produces (none claimed past BertPreTokenizer)")
    func folders() throws {
        let document = try #require(try Fixtures.json("knowledge/isolation-by-class.json") as? [String: Any])
        let cases = try #require(document["cases"] as? [[String: Any]])
        #expect(cases.count >= 16)
        for item in cases {
            let name = try #require(item["name"] as? String)
            let json = try JSONSerialization.data(withJSONObject: try #require(item["tokenizer_json"]))
            let config = try JSONSerialization.data(withJSONObject: try #require(item["tokenizer_config"]))
            let tokenizer = try #require(try Tokenizer.read(
                TokenizerFiles(tokenizerJSON: NamedBytes(path: "\(name)/tokenizer.json", bytes: Array(json)),
                               tokenizerConfig: NamedBytes(path: "\(name)/tokenizer_config.json", bytes: Array(config))),
                modelType: item["model_type"] as? String))
            let flagged = Set(UnusedTokens.find(in: tokenizer).compactMap { unused -> String? in
                if case .isolatedCharacter = unused.reason { unused.token } else { nil }
            })
            let never = Set(try #require(item["never_produced"] as? [String]))
            if item["loaded_pre_tokenizer"] as? String == "BertPreTokenizer" {
                #expect(flagged == never, "\(name): missed \(never.subtracting(flagged).sorted()), false \(flagged.subtracting(never).sorted())")
            } else {
                // The rule is BertPreTokenizer's; another pre-tokenizer gets no claims.
                #expect(flagged.isEmpty, "\(name): \(flagged.sorted())")
            }
        }
    }
}
