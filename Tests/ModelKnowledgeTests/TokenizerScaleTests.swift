import Foundation
import ModelKnowledge
import TestSupport
import Testing

/// Work linear in the vocabulary: reading a tokenizer whose every token is special, then asking
/// `isSpecial` and `UnusedTokens` about every id (what `tokens` and `audit` do per row), grows
/// with n, not n² (a list search per id was quadratic).
@Suite struct TokenizerScaleTests {
    static func tokenizerJSON(_ n: Int) -> NamedBytes {
        var vocab: [String] = [], added: [String] = []
        for i in 0..<n {
            vocab.append("\"<s\(i)>\":\(i)")
            added.append("{\"id\":\(i),\"content\":\"<s\(i)>\",\"special\":true}")
        }
        let text = "{\"model\":{\"type\":\"WordLevel\",\"vocab\":{\(vocab.joined(separator: ","))},\"unk_token\":\"<s0>\"},"
            + "\"added_tokens\":[\(added.joined(separator: ","))]}"
        return NamedBytes(path: "t/tokenizer.json", bytes: Array(text.utf8))
    }

    @Test("reading, isSpecial over every id and UnusedTokens.find are linear in the vocabulary")
    func linear() throws {
        let small = try #require(try Tokenizer.read(TokenizerFiles(tokenizerJSON: Self.tokenizerJSON(8))))
        #expect(small.specialTokens.count == 8 && (0..<8).allSatisfy(small.isSpecial) && !small.isSpecial(8))
        let ratio = try LinearTime.ratio(4_000) { n in
            let tokenizer = try #require(try Tokenizer.read(TokenizerFiles(tokenizerJSON: Self.tokenizerJSON(n))))
            var count = 0
            for id in 0..<tokenizer.vocabularySize where tokenizer.isSpecial(id) { count += 1 }
            #expect(count == n)
            _ = UnusedTokens.find(in: tokenizer)
        }
        #expect(ratio < LinearTime.bound, "ratio \(ratio)")
    }
}
