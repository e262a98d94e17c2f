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

    /// A pad token outside the vocabulary: transformers adds it at load. With no class that adds
    /// tokens of its own (TokenizersBackend, by hand: 4 tokens, so id 4), or a class whose own
    /// are measured (`TokenizerClassRoles`), the id is exact; for a class whose own were not
    /// measured none is claimed, only the first it may take (review-53 #6: "id 259" where
    /// transformers gave 260).
    @Test("a pad token not in the vocabulary: its exact id when the class's own tokens are known, else the first id it may take")
    func padTokenOutsideTheVocabulary() throws {
        let r = PadIDResolver.resolve(flag: nil, config: nil, tokenizer: try tokenizer(pad: "[PAD]"), rowCount: nil)
        #expect(r.padID?.id == 4 && r.padID?.source == .tokenizer("t/tokenizer.json (padding)"), "\(String(describing: r.padID))")
        #expect(PadIDResolver.resolve(flag: nil, config: nil, tokenizer: try tokenizer(pad: "[PAD]"), rowCount: 4).padID == nil, "past a 4-row matrix")
        // ByT5Tokenizer's own tokens are not measured (generate_tokenizer_class_roles.py leaves it out).
        let json = #"{"model":{"type":"WordLevel","vocab":{"a":0,"b":1,"<pad>":2,"<x>":3}}}"#
        let unmeasured = try Tokenizer.read(TokenizerFiles(tokenizerJSON: KnowledgeFixtures.json("t/tokenizer.json", json),
                                                           tokenizerConfig: KnowledgeFixtures.json("t/tokenizer_config.json", #"{"tokenizer_class":"ByT5Tokenizer","pad_token":"[PAD]"}"#)))
        #expect(unmeasured?.specialsAddedAtLoadExact == false)
        let guessed = PadIDResolver.resolve(flag: nil, config: nil, tokenizer: unmeasured, rowCount: nil)
        #expect(guessed.padID == nil)
        let note = try #require(guessed.notes.first { $0.contains("is not in the vocabulary") })
        #expect(note.contains("transformers adds it as a new token, with an id from 4 on"), "\(note)")
    }

    /// With no matrix given, the tokenizer's size bounds a config id, and the note says so: "the
    /// 4 rows" was said of a matrix with more rows than the tokenizer has tokens (hunt-53a D3).
    @Test("a config pad id past the tokenizer's tokens, no matrix given: the note names the tokenizer's size, not rows")
    func configIDPastTheTokenizer() throws {
        let r = PadIDResolver.resolve(flag: nil, config: try config(#"{"pad_token_id":4}"#), tokenizer: try tokenizer(pad: "<pad>"), rowCount: nil)
        #expect(r.padID?.id == 2)
        #expect(r.notes.first == "t/config.json: pad_token_id 4 is outside the tokenizer's 4 tokens; ignored")
        let rows = PadIDResolver.resolve(flag: nil, config: try config(#"{"pad_token_id":4}"#), tokenizer: try tokenizer(pad: "<pad>"), rowCount: 4)
        #expect(rows.notes.first == "t/config.json: pad_token_id 4 is outside the 4 rows; ignored")
    }

    /// What transformers 5.25 builds (AutoConfig, then AutoModel.from_config; adversarial
    /// review): LlamaConfig and BertConfig have no text_config and never read one, so a pad id
    /// only there is none of theirs (llama: None; bert: its default 0). NemotronConfig, outside
    /// the table, reads its top level whatever a text_config without a model_type says (3).
    @Test("a pad id only in the text_config of a class without one is not the model's; a text_config naming no model_type does not override the top level")
    func textConfigOfTextModels() throws {
        let llama = PadIDResolver.resolve(flag: nil, config: try config(#"{"model_type":"llama","text_config":{"pad_token_id":7}}"#),
                                          tokenizer: nil, rowCount: 16)
        #expect(llama.padID == nil)
        let bert = PadIDResolver.resolve(flag: nil, config: try config(#"{"model_type":"bert","text_config":{"pad_token_id":7}}"#),
                                         tokenizer: nil, rowCount: 16)
        #expect(bert.padID?.id == 0 && bert.padID?.sourceName == "model-type-default")
        for nested in [#"{}"#, #"{"pad_token_id":7}"#] {
            let nemotron = PadIDResolver.resolve(flag: nil, config: try config(#"{"model_type":"nemotron","pad_token_id":3,"text_config":\#(nested)}"#),
                                                 tokenizer: nil, rowCount: 16)
            #expect(nemotron.padID?.id == 3 && nemotron.padID?.sourceName == "config", "\(nested)")
        }
        #expect(bert.notes.contains { $0.contains("text_config.pad_token_id 7 is not read by BertConfig, which has no text_config; ignored") },
                "\(bert.notes)")
        // LlavaConfig has a text_config sub-config (composite-model-types.json), with or without
        // a model_type in it: transformers builds llava's text model from it (padding_idx 7 for
        // text pad 7 beside a top-level 3; None for none beside 3, the text default), so a stated
        // text_config id is the pad id and a top-level one it does not repeat is not used.
        for nested in [#"{"model_type":"llama","pad_token_id":7}"#, #"{"pad_token_id":7}"#] {
            let llava = PadIDResolver.resolve(flag: nil, config: try config(#"{"model_type":"llava","pad_token_id":3,"text_config":\#(nested)}"#),
                                              tokenizer: nil, rowCount: 16)
            #expect(llava.padID?.id == 7 && llava.notes.contains { $0.contains("the top-level pad_token_id 3 is not what") }, "\(nested)")
        }
        let none = PadIDResolver.resolve(flag: nil, config: try config(#"{"model_type":"llava","pad_token_id":3,"text_config":{"model_type":"llama"}}"#),
                                         tokenizer: nil, rowCount: 16)
        #expect(none.padID == nil && none.notes.contains { $0.contains("none in its text_config") })
        let bare = PadIDResolver.resolve(flag: nil, config: try config(#"{"model_type":"llava","pad_token_id":3}"#), tokenizer: nil, rowCount: 16)
        #expect(bare.padID == nil && bare.notes.contains { $0.contains("has no text_config") }, "\(bare.notes)")
        // Qwen2VLConfig given no text_config builds one from the top-level fields
        // (Qwen2VLConfig(pad_token_id=5).text_config.pad_token_id is 5): a flat config's id is used.
        let flat = PadIDResolver.resolve(flag: nil, config: try config(#"{"model_type":"qwen2_vl","pad_token_id":5}"#), tokenizer: nil, rowCount: 16)
        #expect(flat.padID?.id == 5 && flat.padID?.sourceName == "config")
        // The model type itself read from the text_config: that text_config is the config read.
        let nestedType = PadIDResolver.resolve(flag: nil, config: try config(#"{"text_config":{"model_type":"bert","pad_token_id":7}}"#),
                                               tokenizer: nil, rowCount: 16)
        #expect(nestedType.padID?.id == 7)
    }

    /// transformers passes pad_token_id -1 to nn.Embedding as padding_idx, which counts it from
    /// the end: LlamaModel(LlamaConfig(vocab_size=50, pad_token_id=-1)).embed_tokens.padding_idx
    /// is 49, and that row is zero (transformers warns the id is outside 0…49; -51 fails).
    @Test("a negative pad_token_id is the row nn.Embedding counts from the end; past the first row it is a note")
    func negativeConfigIDCountsFromTheEnd() throws {
        let last = PadIDResolver.resolve(flag: nil, config: try config(#"{"pad_token_id":-1}"#), tokenizer: nil, rowCount: 4)
        #expect(last.padID?.id == 3 && last.padID?.source == .config("t/config.json"))
        #expect(last.padID?.note.contains("pad_token_id -1") == true && last.padID?.note.contains("counts from the end") == true)
        let first = PadIDResolver.resolve(flag: nil, config: try config(#"{"pad_token_id":-4}"#), tokenizer: nil, rowCount: 4)
        #expect(first.padID?.id == 0)
        let outside = PadIDResolver.resolve(flag: nil, config: try config(#"{"pad_token_id":-5}"#), tokenizer: try tokenizer(pad: "<pad>"), rowCount: 4)
        #expect(outside.padID?.source == .tokenizer("t/tokenizer.json (padding)"))
        #expect(outside.notes.count == 1 && outside.notes[0].contains("-5"))
    }

    @Test(arguments: [#"1.0"#, #""1""#, #"[1]"#, #"7"#, #"1e0"#, #"true"#, #"-0.5"#])
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
        // Past a one-row matrix: a note, no row (by hand: one token, so transformers adds it as 1).
        let r = PadIDResolver.resolve(flag: nil, config: nil, tokenizer: t, rowCount: 1)
        #expect(r.padID == nil)
        #expect(r.notes.count == 1)
    }

    @Test func assumedIsMarked() {
        let p = PadID.assumed(0, reason: "no file names a pad token; row 0 by convention")
        #expect(p.isAssumed && p.sourceName == "assumed" && p.note.contains("assumed"))
    }
}

/// tokenizer.json's padding section read as transformers reads it (helper-145, checked with
/// transformers 5: `AutoTokenizer.from_pretrained` and `padding=True`).
@Suite struct PaddingSectionTests {
    func tokenizer(padding: String, config: String? = nil) throws -> Tokenizer? {
        let json = #"{"model":{"type":"WordLevel","vocab":{"<s>":0,"a":1,"</s>":2,"<pad>":3}},"padding":\#(padding)}"#
        return try Tokenizer.read(TokenizerFiles(tokenizerJSON: KnowledgeFixtures.json("t/tokenizer.json", json),
                                                 tokenizerConfig: config.map { KnowledgeFixtures.json("t/tokenizer_config.json", $0) }))
    }

    @Test("pad_id 1 beside pad_token \"</s>\" (id 2): the pad token is \"</s>\", id 2, and the note says pad_id was not used")
    func textWinsOverID() throws {
        let t = try #require(try tokenizer(padding: #"{"pad_id":1,"pad_token":"</s>"}"#))
        #expect(t.padToken?.content == "</s>" && t.padToken?.id == 2)
        #expect(t.padTokenNotes.contains { $0.contains("pad_id 1 but pad_token \"</s>\" has id 2; used the pad_token") }, "\(t.padTokenNotes)")
        let r = PadIDResolver.resolve(flag: nil, config: nil, tokenizer: t, rowCount: 4)
        #expect(r.padID?.id == 2)
    }

    @Test("a pad_token that is no token of the vocabulary gives no pad id, whatever pad_id says (transformers adds it past the vocabulary)")
    func textOutsideVocabulary() throws {
        let t = try #require(try tokenizer(padding: #"{"pad_id":1,"pad_token":"[PAD]"}"#))
        #expect(t.padToken?.content == "[PAD]" && t.padToken?.id == nil)
        #expect(PadIDResolver.resolve(flag: nil, config: nil, tokenizer: t, rowCount: 4).padID?.id != 1)
    }

    @Test("tokenizer_config.json's pad_token null wins over the padding section: no pad token, and a note says why")
    func nullInConfigWins() throws {
        let t = try #require(try tokenizer(padding: #"{"pad_id":3,"pad_token":"<pad>"}"#, config: #"{"pad_token":null}"#))
        #expect(t.padToken == nil)
        #expect(t.padTokenNotes.contains { $0.contains("sets pad_token to null, which transformers keeps") }, "\(t.padTokenNotes)")
    }

    @Test("tokenizer_class decides before the padding section when no file states pad_token: BertTokenizer's [PAD], GPT2Tokenizer's none, the generic class the section's")
    func tokenizerClassDefault() throws {
        let section = #"{"pad_id":1,"pad_token":"</s>"}"#
        let bert = try #require(try tokenizer(padding: section, config: #"{"tokenizer_class":"BertTokenizerFast"}"#))
        #expect(bert.padToken?.content == "[PAD]" && bert.padToken?.id == nil, "\(String(describing: bert.padToken))")
        #expect(bert.padTokenNotes.contains { $0.contains("declares a pad token, but tokenizer_class \"BertTokenizerFast\" has its own pad token \"[PAD]\", which comes first") },
                "\(bert.padTokenNotes)")
        let gpt2 = try #require(try tokenizer(padding: section, config: #"{"tokenizer_class":"GPT2Tokenizer"}"#))
        #expect(gpt2.padToken == nil)
        #expect(gpt2.padTokenNotes.contains { $0.contains("that class has no pad token of its own") }, "\(gpt2.padTokenNotes)")
        for generic in ["PreTrainedTokenizerFast", "TokenizersBackend", "LlamaTokenizerFast"] {
            let t = try #require(try tokenizer(padding: section, config: #"{"tokenizer_class":"\#(generic)"}"#))
            #expect(t.padToken?.content == "</s>" && t.padToken?.id == 2 && !t.padTokenNotes.contains { $0.contains("tokenizer_class") }, "\(generic): \(t.padTokenNotes)")
        }
        let unknown = try #require(try tokenizer(padding: section, config: #"{"tokenizer_class":"NoSuchTokenizer"}"#))
        #expect(unknown.padToken?.content == "</s>")
        #expect(unknown.padTokenNotes.contains { $0.contains("this reader does not know that class's") }, "\(unknown.padTokenNotes)")
        let stated = try #require(try tokenizer(padding: section, config: #"{"tokenizer_class":"BertTokenizer","pad_token":"<pad>"}"#))
        #expect(stated.padToken?.content == "<pad>" && !stated.padTokenNotes.contains { $0.contains("tokenizer_class") }, "\(stated.padTokenNotes)")
    }

    @Test("a section that agrees (pad_id 3, \"<pad>\") is used as before")
    func agreeing() throws {
        let t = try #require(try tokenizer(padding: #"{"pad_id":3,"pad_token":"<pad>"}"#))
        #expect(t.padToken?.content == "<pad>" && t.padToken?.id == 3 && t.padTokenNotes.isEmpty)
    }
}
