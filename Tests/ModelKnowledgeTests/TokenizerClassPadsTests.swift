import Foundation
import Testing
@testable import ModelKnowledge
import TestSupport

/// The generated table of tokenizer classes' pad tokens (Sources/ModelKnowledge/TokenizerClassPads.swift)
/// is the one `generate_tokenizer_class_pads.py` measured with transformers
/// (TestData/knowledge/tokenizer-class-pads.json), entry for entry.
@Suite struct TokenizerClassPadsTests {
    @Test("the Swift table holds exactly the measured classes and values")
    func matchesMeasurement() throws {
        let document = try #require(try Fixtures.json("knowledge/tokenizer-class-pads.json") as? [String: Any])
        let pads = try #require(document["pads"] as? [String: Any])
        #expect(pads.count >= 90)
        #expect(Set(pads.keys) == Set(TokenizerClassPad.measured.keys))
        for (name, value) in pads {
            let expected: TokenizerClassPad = (value as? String) == "section" ? .section : .own(value as? String)
            #expect(TokenizerClassPad.measured[name] == expected, "\(name)")
        }
        // Spot checks of what transformers 5.25 gave (helper-146's table too).
        #expect(TokenizerClassPad.measured["BertTokenizerFast"] == .own("[PAD]"))
        #expect(TokenizerClassPad.measured["RobertaTokenizerFast"] == .own("<pad>"))
        #expect(TokenizerClassPad.measured["GPT2TokenizerFast"] == .own(nil))
        #expect(TokenizerClassPad.measured["PreTrainedTokenizerFast"] == .section)
    }
}
