import Testing
import StrictJSON
@testable import CheckpointIO
@testable import TensorAnalysis

/// The vocab_size Gemma 3n's converter pads to, read from config.json as the converter reads it.
@Suite struct Gemma3nVocabularyTests {
    static func vocabulary(_ json: String) throws -> (Int, String)? {
        LlamaCppVocabPadding.vocabulary(ModelConfig.parse(try JSONDocument.parse(Array(json.utf8)), path: "config.json"))
    }

    @Test("text_config's vocab_size over the top level's; the top level's alone; none: Gemma3nTextConfig's default 262,400 (hunt-57a F3)")
    func sources() throws {
        #expect(try Self.vocabulary(#"{"vocab_size": 330, "text_config": {"vocab_size": 320}}"#)?.0 == 320)
        #expect(try Self.vocabulary(#"{"vocab_size": 330}"#)?.0 == 330)
        let fallback = try #require(try Self.vocabulary(#"{"model_type": "gemma3n", "text_config": {"hidden_size": 32}}"#))
        #expect(fallback.0 == 262_400)
        #expect(fallback.1 == "Gemma3nTextConfig's default vocab_size (config.json states none)")
        #expect(try Self.vocabulary(#"{"vocab_size": "many"}"#) == nil)
        #expect(try Self.vocabulary(#"{"vocab_size": 330, "text_config": {"vocab_size": "many"}}"#) == nil)
    }
}
