import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// The tokenizer AutoTokenizer builds, end to end: reference folders whose answers transformers
/// 5.25 recorded (TestData/knowledge/config-added-ids, unigram-classes) beside a generated
/// embedding, through `audit` and `padding`.
@Suite struct TokenizerLoadCLITests {
    /// A folder: `model.embed_tokens.weight` of `rows` × 2 beside the files of `fixture`
    /// (a folder under TestData/knowledge).
    static func folder(_ fixture: String, rows: Int) throws -> String {
        let bytes = (0..<(rows * 2)).flatMap { withUnsafeBytes(of: Float($0 % 5 + 1).bitPattern.littleEndian, Array.init) }
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: [.init(name: "model.embed_tokens.weight", dtype: .f32, shape: [UInt64(rows), 2], bytes: bytes)]).serialize())
            .write(to: dir.appendingPathComponent("model.safetensors"))
        let source = Fixtures.path("knowledge/\(fixture)")
        for leaf in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: source + "/" + leaf, toPath: dir.path + "/" + leaf)
        }
        return dir.path
    }

    static func report(_ arguments: [String]) throws -> [String: Any] {
        let run = try CLI.run(arguments)
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
    }

    static func findings(_ report: [String: Any], rule: String) -> [[String: Any]] {
        (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == rule }
    }

    @Test("two added_tokens_decoder keys past 64 bits are two tokens: <a> 20, <b> 21, so 21 rows leave <b> without one (hunt-62b N5)")
    func keysPastSixtyFourBitsAreTwoTokens() throws {
        // expected.json, huge-keys-two: len 22, "<a>" 20, "<b>" 21 (keys …98 and …99).
        let dir = try Self.folder("config-added-ids/huge-keys-two", rows: 21)
        let warning = try #require(Self.findings(try Self.report(["audit", dir, "--json"]), rule: "tokenizer-beyond-rows").first)
        #expect(warning["message"] as? String == "model.embed_tokens.weight has 21 rows and the tokenizer's largest id is 21: ids 21..<22 (1) have no row; "
            + "an input holding one indexes past the matrix")
        let tokens = try Self.report(["tokens", dir, "--json"])
        let tokenizer = try #require(tokens["tokenizer"] as? [String: Any])
        #expect(tokenizer["vocab_size"] as? Int == 22)
    }

    @Test("DPRContextEncoderTokenizerFast beside config.json's model_type bert keeps tokenizer.json's added tokens: pad [PAD] is 25 (hunt-63d H1)")
    func dprFastClassKeepsTheFilesAddedTokens() throws {
        // expected.json, dpr-fast-bert: class DPRContextEncoderTokenizerFast, "<sep>" 20, "<e0>" 21,
        // "[QUESTION]" 22, pad_token_id 25, len 28.
        let dir = try Self.folder("config-added-ids/dpr-fast-bert", rows: 28)
        let padding = try Self.report(["padding", dir, "--json"])
        let matrix = try #require((padding["embeddings"] as? [[String: Any]])?.first, "\(padding)")
        #expect(matrix["pad_id"] as? Int == 25 && matrix["pad_id_source"] as? String == "tokenizer", "\(matrix)")
        let tokens = try Self.report(["tokens", dir, "--json"])
        let tokenizer = try #require(tokens["tokenizer"] as? [String: Any])
        #expect(tokenizer["pad_id"] as? Int == 25)
        #expect(tokenizer["vocab_size"] as? Int == 23, "the vocabulary and the three added tokens; the class's five special tokens come after")
    }

    @Test("a WordLevel tokenizer.json beside model_type t5: AutoTokenizer raises TypeError, so no pad token comes from it (hunt-64c)")
    func unigramClassOnWordLevelIsNotLoadable() throws {
        // expected.json, t5-wordlevel: "TypeError: 'dict' object is not an instance of 'Sequence'".
        let dir = try Self.folder("unigram-classes/t5-wordlevel", rows: 6)
        let audit = try Self.report(["audit", dir, "--json"])
        let warning = try #require(Self.findings(audit, rule: "tokenizer-unreadable").first)
        #expect(warning["message"] as? String == "\(dir)/tokenizer.json: its model is WordLevel, but T5Tokenizer, the class AutoTokenizer builds "
            + "(registered for config.json's model_type \"t5\"), builds a Unigram model from the vocabulary, which needs [piece, score] pairs: "
            + "transformers 5.25.0 cannot load this tokenizer (AutoTokenizer raises TypeError: 'dict' object is not an instance of 'Sequence'); "
            + "the tokenizer files are not used: no pad token from the tokenizer, rows not named by token")
        let tokens = try Self.report(["tokens", dir, "--json"])
        #expect(tokens["tokenizer"] is NSNull)
    }
}
