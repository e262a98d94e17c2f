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
