import ModelKnowledge
import Testing

/// Names and constructions that mark a token unused, and look-alikes that must not.
@Suite struct UnusedTokenTests {
    func tokenizer(_ tokens: [String], byteLevel: Bool = false, byteFallback: Bool = false) throws -> Tokenizer {
        var vocab = ""
        for (id, token) in tokens.enumerated() {
            let escaped = token.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            vocab += (id == 0 ? "" : ",") + "\"\(escaped)\":\(id)"
        }
        let pre = byteLevel ? #","pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false}"# : ""
        let json = #"{"model":{"type":"BPE","byte_fallback":\#(byteFallback),"vocab":{\#(vocab)},"merges":[]}\#(pre)}"#
        return try #require(try Tokenizer.read(TokenizerFiles(tokenizerJSON: KnowledgeFixtures.json("u/tokenizer.json", json))))
    }

    @Test func placeholderNames() throws {
        let names = ["[unused0]", "[unused993]", "<unused12>", "<|unused_007|>", "<|unused_token_3|>",
                     "<|reserved_special_token_250|>", "<|reserved_1|>", "<madeupword4>",
                     // look-alikes that are ordinary or named differently:
                     "[unused]", "unused5", "[UNUSED1]", "<unused12 >", "<|reserved_special_token_|>", "[unused1x]", "<|endoftext|>"]
        let t = try tokenizer(names)
        let found = Dictionary(uniqueKeysWithValues: UnusedTokens.find(in: t).map { ($0.token, $0.reason) })
        #expect(found["[unused0]"] == .unusedPlaceholder)
        #expect(found["[unused993]"] == .unusedPlaceholder)
        #expect(found["<unused12>"] == .unusedPlaceholder)
        #expect(found["<|unused_007|>"] == .unusedPlaceholder)
        #expect(found["<|unused_token_3|>"] == .unusedPlaceholder)
        #expect(found["<|reserved_special_token_250|>"] == .reservedPlaceholder)
        #expect(found["<|reserved_1|>"] == .reservedPlaceholder)
        #expect(found["<madeupword4>"] == .madeUpWord)
        #expect(found.count == 8, "\(found.keys.sorted())")
    }

    @Test func byteLevelTokensSpellingForbiddenBytesAnywhere() throws {
        // GPT-2 alphabet: byte 0xC0 is "À" (U+00C0), 0xFF is "ÿ", 0x20 is "Ġ" (U+0120), 0xC3 "Ã".
        let t = try tokenizer(["À", "ÿ", "Ġ", "ÃĢ", "aÀb", "Ġthe", "é"], byteLevel: true)
        let found = UnusedTokens.find(in: t)
        #expect(found.map(\.token) == ["À", "ÿ", "aÀb"])
        #expect(found.map(\.reason) == [.byteNeverInUTF8(0xC0), .byteNeverInUTF8(0xFF), .byteNeverInUTF8(0xC0)])
        // Without ByteLevel the same strings are ordinary text.
        #expect(UnusedTokens.find(in: try tokenizer(["À", "ÿ"])).isEmpty)
    }

    @Test func byteFallbackTokens() throws {
        let t = try tokenizer(["<unk>", "<0x41>", "<0x42>", "<0xC1>", "<0xF4>", "<0xf5>", "A"], byteFallback: true)
        let found = UnusedTokens.find(in: t)
        // <0x41> duplicates "A"; <0x42> ("B") has no own token; <0xF4> is a valid lead byte; lower-case hex is not a fallback token.
        #expect(found.map(\.id) == [1, 3])
        #expect(found.map(\.reason) == [.byteFallbackDuplicate(0x41), .byteFallbackNeverInUTF8(0xC1)])
        #expect(UnusedTokens.find(in: try tokenizer(["<0xC1>", "A", "<0x41>"])).isEmpty)
    }

    @Test func reasonNamesAreStable() {
        #expect(UnusedTokenReason.shadowed(by: 3).name == "shadowed")
        #expect(UnusedTokenReason.byteNeverInUTF8(0xC0).explanation.contains("0xC0"))
    }
}
