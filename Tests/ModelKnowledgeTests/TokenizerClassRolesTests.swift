import Foundation
import Testing
@testable import ModelKnowledge
import TestSupport

/// The generated table of tokenizer classes' own special tokens
/// (Sources/ModelKnowledge/TokenizerClassRoles+Table.swift) is the one
/// `generate_tokenizer_class_roles.py` measured with transformers
/// (TestData/knowledge/tokenizer-class-roles.json), entry for entry.
@Suite struct TokenizerClassRolesTests {
    @Test("the Swift table holds exactly the measured classes, roles and additional tokens")
    func matchesMeasurement() throws {
        let document = try #require(try Fixtures.json("knowledge/tokenizer-class-roles.json") as? [String: Any])
        let classes = try #require(document["classes"] as? [String: [String: Any]])
        #expect(classes.count >= 100)
        #expect(Set(classes.keys) == Set(TokenizerClassRoles.measured.keys))
        let order = ["bos_token", "eos_token", "unk_token", "sep_token", "cls_token", "mask_token"]
        for (name, value) in classes {
            let entry = try #require(TokenizerClassRoles.measured[name], "\(name)")
            let roles = try #require(value["roles"] as? [String: String])
            #expect(entry.roles.map(\.role) == order.filter { roles[$0] != nil }, "\(name): roles in transformers' order")
            for (role, text) in entry.roles { #expect(roles[role] == text, "\(name) \(role)") }
            let additional = try #require(value["additional"] as? [String])
            #expect(entry.additionalTexts(extraIDs: nil) == additional, "\(name)")
            if !additional.isEmpty {
                // The enum's case names are the JSON's words.
                #expect("\(entry.whenStated)" == value["when_stated"] as? String, "\(name)")
                #expect("\(entry.whenStatedInMap)" == value["when_stated_in_map"] as? String, "\(name)")
                #expect("\(entry.whenNull)" == value["when_null"] as? String, "\(name)")
            }
        }
        // Spot checks of what transformers 5.25 gave (hunt-62b N2's folders).
        #expect(TokenizerClassRoles.measured["BertTokenizer"]?.text(for: "sep_token") == "[SEP]")
        #expect(TokenizerClassRoles.measured["LlamaTokenizer"]?.text(for: "bos_token") == "<s>")
        #expect(TokenizerClassRoles.measured["GPT2Tokenizer"]?.text(for: "eos_token") == "<|endoftext|>")
        #expect(TokenizerClassRoles.measured["TokenizersBackend"]?.roles.isEmpty == true)
        #expect(TokenizerClassRoles.measured["T5Tokenizer"]?.additionalTexts(extraIDs: 2) == ["<extra_id_0>", "<extra_id_1>"])
    }
}
