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
                      "t5-stated-additional", "splinter-kept", "backend-stated-only", "canonical-twins", "t5-null-additional",
                      "t5-map-additional", "t5-extra-ids-negative", "t5-extra-ids-true", "bert-mask-is-pad"])
    func specialTokensAddedAtLoadTakeTransformersIDs(_ name: String) throws {
        let cases = try #require((try Fixtures.json("knowledge/class-special-ids/expected.json") as? [String: Any])?["cases"] as? [String: Any])
        let expected = try #require(cases[name] as? [String: Any])
        let pairs = try #require(expected["ids"] as? [[Any]])
        let file = { (leaf: String) in
            NamedBytes(path: leaf, bytes: try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path("knowledge/class-special-ids/\(name)/\(leaf)")))))
        }
        let map = Fixtures.path("knowledge/class-special-ids/\(name)/special_tokens_map.json")
        let t = try #require(try Tokenizer.read(TokenizerFiles(
            tokenizerJSON: try file("tokenizer.json"),
            specialTokensMap: FileManager.default.fileExists(atPath: map) ? try file("special_tokens_map.json") : nil,
            tokenizerConfig: try file("tokenizer_config.json"))))
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

    /// extra_ids past `TokenizerClassRoles.extraIDsLimit` (a 300-byte config stating 4 million
    /// took 14 s and 825 MB: hunt-63d M3): not placed, and the ids after them said to be unknown.
    @Test("extra_ids past the limit: the numbered tokens are not placed, and the ids are not claimed exact")
    func hugeExtraIDsAreNotPlaced() throws {
        let folder = "knowledge/class-special-ids/t5-own-extra-ids"
        let json = NamedBytes(path: "tokenizer.json", bytes: try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path(folder + "/tokenizer.json")))))
        let config = NamedBytes(path: "tokenizer_config.json", bytes: Array(#"{"tokenizer_class": "T5Tokenizer", "extra_ids": 4194304}"#.utf8))
        let t = try #require(try Tokenizer.read(TokenizerFiles(tokenizerJSON: json, tokenizerConfig: config)))
        #expect(!t.specialsAddedAtLoadExact)
        #expect(t.specialsAddedAtLoad == ["</s>", "<unk>", "<pad>"])
    }
}
