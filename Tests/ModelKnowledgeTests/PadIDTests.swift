import ModelKnowledge
import Testing

/// The order flag → config → tokenizer → none, and what each source may contribute.
@Suite struct PadIDTests {
    func tokenizer(pad: String?) throws -> Tokenizer? {
        let padding = pad.map { #","padding":{"pad_id":2,"pad_token":"\#($0)"}"# } ?? ""
        let json = #"{"model":{"type":"WordLevel","vocab":{"a":0,"b":1,"<pad>":2,"<x>":3}}\#(padding)}"#
        return try Tokenizer.read(TokenizerFiles(tokenizerJSON: KnowledgeFixtures.json("t/tokenizer.json", json)))
    }

    func config(_ json: String) throws -> ModelConfigFacts {
        try ModelConfigFacts.read(KnowledgeFixtures.json("t/config.json", json))
    }

    @Test func flagWinsAndDisagreementsAreNoted() throws {
        let r = PadIDResolver.resolve(flag: 3, config: try config(#"{"model_type":"bert","pad_token_id":1}"#),
                                      tokenizer: try tokenizer(pad: "<pad>"), rowCount: 4)
        #expect(r.padID?.id == 3 && r.padID?.source == .flag)
        #expect(r.notes.count == 2)
    }

    @Test func configIntegerInRange() throws {
        let r = PadIDResolver.resolve(flag: nil, config: try config(#"{"pad_token_id":1}"#), tokenizer: try tokenizer(pad: "<pad>"), rowCount: 4)
        #expect(r.padID == PadID(id: 1, source: .config("t/config.json"), note: "pad id 1 from pad_token_id in t/config.json"))
        #expect(r.notes == ["pad id 2 from the pad token \"<pad>\" in t/tokenizer.json (padding), but pad id 1 from pad_token_id in t/config.json is used"])
    }

    @Test(arguments: [#"1.0"#, #""1""#, #"[1]"#, #"-1"#, #"7"#, #"1e0"#, #"true"#])
    func configValuesThatAreNotAnIDFallThroughToTheTokenizer(_ value: String) throws {
        let r = PadIDResolver.resolve(flag: nil, config: try config(#"{"pad_token_id":\#(value)}"#),
                                      tokenizer: try tokenizer(pad: "<pad>"), rowCount: 4)
        #expect(r.padID?.id == 2)
        #expect(r.padID?.source == .tokenizer("t/tokenizer.json (padding)"))
        #expect(r.notes.count == 1, "a note says why pad_token_id \(value) was not used")
    }

    @Test func nullConfigIsANoteAndNothingFoundIsNil() throws {
        let r = PadIDResolver.resolve(flag: nil, config: try config(#"{"pad_token_id":null}"#), tokenizer: try tokenizer(pad: nil), rowCount: nil)
        #expect(r.padID == nil)
        #expect(r.notes.first?.contains("null") == true)
        let empty = PadIDResolver.resolve(flag: nil, config: nil, tokenizer: nil, rowCount: nil)
        #expect(empty == PadIDResolution(padID: nil, notes: []))
    }

    @Test func padTokenNotInVocabularyIsANote() throws {
        let json = #"{"model":{"type":"WordLevel","vocab":{"a":0}}}"#
        let t = try Tokenizer.read(TokenizerFiles(tokenizerJSON: KnowledgeFixtures.json("t/tokenizer.json", json),
                                                  tokenizerConfig: KnowledgeFixtures.json("t/tokenizer_config.json", #"{"pad_token":"<pad>"}"#)))
        #expect(t?.padToken?.id == nil)
        let r = PadIDResolver.resolve(flag: nil, config: nil, tokenizer: t, rowCount: nil)
        #expect(r.padID == nil)
        #expect(r.notes.count == 1)
    }

    @Test func assumedIsMarked() {
        let p = PadID.assumed(0, reason: "no file names a pad token; row 0 by convention")
        #expect(p.isAssumed && p.sourceName == "assumed" && p.note.contains("assumed"))
    }
}
