import Foundation
import Testing
import TestSupport

/// What `ties`, `audit` and `padding` say config.json states of a tie the bytes show
/// (`TestData/tie-statements`: old exports holding every tied copy, and what transformers 5.25
/// makes of each config in `expected.json`, from the generator). review-53b #5: `ties` and
/// `audit` said "config.json sets tie_word_embeddings: true" of a config transformers refuses
/// (a pad_token_id list), where `diff` rightly took it to tie nothing; "sets … false, yet the
/// bytes are identical" of a T5 config whose class ties anyway; and "model_type
/// "encoder-decoder" is not in the table of known defaults" where the decoder's config ties.
@Suite struct TieStatementCLITests {
    static let root = "tie-statements"

    static func expected(_ name: String) throws -> [String: Any] {
        try #require((try Fixtures.json("\(root)/expected.json") as? [String: Any])?[name] as? [String: Any])
    }

    /// The `tied-weights` group's note, the `tied-weights-duplicated` finding's message and
    /// `padding`'s tying details of the fixture `name`.
    static func statements(_ name: String) throws -> (note: String, message: String, details: [String]) {
        let path = Fixtures.path("\(root)/\(name)")
        let ties = try CLI.json(["ties", path])
        let group = try #require((ties["groups"] as? [[String: Any]])?.first { $0["kind"] as? String == "tied-weights" })
        let audit = try CLI.json(["audit", path])
        let finding = try #require((audit["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "tied-weights-duplicated" })
        let padding = try CLI.json(["padding", path, "--pad-id", "0"])
        let details = ((padding["embeddings"] as? [[String: Any]]) ?? []).compactMap { ($0["tying"] as? [String: Any])?["detail"] as? String }
        return (try #require(group["note"] as? String), try #require(finding["message"] as? String), details)
    }

    /// ModernVBertConfig keeps a `pad_token_id` list (470 of transformers 5.25's config classes do:
    /// TestData/knowledge/pad-list-refusal.json); the masked LM loads and ties as config.json says
    /// (review-54 D1: every list was said to be refused, and the stated tie dropped).
    @Test("a config whose class keeps a pad_token_id list: not called refused; the tie it states is the one transformers builds")
    func keptPadList() throws {
        let truth = try Self.expected("modernvbert-padlist")
        #expect(truth["loaded_pad_token_id"] as? [Int] == [0, 1])
        #expect(truth["loaded_tie_word_embeddings"] as? Bool == true && truth["head_is_embedding"] as? Bool == true)
        let (note, message, _) = try Self.statements("modernvbert-padlist")
        for text in [note, message] {
            #expect(!text.contains("refuses"), "\(text)")
            #expect(text.contains("sets tie_word_embeddings to true at the top level") && text.contains("ties its output projection to its input embedding"),
                    "\(text)")
        }
    }

    @Test("a config transformers refuses: the clause says so, and claims nothing it 'sets'; padding's detail says the same")
    func refusedConfig() throws {
        #expect(try Self.expected("llama-padlist")["refused"] as? String == "StrictDataclassFieldValidationError")
        let (note, message, details) = try Self.statements("llama-padlist")
        let clause = "config.json: states pad_token_id as a list, which LlamaConfig in transformers 5.25.0 refuses to load, so its tie_word_embeddings (true here) speaks of no model loaded from it"
        #expect(note.contains(clause) && message.contains(clause), "\(note)\n\(message)")
        #expect(!note.contains("sets tie_word_embeddings") && !message.contains("sets tie_word_embeddings"))
        #expect(!details.isEmpty && details.allSatisfy { $0.contains(clause) }, "\(details)")
    }

    @Test("T5 stating false: T5Config ties anyway, so no 'yet the bytes are identical' nor 'the file does not follow it'")
    func t5StatedFalse() throws {
        let truth = try Self.expected("t5-false")
        #expect(truth["stated"] as? Bool == false && truth["loaded_tie_word_embeddings"] as? Bool == true && truth["lm_head_is_shared"] as? Bool == true)
        let (note, message, details) = try Self.statements("t5-false")
        let clause = "config.json sets tie_word_embeddings to false, which T5Config in transformers 5.25.0 replaces with true"
        #expect(note.contains(clause) && message.contains(clause), "\(note)")
        for text in [note, message] + details {
            #expect(!text.contains("yet the bytes are identical") && !text.contains("does not follow"), "\(text)")
        }
    }

    @Test("an encoder-decoder wrapper: the decoder's own config is named, not 'not in the table of known defaults'")
    func wrapper() throws {
        let truth = try Self.expected("encdec-absent")
        #expect(truth["top_level_states_tie"] as? Bool == false && truth["decoder_head_is_decoder_embedding"] as? Bool == true)
        let (note, message, _) = try Self.statements("encdec-absent")
        for text in [note, message] {
            #expect(!text.contains("not in the table") && text.contains("its decoder sets tie_word_embeddings to true"), "\(text)")
        }
    }
}
