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
        let types = try #require(document["model_types"] as? [String: String])
        let files = try #require(document["vocab_files"] as? [String: String])
        #expect(TokenizerVocabFiles.classByModelType == types)
        #expect(TokenizerVocabFiles.vocabFileByClass == files)
        // Spot checks, as transformers 5.25's own source states them.
        #expect(types["albert"] == "AlbertTokenizer" && files["AlbertTokenizer"] == "spiece.model")
        #expect(types["bert"] == "BertTokenizer" && files["BertTokenizer"] == "vocab.txt")
    }

    @Test("vocab.txt beside an ALBERT config: a note that AlbertTokenizer reads spiece.model; none for BERT or a BertTokenizer class")
    func vocabTextNote() {
        let albert = TokenizerVocabFiles.vocabTextNote(tokenizerClass: nil, modelType: "albert", vocabText: "m/vocab.txt")
        #expect(albert == "m/vocab.txt: rows are named from this vocab.txt, but transformers' AutoTokenizer builds AlbertTokenizer "
            + "(for config.json's model_type \"albert\"), which reads its vocabulary from spiece.model, not vocab.txt: the names are "
            + "vocab.txt's, which that tokenizer does not use")
        #expect(TokenizerVocabFiles.vocabTextNote(tokenizerClass: nil, modelType: "bert", vocabText: "m/vocab.txt") == nil)
        // tokenizer_config.json's class comes first, as in AutoTokenizer.
        #expect(TokenizerVocabFiles.vocabTextNote(tokenizerClass: "BertTokenizer", modelType: "albert", vocabText: "m/vocab.txt") == nil)
        #expect(TokenizerVocabFiles.vocabTextNote(tokenizerClass: "AlbertTokenizer", modelType: "bert", vocabText: "v")?
            .contains("AutoTokenizer builds AlbertTokenizer (named by tokenizer_config.json's tokenizer_class)") == true)
        // Unknown classes and types claim nothing.
        #expect(TokenizerVocabFiles.vocabTextNote(tokenizerClass: "NoSuchTokenizer", modelType: "albert", vocabText: "v") == nil)
        #expect(TokenizerVocabFiles.vocabTextNote(tokenizerClass: nil, modelType: "no_such_type", vocabText: "v") == nil)
        #expect(TokenizerVocabFiles.vocabTextNote(tokenizerClass: nil, modelType: nil, vocabText: "v") == nil)
    }
}
