import Foundation
import Testing
@testable import ModelKnowledge
import TestSupport

/// TestData/knowledge/class-special-ids: special tokens the vocabulary lacks, stated by the
/// settings or the class's own (BertTokenizer's "[SEP]", T5Tokenizer's "<extra_id_N>"), take the
/// ids transformers' AutoTokenizer gives them when it adds them at load
/// (generate_class_special_ids.py records them; hunt-62b N2 and N6, hunt-62a L8).
@Suite struct ClassSpecialIDsTests {
    @Test(arguments: ["bert-own-sep", "llama-own-bos-eos", "gpt2-own-endoftext", "qwen2-own-pad", "t5-own-extra-ids", "t5-extra-ids-2",
                      "t5-stated-additional", "splinter-kept", "backend-stated-only", "canonical-twins"])
    func specialTokensAddedAtLoadTakeTransformersIDs(_ name: String) throws {
        let cases = try #require((try Fixtures.json("knowledge/class-special-ids/expected.json") as? [String: Any])?["cases"] as? [String: Any])
        let expected = try #require(cases[name] as? [String: Any])
        let pairs = try #require(expected["ids"] as? [[Any]])
        let file = { (leaf: String) in
            NamedBytes(path: leaf, bytes: try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("knowledge/class-special-ids/\(name)/\(leaf)")))))
        }
        let t = try #require(try Tokenizer.read(TokenizerFiles(tokenizerJSON: try file("tokenizer.json"), tokenizerConfig: try file("tokenizer_config.json"))))
        #expect(t.specialsAddedAtLoadExact)
        let added = t.specialsAddedAtLoad
        for pair in pairs {
            let text = try #require(pair.first as? String)
            let id = try #require(pair.last as? Int)
            if let known = t.id(for: text) {
                #expect(known == id, "\(text)")
            } else {
                let index = try #require(added.firstIndex { $0.unicodeScalars.elementsEqual(text.unicodeScalars) }, "\(text) is added at load")
                #expect(t.nextAddedID + index == id, "\(text)")
            }
        }
        #expect(t.nextAddedID + added.count == expected["len"] as? Int, "len(tok)")
        if let pad = t.padToken, pad.id == nil {
            #expect(t.addedPadLowestID == expected["pad_token_id"] as? Int)
        }
    }
}
