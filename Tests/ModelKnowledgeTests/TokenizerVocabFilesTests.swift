import Foundation
import Testing
@testable import ModelKnowledge
import TestSupport

/// The generated tables (Sources/ModelKnowledge/TokenizerVocabFiles.swift) are the ones
/// `generate_vocab_files.py` read from transformers (TestData/knowledge/tokenizer-vocab-files.json),
/// and the note says when vocab.txt is not the file the tokenizer transformers builds reads.
@Suite struct TokenizerVocabFilesTests {
    @Test("the Swift tables hold exactly what transformers' tables and classes say")
    func tablesMatchTransformers() throws {
        let document = try #require(try Fixtures.json("knowledge/tokenizer-vocab-files.json") as? [String: Any])
        let files = try #require(document["vocab_files"] as? [String: String])
        #expect(TokenizerVocabFiles.vocabFileByClass == files)
        // Spot checks, as transformers 5.25's own source states them.
        #expect(files["AlbertTokenizer"] == "spiece.model" && files["BertTokenizer"] == "vocab.txt")
    }

    /// The note for the class AutoTokenizer builds from `tokenizerClass` (tokenizer_config.json)
    /// and config.json's `modelType`.
    private func note(_ tokenizerClass: String?, _ modelType: String?, _ vocabText: String = "v") -> String? {
        TokenizerVocabFiles.vocabTextNote(builtClass: AutoTokenizerClass.resolve(.init(tokenizerConfigClass: tokenizerClass, modelType: modelType)),
                                          vocabText: vocabText)
    }

    @Test("vocab.txt beside an ALBERT config: a note that AlbertTokenizer reads spiece.model; none for BERT or a BertTokenizer class")
    func vocabTextNote() {
        #expect(note(nil, "albert", "m/vocab.txt") == "m/vocab.txt: rows are named from this vocab.txt, but transformers' AutoTokenizer builds AlbertTokenizer "
            + "(registered for config.json's model_type \"albert\"), which reads its vocabulary from spiece.model, not vocab.txt: the names are "
            + "vocab.txt's, which that tokenizer does not use")
        #expect(note(nil, "bert") == nil)
        // tokenizer_config.json's class comes first, as in AutoTokenizer, unless the model type
        // is one whose hub class transformers overrides.
        #expect(note("BertTokenizer", "albert") == nil)
        #expect(note("AlbertTokenizer", "bert")?.contains("AutoTokenizer builds AlbertTokenizer (config.json's model_type \"bert\" is registered to BertTokenizer") == true)
        #expect(note("AlbertTokenizer", nil)?.contains("AutoTokenizer builds AlbertTokenizer (tokenizer_config.json's tokenizer_class)") == true)
        // Unknown classes and types claim nothing.
        #expect(note("NoSuchTokenizer", "albert") == nil)
        #expect(note(nil, "no_such_type") == nil)
        #expect(note(nil, nil) == nil)
    }
}
